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

test.run();
