/**
 * Micro benchmark of the SSE parser (core/client/sse-parser.ts), shaped like
 * undici's benchmarks/eventsource/eventsource-stream.mjs: one realistic body
 * built once (a 256-token vLLM chat stream: role chunk, 256 content chunks,
 * finish chunk, usage chunk, [DONE]; English text, then mixed scripts), fed
 * whole (a server writing faster than we read), one event per chunk (a paced
 * stream) and in 256/64/8/1-byte chunks. Each run checks the number of events, so the work cannot be
 * optimised away. A second table adds JSON.parse per event (what the client
 * does), to show the parser's share of the per-event cost.
 *
 *   npm run build && node dist/test/bench/sse-parser.js
 */
import { pathToFileURL } from 'node:url';
import { DONE, SseParser, type SseSink } from '../../core/client/sse-parser.js';

const TOKENS = 256;
/** role chunk + tokens + finish chunk + usage chunk + [DONE] */
const EVENTS = TOKENS + 4;

/** The body of one 256-token chat stream, as vLLM writes it (UTF-8, non-ASCII text unescaped). */
function buildBody(words: readonly string[]): Buffer {
  const head = '{"id":"chatcmpl-8f3a1c2b9d","object":"chat.completion.chunk","created":1732456789,"model":"Qwen/Qwen2.5-14B-Instruct-AWQ","choices":[{"index":0,"delta":';
  const chunk = (delta: string, finish = 'null'): string => `data: ${head}${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  let text = chunk('{"role":"assistant","content":""}');
  for (let i = 0; i < TOKENS; i++) text += chunk(JSON.stringify({ content: words[i % words.length] }));
  text += chunk('{}', '"stop"');
  text +=
    'data: {"id":"chatcmpl-8f3a1c2b9d","object":"chat.completion.chunk","created":1732456789,"model":"Qwen/Qwen2.5-14B-Instruct-AWQ","choices":[],"usage":{"prompt_tokens":1200,"total_tokens":1456,"completion_tokens":256}}\n\n';
  text += 'data: [DONE]\n\n';
  return Buffer.from(text, 'utf8');
}

/** The body cut after every event (what a paced stream delivers: one event per read). */
function perEvent(body: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (let end = body.indexOf('\n\n'); end !== -1; end = body.indexOf('\n\n', at)) {
    chunks.push(Buffer.from(body.subarray(at, end + 2)));
    at = end + 2;
  }
  return chunks;
}

/** The body cut into `size`-byte chunks (copies, as sockets deliver them). */
function split(body: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) chunks.push(Buffer.from(body.subarray(at, at + size)));
  return chunks;
}

class CountingSink implements SseSink {
  events = 0;
  bytes = 0;
  onEvent(data: string): void {
    this.events++;
    this.bytes += data.length;
  }
}

class ParsingSink implements SseSink {
  events = 0;
  tokens = 0;
  onEvent(data: string): void {
    this.events++;
    if (data === DONE) return;
    const json = JSON.parse(data) as { choices: { delta?: { content?: string } }[] };
    const content = json.choices[0]?.delta?.content;
    if (content !== undefined && content.length > 0) this.tokens++;
  }
}

interface Scenario {
  name: string;
  chunks: Buffer[];
}

/** Run `once` repeatedly for about `ms` and return ns per event. */
function measure(once: () => number, ms: number): number {
  // Warm-up, so that the measured loop runs optimised code.
  for (let i = 0; i < 200; i++) once();
  let runs = 0;
  let events = 0;
  const t0 = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 20; i++) events += once();
    runs += 20;
    elapsed = process.hrtime.bigint() - t0;
  }
  if (events !== runs * EVENTS) throw new Error(`expected ${runs * EVENTS} events, got ${events}`);
  return Number(elapsed) / events;
}

const ENGLISH = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.'];
const MIXED = [...ENGLISH, ' Ünïcödé', ' 😀', ' 世界'];

export function main(budgetMs = Number(process.env['BENCH_MS'] ?? 300)): void {
  const scenarios: (Scenario & { body: Buffer })[] = [];
  for (const [text, words] of [
    ['English', ENGLISH],
    ['mixed scripts', MIXED],
  ] as const) {
    const body = buildBody(words);
    scenarios.push({ name: `${text}, whole body`, body, chunks: [body] });
    scenarios.push({ name: `${text}, one event per chunk`, body, chunks: perEvent(body) });
    for (const size of [256, 64, 8, 1]) scenarios.push({ name: `${text}, ${size}-byte chunks`, body, chunks: split(body, size) });
  }
  console.log(`sse-parser: ${EVENTS} events per stream, ~${budgetMs} ms per measurement`);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  const rows: string[][] = [['scenario', 'parse ns/event', 'parse+JSON.parse ns/event', 'MB/s (parse)']];
  for (const { name, chunks, body } of scenarios) {
    const parseOnly = measure(() => {
      const sink = new CountingSink();
      const parser = new SseParser(sink);
      for (const chunk of chunks) parser.feed(chunk);
      parser.end();
      return sink.events;
    }, budgetMs);
    const withJson = measure(() => {
      const sink = new ParsingSink();
      const parser = new SseParser(sink);
      for (const chunk of chunks) parser.feed(chunk);
      parser.end();
      if (sink.tokens !== TOKENS) throw new Error(`expected ${TOKENS} tokens, got ${sink.tokens}`);
      return sink.events;
    }, budgetMs);
    const mbPerS = body.length / ((parseOnly * EVENTS) / 1e9) / 1e6;
    rows.push([name, parseOnly.toFixed(0), withJson.toFixed(0), mbPerS.toFixed(0)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
