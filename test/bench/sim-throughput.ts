/**
 * Macro benchmark of the simulator's HTTP server: can it pace many streams
 * on time, and how many tokens per second can it write?
 *
 * The simulator runs as its own process (`llmload sim`), the reading clients
 * in this one: raw sockets that count SSE events without parsing HTTP or JSON,
 * so that the clients, which share the machine's cores with the server, cost as
 * little as possible. The simulator's own timing error comes from its GET /stats:
 * step lag = how late each step's tokens started to be written against their
 * absolute deadline.
 *
 * Scenarios:
 *   paced      2,000 concurrent streams at 50 tok/s each (20 ms steps): steady step lag p99 must stay < 5 ms.
 *   floor      the same streams from floor-paced-server.ts, the least a Node server can do (no engine):
 *              what this machine allows, measured the same way.
 *   firehose   the `fast` preset (1 ms steps), 200 streams: streamed tokens/s received (target >= 100,000).
 *
 *   npm run build && node dist/test/bench/sim-throughput.js [paced|floor|firehose] [streams]
 *   SIM_CPU_PROF=DIR … profiles the simulator process
 *
 * Figures and the runs behind them: BENCHMARKS.md, "The simulator and open-loop dispatch".
 */
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LagStats, SimStats, SimulatorOptions } from '../../core/sim/index.js';

const CLI = fileURLToPath(new URL('../../../bin/llmload.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor-paced-server.js', import.meta.url));
/** Time after the last stream's first token before the steady window opens, ms. */
const SETTLE_MS = 1000;

/** A free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** What the benchmark reads of a server's GET /stats (the simulator's SimStats, or the floor's). */
type LagOnly = Pick<SimStats, 'stepLag'>;

