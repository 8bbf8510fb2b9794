/**
 * The floor: the least a Node client can do to measure a streamed LLM answer.
 * N concurrent loops (their connections opened first), each sending chat requests with undici.request and
 * reading the body with `for await`; split SSE events on blank lines, JSON.parse
 * each one, take TTFT and the gaps between content events. Nothing else: no
 * workers, no histograms, no tags, no result file. Not a dependency of llmload;
 * the macro benchmarks (run.ts) run it as its own process next to llmload.
 *
 *   node dist/test/bench/floor-undici.js URL CONCURRENCY REQUESTS_PER_LOOP MAX_TOKENS
 *
 * The same loop serves both shapes the benchmarks use: bulk streams (the stub
 * at --itl-ms 0, many events per socket read) and timed mode (the stub at
 * e.g. --ttft-ms 100 --itl-ms 20, one token per read, the shape of a real
 * server), where an event may also arrive split over reads: the buffer keeps
 * the partial event until its blank line comes. TTFT and the gaps are taken
 * at the read that completes an event.
 *
 * Prints one JSON line: requests, failures, chunks, TTFT and ITL p50/p99 (ms).
 */
import { request } from 'undici';

const [url = 'http://127.0.0.1:8000', concurrency = '64', perLoop = '1', maxTokens = '256'] = process.argv.slice(2);
const body = JSON.stringify({
  messages: [{ role: 'user', content: 'count' }],
  max_tokens: Number(maxTokens),
  ignore_eos: true,
  stream: true,
  stream_options: { include_usage: true },
});
const ttft: number[] = [];
const itl: number[] = [];
let chunks = 0;
let failures = 0;

async function one(): Promise<void> {
  const t0 = performance.now();
  const res = await request(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  res.body.setEncoding('utf8');
  let buf = '';
  let last = -1;
  for await (const text of res.body as AsyncIterable<string>) {
    const now = performance.now();
    buf += text;
    let end: number;
    while ((end = buf.indexOf('\n\n')) !== -1) {
      const event = buf.slice(0, end);
      buf = buf.slice(end + 2);
      if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
      const content = JSON.parse(event.slice(6)).choices?.[0]?.delta?.content;
      if (typeof content !== 'string' || content === '') continue;
      chunks++;
      if (last < 0) ttft.push(now - t0);
      else itl.push(now - last);
      last = now;
    }
  }
}

async function loop(): Promise<void> {
  for (let i = 0; i < Number(perLoop); i++) await one().catch(() => failures++);
}

function pct(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const at = (p / 100) * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

// Open the connections first, as llmload does before it measures, so that TTFT holds no connect.
await Promise.all(Array.from({ length: Number(concurrency) }, () => request(`${url}/v1/models`).then((r) => r.body.dump())));
// undici hands a connection back to the pool one event-loop turn after its response ended.
await new Promise((resolve) => setTimeout(resolve, 20));
const started = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, loop));
const seconds = (performance.now() - started) / 1000;
const requests = Number(concurrency) * Number(perLoop);
const out = { requests, failures, chunks, seconds, ttftP50: pct(ttft, 50), ttftP99: pct(ttft, 99), itlP50: pct(itl, 50), itlP99: pct(itl, 99) };
process.stdout.write(JSON.stringify(out) + '\n');
