/**
 * The servers the macro benchmarks load, each in a process of its own: the
 * sse-stub (Rust, timing known exactly, GET /stats with its own lateness) and
 * llmload's simulator (`llmload sim`). Plus an in-process recorder for the
 * start-up case, which only notes when requests arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, sseStubBinary } from '../../helpers/sse-stub.js';
import { CLI, sleep } from './processes.js';

/** The stub's GET /stats (lateness in µs, percentiles as bucket upper edges). */
export interface StubStats {
  requests: number;
  streams_done: number;
  token_chunks: number;
  open_connections: number;
  write_errors: number;
  late_p50_us_le: number;
  late_p99_us_le: number;
  late_max_us: number;
  first_late_p50_us_le: number;
  first_late_p99_us_le: number;
}

export interface Target<S> {
  url: string;
  /** Zero the server's counters. */
  reset(): Promise<void>;
  stats(): Promise<S>;
  close(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/stats`);
      await res.arrayBuffer();
      return;
    } catch {
      if (performance.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${url}: the server did not start within ${timeoutMs} ms`);
      }
      await sleep(25);
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Start the sse-stub with `args` (e.g. ['--itl-ms', '0']); throws when it cannot be built. */
export async function startStub(args: readonly string[]): Promise<Target<StubStats>> {
  const bin = sseStubBinary();
  if (bin === null) throw new Error('sse-stub is not available: install cargo (it is built from ../shared/tools/sse-stub) or set LLMLOAD_SSE_STUB');
  const port = await freePort();
  // Thousands of connection threads: raise the open-files limit as far as the hard limit allows.
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', bin, '--host', '127.0.0.1', '--port', String(port), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, 15_000).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${stderr}`);
  });
  return {
    url,
    reset: async () => void (await (await fetch(`${url}/stats/reset`, { method: 'POST' })).arrayBuffer()),
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as StubStats,
    close: () => stopChild(child),
  };
}

/** The simulator's GET /stats, the parts used here. */
export interface SimStats {
  /** Sequences in the running batch (streams being answered). */
  running: number;
  requests: { received: number; completed: number; abandoned: number };
  stepLag: { p50Ms: number; p99Ms: number; maxMs: number; steps: number };
}

/** Start `llmload sim --preset PRESET` with extra flags (e.g. ['--config', 'stepBaseMs=20']). */
export async function startSim(preset: string, extra: readonly string[] = []): Promise<Target<SimStats>> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'sim', '--preset', preset, '--port', String(port), ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, 15_000).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${stderr}`);
  });
  return {
    url,
    reset: async () => void (await (await fetch(`${url}/stats/reset`, { method: 'POST' })).arrayBuffer()),
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as SimStats,
    close: () => stopChild(child),
  };
}

/** Arrival times (performance.now() of this process, the clock the launcher also reads) of the requests seen. */
export interface Arrivals {
  /** First request of any kind (a connection warm-up GET counts). */
  first: number | null;
  /** First POST (the first measured request). */
  firstPost: number | null;
}

/**
 * A tiny OpenAI-compatible server in this process for the start-up case: it
 * answers GET /v1/models and streams a three-token chat answer, and notes when
 * requests arrive on the same clock as the launcher's spawn time.
 */
export async function startArrivalRecorder(): Promise<{ url: string; arrivals: Arrivals; clear(): void; close(): Promise<void> }> {
  const arrivals: Arrivals = { first: null, firstPost: null };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const now = performance.now();
    arrivals.first ??= now;
    if (req.method === 'POST') arrivals.firstPost ??= now;
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"stub","object":"model"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: string, finish: string): string =>
        `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"stub","choices":[{"index":0,"delta":${delta},"finish_reason":${finish}}]}\n\n`;
      res.write(chunk('{"content":"a"}', 'null') + chunk('{"content":"b"}', 'null') + chunk('{"content":"c"}', 'null') + chunk('{}', '"length"'));
      res.end(
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"stub","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}}\n\ndata: [DONE]\n\n',
      );
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    clear: () => {
      arrivals.first = null;
      arrivals.firstPost = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
