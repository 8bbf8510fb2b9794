/**
 * Micro benchmark of the client's per-chunk path: a ResponseHandler
 * (core/client/response-handler.ts) fed a 256-token vLLM chat stream one
 * event per socket read, as a paced stream arrives: the clock reading, the
 * batch, the microtask, the SSE parser, JSON.parse, the event reader, the ITL
 * sample and the coalescing count. undici is not involved: the handler's
 * methods are called as undici calls them, so the figure is the handler's own
 * cost per token.
 *
 * With the path of another build's dist/ folder it measures both, in
 * alternating rounds in one process, so a change to the hot path is compared
 * on the same machine state:
 *
 *   npm run build && node dist/test/bench/response-handler.js [OTHER/dist]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TOKENS = 256;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);

function buildEvents(): Buffer[] {
  const head = '{"id":"chatcmpl-8f3a1c2b9d","object":"chat.completion.chunk","created":1732456789,"model":"Qwen/Qwen2.5-14B-Instruct-AWQ","choices":[{"index":0,"delta":';
  const chunk = (delta: string, finish = 'null'): string => `data: ${head}${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  const words = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.'];
  const events = [chunk('{"role":"assistant","content":""}')];
  for (let i = 0; i < TOKENS; i++) events.push(chunk(JSON.stringify({ content: words[i % words.length] })));
  events.push(chunk('{}', '"stop"'));
  events.push('data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"total_tokens":268,"completion_tokens":256}}\n\n');
  events.push('data: [DONE]\n\n');
  return events.map((e) => Buffer.from(e, 'utf8'));
}

/** The handler's methods as undici calls them (types kept loose: another build's dist/ may differ). */
interface HandlerLike {
  onRequestStart(controller: object): void;
  onResponseStart(controller: object, status: number, headers: Record<string, string>, statusText: string): void;
  onResponseData(controller: object, chunk: Buffer): void;
  onResponseEnd(controller: object, trailers: object): void;
  readonly promise: Promise<unknown>;
}

interface Build {
  label: string;
  Handler: new (opts: object, setup: object) => HandlerLike;
  kConnection: symbol;
}

async function load(dist: string, label: string): Promise<Build> {
  const handler = (await import(pathToFileURL(resolve(dist, 'core/client/response-handler.js')).href)) as { ResponseHandler: Build['Handler'] };
  const pool = (await import(pathToFileURL(resolve(dist, 'core/client/connection-pool.js')).href)) as { kConnection: symbol };
  return { label, Handler: handler.ResponseHandler, kConnection: pool.kConnection };
}

const controller = { abort(): void {}, pause(): void {}, resume(): void {} };

/** One stream through a fresh handler; resolves to its token count. */
async function stream(build: Build, events: readonly Buffer[]): Promise<number> {
  const socket = { bytesRead: 0 };
  const handler = new build.Handler(
    // The connection as the pool gives it: its socket's byte count is what tells one read from the next.
    { origin: 'http://127.0.0.1', path: '/v1/chat/completions', method: 'POST', [build.kConnection]: { unclaimedConnectMs: null, socket, streamEndedAt: null, policy: null } },
    {
      api: 'chat',
      stream: true,
      format: 'sse',
      textOf: null,
      timeoutMs: 0,
      stallTimeoutMs: 0,
      scheduledAt: undefined,
      inputTokensClient: 12,
      secrets: [],
      signal: null,
      onSettled: () => {},
      tally: { tokens: 0 },
      onRetry: () => {},
    },
  );
  handler.onRequestStart(controller);
  handler.onResponseStart(controller, 200, { 'content-type': 'text/event-stream' }, 'OK');
  for (const event of events) {
    socket.bytesRead += event.length;
    handler.onResponseData(controller, event);
    // Let the handler's per-read microtask run (where it queues one): the next event is the next socket read.
    await new Promise<void>((done) => queueMicrotask(done));
  }
  handler.onResponseEnd(controller, {});
  const result = (await handler.promise) as { failure: string | null; itlMs: number[] };
  if (result.failure !== null || result.itlMs.length !== TOKENS - 1) throw new Error(`${build.label}: bad result ${JSON.stringify(result.failure)} ${result.itlMs.length}`);
  return TOKENS;
}

/** ns per token over about `ms`. */
async function measure(build: Build, events: readonly Buffer[], ms: number): Promise<number> {
  let tokens = 0;
  const t0 = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() - t0 < budget) for (let i = 0; i < 10; i++) tokens += await stream(build, events);
  return Number(process.hrtime.bigint() - t0) / tokens;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

export async function main(budgetMs = Number(process.env['BENCH_MS'] ?? 300), other = process.argv[2]): Promise<void> {
  const here = resolve(new URL('../..', import.meta.url).pathname);
  const builds = [await load(here, 'this build')];
  if (other !== undefined) builds.push(await load(other, other));
  const events = buildEvents();
  for (const build of builds) await measure(build, events, 300); // warm-up
  const figures = builds.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (let b = 0; b < builds.length; b++) figures[b]!.push(await measure(builds[b]!, events, budgetMs));
  }
  console.log(`response-handler: ${TOKENS}-token chat stream, one event per read, median of ${ROUNDS} rounds of ~${budgetMs} ms`);
  for (let b = 0; b < builds.length; b++) {
    const f = figures[b]!;
    console.log(`  ${builds[b]!.label}: median ${median(f).toFixed(0)} ns/token, best ${Math.min(...f).toFixed(0)} (rounds ${f.map((x) => x.toFixed(0)).join(', ')})`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
