/**
 * forEachLine gives a results file's lines as readline did: in order, numbered
 * from 1, "\n" or "\r\n" ends, the last line without an end, lines that
 * straddle the 1 MiB chunks whole.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forEachLine } from '../../core/report/file-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-lines-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function linesOf(text: string): Promise<Array<[number, string]>> {
  const path = join(dir, 'file.txt');
  writeFileSync(path, text);
  const lines: Array<[number, string]> = [];
  await forEachLine(path, (line, lineNo) => lines.push([lineNo, line]));
  return lines;
}

test('lines end at \\n or \\r\\n; an empty line is a line; the last needs no end', async () => {
  assert.equal(await linesOf('a\r\nb\n\nc'), [
    [1, 'a'],
    [2, 'b'],
    [3, ''],
    [4, 'c'],
  ]);
  assert.equal(await linesOf('one\n'), [[1, 'one']]);
  assert.equal(await linesOf(''), []);
});

test('lines longer than a chunk and lines across chunk ends come whole, multi-byte characters intact', async () => {
  const long = 'é'.repeat(700_000); // 1.4 MB: past one 1 MiB chunk
  const lines = Array.from({ length: 5000 }, (_, i) => `{"n":${i},"s":"${'x'.repeat(i % 997)}"}`);
  const text = [long, ...lines, long].join('\n');
  const read = await linesOf(text);
  assert.is(read.length, lines.length + 2);
  assert.is(read[0]![1], long);
  assert.is(read.at(-1)![1], long);
  for (let i = 0; i < lines.length; i++) assert.equal(read[i + 1], [i + 2, lines[i]!]);
});

async function rejection(run: () => Promise<void>): Promise<string> {
  return run().then(
    () => 'resolved',
    (error: Error) => error.message,
  );
}

test('a missing file rejects; what the callback throws rejects', async () => {
  assert.match(await rejection(() => forEachLine(join(dir, 'none.ndjson'), () => undefined)), /ENOENT/);
  writeFileSync(join(dir, 'two.txt'), 'a\nb\n');
  const message = await rejection(() =>
    forEachLine(join(dir, 'two.txt'), (line) => {
      if (line === 'b') throw new Error('bad line b');
    }),
  );
  assert.is(message, 'bad line b');
});

/** The lines as the whole file decoded at once gives them (what reading line by line must agree with). */
function wholeFileLines(bytes: Buffer): Array<[number, string]> {
  const parts = bytes.toString('utf8').split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((line, i) => [i + 1, line.endsWith('\r') ? line.slice(0, -1) : line]);
}

async function linesOfBytes(bytes: Buffer): Promise<Array<[number, string]>> {
  const path = join(dir, 'bytes.ndjson');
  writeFileSync(path, bytes);
  const lines: Array<[number, string]> = [];
  await forEachLine(path, (line, lineNo) => lines.push([lineNo, line]));
  return lines;
}

const CHUNK = 1 << 20;

test('ASCII and non-ASCII chunks in any order read as the whole file decoded at once: CRLF, odd lines, a truncated last line', async () => {
  const ascii = Array.from({ length: 30_000 }, (_, i) => (i % 7 === 0 ? '' : `{"type":"request","n":${i},"text":"${'t'.repeat(i % 50)}"}${i % 3 === 0 ? '\r' : ''}`)).join('\n');
  const accented = Array.from({ length: 20_000 }, (_, i) => `{"n":${i},"text":"né ${'€'.repeat(i % 13)} 🙂"}`).join('\r\n');
  const text = `${ascii}\n${accented}\n${ascii}\n{"type":"end","truncat`;
  const bytes = Buffer.from(text);
  assert.ok(bytes.length > 3 * CHUNK, 'several chunks, some ASCII only, some not');
  assert.equal(await linesOfBytes(bytes), wholeFileLines(bytes));
});

test('a character split across chunks comes whole; a character left incomplete before an ASCII chunk or at the end reads as U+FFFD, as decoded at once', async () => {
  // '€' is 3 bytes: put its first byte last in the first chunk.
  const split = Buffer.concat([Buffer.from('a'.repeat(CHUNK - 1)), Buffer.from('€\nb\n'), Buffer.from('c'.repeat(CHUNK)), Buffer.from('\n')]);
  const splitLines = await linesOfBytes(split);
  assert.equal(splitLines, wholeFileLines(split));
  assert.is(splitLines[0]![1], `${'a'.repeat(CHUNK - 1)}€`);
  // A lone lead byte last in a chunk, then an ASCII chunk; a lone lead byte last in the file.
  const broken = Buffer.concat([
    Buffer.from('é'),
    Buffer.from('x'.repeat(CHUNK - 3)),
    Buffer.from([0xc3]),
    Buffer.from('y'.repeat(CHUNK)),
    Buffer.from('\nz'),
    Buffer.from([0xe2, 0x82]),
  ]);
  const brokenLines = await linesOfBytes(broken);
  assert.equal(brokenLines, wholeFileLines(broken));
  assert.ok(brokenLines[0]![1].includes('x\ufffdy'));
  assert.is(brokenLines[1]![1], 'z\ufffd');
});

test.run();
