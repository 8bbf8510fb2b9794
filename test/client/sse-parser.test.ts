import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DONE, SseParser } from '../../core/client/sse-parser.js';
import { NdjsonParser } from '../../core/client/ndjson-parser.js';

interface Got {
  data: string;
  type: string;
}

/** A seeded PRNG (mulberry32), so that random splits are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feed `input` to a fresh parser in pieces cut at `cuts` (byte offsets), then end it. */
function parseIn(input: Buffer, cuts: number[], Parser: typeof SseParser | typeof NdjsonParser = SseParser): Got[] {
  const got: Got[] = [];
  const parser = new Parser({ onEvent: (data, type) => got.push({ data, type }) });
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    parser.feed(input.subarray(at, cut));
    at = cut;
  }
  parser.end();
  return got;
}

const whole = (): number[] => [];
const bytewise = (input: Buffer): number[] => Array.from({ length: input.length }, (_, i) => i + 1).slice(0, -1);
function randomCuts(input: Buffer, seed: number): number[] {
  const rand = prng(seed);
  const cuts: number[] = [];
  let at = 0;
  for (;;) {
    at += 1 + Math.floor(rand() * 12);
    if (at >= input.length) return cuts;
    cuts.push(at);
  }
}

/** Assert that every way of splitting `input` gives `expected`. */
function allSplits(input: string | Buffer, expected: Got[], Parser: typeof SseParser | typeof NdjsonParser = SseParser): void {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  assert.equal(parseIn(buf, whole(), Parser), expected, 'whole');
  assert.equal(parseIn(buf, bytewise(buf), Parser), expected, 'one byte at a time');
  for (let seed = 1; seed <= 25; seed++) assert.equal(parseIn(buf, randomCuts(buf, seed), Parser), expected, `random split, seed ${seed}`);
}

const msg = (data: string, type = 'message'): Got => ({ data, type });

test('LF-terminated events, one data line each', () => {
  allSplits('data: {"a":1}\n\ndata: {"b":2}\n\n', [msg('{"a":1}'), msg('{"b":2}')]);
});

test('CRLF line endings', () => {
  allSplits('data: {"a":1}\r\n\r\ndata: two\r\n\r\n', [msg('{"a":1}'), msg('two')]);
});

test('lone CR line endings', () => {
  allSplits('data: one\r\rdata: two\r\r', [msg('one'), msg('two')]);
});

test('mixed CR, LF and CRLF in one stream', () => {
  allSplits('data: a\r\n\ndata: b\r\rdata: c\n\r\n', [msg('a'), msg('b'), msg('c')]);
});

test('comment and keep-alive lines are ignored', () => {
  allSplits(': ping\n\n:\ndata: x\n: in the middle\ndata: y\n\n: trailing\n\n', [msg('x\ny')]);
});

test('multi-line data is joined with LF', () => {
  allSplits('data: line one\ndata: line two\ndata:line three\n\n', [msg('line one\nline two\nline three')]);
});

test('only one leading space of a value is removed; "data" without colon is an empty line of data', () => {
  allSplits('data:  two spaces\n\ndata\ndata: x\n\n', [msg(' two spaces'), msg('\nx')]);
});

test('[DONE] is delivered as the shared DONE constant', () => {
  const got = parseIn(Buffer.from('data: {"x":1}\n\ndata: [DONE]\n\n'), []);
  assert.equal(got, [msg('{"x":1}'), msg('[DONE]')]);
  assert.ok(got[1]!.data === DONE);
});

test('a multi-byte UTF-8 character split across chunks decodes intact', () => {
  const text = 'data: {"content":"héllo 😀 世界"}\n\n';
  const buf = Buffer.from(text, 'utf8');
  const emoji = buf.indexOf(Buffer.from('😀', 'utf8'));
  const han = buf.indexOf(Buffer.from('世', 'utf8'));
  for (const cut of [emoji + 1, emoji + 2, emoji + 3, han + 1, han + 2]) {
    assert.equal(parseIn(buf, [cut]), [msg('{"content":"héllo 😀 世界"}')], `cut at byte ${cut}`);
  }
  allSplits(buf, [msg('{"content":"héllo 😀 世界"}')]);
});

test('a CR at the end of a chunk and LF at the start of the next are one line break', () => {
  const buf = Buffer.from('data: a\r\n\r\ndata: b\r\n\r\n');
  assert.equal(parseIn(buf, [8, 10]), [msg('a'), msg('b')]);
});

test('event type is passed along and reset after each event', () => {
  allSplits('event: error\ndata: {"error":"boom"}\n\ndata: next\n\n', [msg('{"error":"boom"}', 'error'), msg('next')]);
});

test('id and retry fields and unknown fields are ignored', () => {
  allSplits('id: 7\nretry: 1000\nfoo: bar\ndata: x\n\n', [msg('x')]);
});

test('an event without data is not dispatched', () => {
  allSplits('event: ping\n\nid: 3\n\ndata: x\n\n', [msg('x')]);
});

test('a leading UTF-8 BOM is skipped', () => {
  allSplits(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: x\n\n')]), [msg('x')]);
});

test('at end of stream an unterminated event is still delivered', () => {
  allSplits('data: a\n\ndata: b', [msg('a'), msg('b')]);
  allSplits('data: a\n\ndata: b\n', [msg('a'), msg('b')]);
});

test('a long realistic stream gives the same events however it is split', () => {
  let text = ': keep-alive\n\n';
  const expected: Got[] = [];
  for (let i = 0; i < 40; i++) {
    const data = JSON.stringify({ choices: [{ index: 0, delta: { content: `tok${i} ünï ` }, finish_reason: null }] });
    text += `data: ${data}\r\n\r\n`;
    expected.push(msg(data));
  }
  text += 'data: [DONE]\r\n\r\n';
  expected.push(msg('[DONE]'));
  allSplits(text, expected);
});

test('NDJSON: lines split anywhere, CRLF, blank lines, last line without LF', () => {
  allSplits('{"a":"é"}\n\n{"b":2}\r\n  \n{"done":true}', [msg('{"a":"é"}', 'ndjson'), msg('{"b":2}', 'ndjson'), msg('{"done":true}', 'ndjson')], NdjsonParser);
});

test.run();