/** `llmload sim` in its own process, as a deployment would run it; or, for `floor`, the minimal paced server. */
async function startSimProcess(options: SimulatorOptions, server: 'sim' | 'floor'): Promise<{ url: string; stats(): Promise<LagOnly>; close(): Promise<void> }> {
  const port = await freePort();
  const args = [CLI, 'sim', '--preset', options.preset ?? 'fast', '--port', String(port)];
  for (const [key, value] of Object.entries(options.config ?? {})) args.push('--config', `${key}=${JSON.stringify(value)}`);
  if (server === 'floor') args.splice(0, args.length, FLOOR, String(port), String(options.config?.stepBaseMs ?? 20));
  // SIM_CPU_PROF=DIR profiles the simulator process (written when it exits).
  const profile = process.env['SIM_CPU_PROF'];
  const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`llmload sim exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as LagOnly,
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

interface Scenario {
  name: string;
  /** `floor`: the minimal paced server (floor-paced-server.ts) instead of the simulator. */
  server: 'sim' | 'floor';
  options: SimulatorOptions;
  streams: number;
  /** Output tokens per stream (ignore_eos). */
  tokens: number;
  /** What must hold, checked on the result. */
  check: (r: Result) => string | null;
}

interface Result {
  streams: number;
  completed: number;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
  /** Step lag in the first SETTLE_MS after every stream had its first token (null when no such moment). */
  settle: LagStats | null;
  /** Step lag from then until the first stream ended, every stream streaming (null when a stream ended before). */
  steady: LagStats | null;
  /** Step lag from the start of `steady` to the last token, the finishing burst included. */
  end: LagStats;
}

/** 50 tok/s per stream: one 20 ms step regardless of batch size; a batch that fits every stream. */
const PACED: SimulatorOptions = { preset: 'fast', config: { stepBaseMs: 20, stepPerSeqMs: 0, prefillPerTokenMs: 0, maxNumSeqs: 4096 } };

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'paced',
    server: 'sim',
    options: PACED,
    streams: 2000,
    tokens: 500, // 10 s per stream
    check: (r) => (r.steady === null ? 'no steady state' : r.steady.p99Ms < 5 ? null : `steady step lag p99 ${r.steady.p99Ms.toFixed(2)} ms >= 5 ms`),
  },
  {
    // The same streams from the least a Node server can do (floor-paced-server.ts): what the machine allows.
    name: 'floor',
    server: 'floor',
    options: PACED,
    streams: 2000,
    tokens: 500,
    check: () => null,
  },
  {
    name: 'firehose',
    server: 'sim',
    options: { preset: 'fast' },
    streams: 200,
    tokens: 3000,
    check: (r) => (r.tokensPerSecond >= 100_000 ? null : `${Math.round(r.tokensPerSecond)} tok/s < 100,000`),
  },
];

const DATA_EVENT = Buffer.from('data: {');
/** How a chunked HTTP/1.1 response ends: the last chunk's CRLF, then the zero-size chunk. */
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');

/**
 * Open one stream on its own connection and count its content events (`data: {` markers), with
 * no HTTP or JSON parsing: the cheapest reader, so that the clients, which share this machine's
 * cores with the server, take as little from it as possible. Resolves with the count when the
 * chunked response ends; the connection stays open (as a keep-alive client's would) until `close`.
 */
function stream(port: number, tokens: number, onFirst: () => void, onEnd: () => void): { done: Promise<number>; close(): void } {
  const body = JSON.stringify({ prompt: 'Benchmark prompt', max_tokens: tokens, ignore_eos: true, stream: true });
  const head = `POST /v1/completions HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` + `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  const done = new Promise<number>((resolve, reject) => {
    let count = 0;
    let status = false;
    // The last bytes seen, so that a marker or the end split across reads is still found once.
    let tail = Buffer.alloc(0);
    socket.on('connect', () => socket.write(head + body));
    socket.on('data', (chunk: Buffer) => {
      if (!status) {
        status = true;
        if (chunk.toString('latin1', 0, 12) !== 'HTTP/1.1 200') return reject(new Error(`unexpected answer: ${chunk.toString('latin1', 0, 80)}`));
      }
      const before = count;
      if (tail.length > 0) {
        const seam = Buffer.concat([tail, chunk.subarray(0, DATA_EVENT.length - 1)]);
        if (seam.indexOf(DATA_EVENT) !== -1) count++;
      }
      for (let at = chunk.indexOf(DATA_EVENT); at !== -1; at = chunk.indexOf(DATA_EVENT, at + DATA_EVENT.length)) count++;
      if (before === 0 && count > 0) onFirst();
      tail = Buffer.from(chunk.length >= LAST_CHUNK.length ? chunk.subarray(chunk.length - LAST_CHUNK.length) : Buffer.concat([tail, chunk]).subarray(-LAST_CHUNK.length));
      if (tail.equals(LAST_CHUNK)) {
        onEnd();
        resolve(count);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after ${count} events`)));
  });
  return { done, close: () => socket.destroy() };
}

async function run(scenario: Scenario): Promise<Result> {
  const sim = await startSimProcess(scenario.options, scenario.server);
  const port = Number(new URL(sim.url).port);
  const streams: Array<{ close(): void }> = [];
  try {
    const warm = stream(
      port,
      5,
      () => {},
      () => {},
    );
    streams.push(warm);
    await warm.done;
    // Step lag is reported over three windows. `settle`: the first second after every stream has its
    // first token, while both processes digest the arrival burst (thousands of requests at once on
    // two shared cores: parsing, allocation, the garbage collection that follows). `steady`: from
    // then to the moment the first stream ends, all streams streaming at once; the target is judged
    // here. `end`: from the same start to the last token, the burst of answers ending together
    // included.
    const lag = { settle: null as Promise<LagOnly> | null, steady: null as Promise<LagOnly> | null, open: false };
    let window: Promise<unknown> | null = null;
    let started = 0;
    let ended = 0;
    const onFirst = (): void => {
      if (++started < scenario.streams) return;
      const settle = fetch(`${sim.url}/stats/reset`, { method: 'POST' }).then(() => new Promise((r) => setTimeout(r, SETTLE_MS)));
      lag.settle = settle.then(() => sim.stats());
      window = lag.settle
        .then(() => fetch(`${sim.url}/stats/reset`, { method: 'POST' }))
        .then(() => {
          lag.open = true;
        });
    };
    const onEnd = (): void => {
      // A stream that ends before the steady window opened leaves it empty (null).
      if (++ended === 1 && lag.open) lag.steady = sim.stats();
    };
    const t0 = performance.now();
    for (let i = 0; i < scenario.streams; i++) streams.push(stream(port, scenario.tokens, onFirst, onEnd));
    const counts = await Promise.all(streams.slice(1).map((s) => (s as ReturnType<typeof stream>).done));
    const seconds = (performance.now() - t0) / 1000;
    // onFirst assigns it; TS does not follow assignments made in callbacks and would narrow the `let` to null here.
    await (window as Promise<unknown> | null);
    const end = (await sim.stats()).stepLag;
    const settle = lag.settle === null ? null : (await lag.settle).stepLag;
    const steady = lag.steady === null ? null : (await lag.steady).stepLag;
    const tokens = counts.reduce((a, b) => a + b, 0);
    return {
      streams: scenario.streams,
      completed: counts.filter((c) => c === scenario.tokens).length,
      tokens,
      seconds,
      tokensPerSecond: tokens / seconds,
      settle,
      steady,
      end,
    };
  } finally {
    for (const s of streams) s.close();
    await sim.close();
  }
}

/** `p50 … p99 … max … over N steps` of a lag summary. */
function lagLine(lag: LagStats | null): string {
  if (lag === null) return 'n/a';
  return `p50 ${lag.p50Ms.toFixed(2)} ms, p99 ${lag.p99Ms.toFixed(2)} ms, max ${lag.maxMs.toFixed(2)} ms over ${lag.steps} steps`;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const streams = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  let failed = 0;
  for (const base of SCENARIOS) {
    if (only !== undefined && base.name !== only) continue;
    const scenario = streams === undefined ? base : { ...base, streams };
    const r = await run(scenario);
    const problem = r.completed === r.streams ? scenario.check(r) : `${r.streams - r.completed} streams incomplete`;
    if (problem !== null) failed++;
    process.stdout.write(
      `sim-throughput ${scenario.name.padEnd(9)} streams=${r.streams} tokens=${r.tokens} in ${r.seconds.toFixed(2)} s ` +
        `→ ${Math.round(r.tokensPerSecond).toLocaleString('en-US')} tok/s\n  step lag settle ${lagLine(r.settle)}\n` +
        `  step lag steady ${lagLine(r.steady)}\n  step lag to the end ${lagLine(r.end)}\n  ${problem === null ? 'OK' : `FAIL: ${problem}`}\n`,
    );
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
