/**
 * The two clients under comparison, each run as its own process against the
 * same target with the same request (chat, streamed, usage requested,
 * `max_tokens` and `ignore_eos` set) and the same closed loop (N users, each
 * sending its requests one after another, connections opened first):
 *
 * - llmload, through its CLI with everything a real run does: worker threads,
 *   metrics with a tagged threshold submetric, live progress (plain lines on
 *   a pipe), raw results (`--out json`) and `--summary-export`; its report
 *   folder (written at the end from the raw results) only where a case asks;
 * - the floor (floor-undici.ts): a bare undici loop;
 * - the peer (peer-aiohttp.py): a Python client shaped like vLLM's benchmark
 *   client, where Debian's python3-aiohttp is installed (peerIsAvailable()).
 *
 * Both report the same figures, read back here into one shape.
 */
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, FLOOR, SCRATCH, startNode, startPeer, type ProcessResult, type Running } from './processes.js';

export type ClientName = 'llmload' | 'floor' | 'peer';

export interface Load {
  url: string;
  /** Concurrent streams (VUs / loops). */
  streams: number;
  /** Requests each stream sends one after another. */
  perStream: number;
  maxTokens: number;
  /** llmload only: --workers. */
  workers?: number;
  /** Kill the run after this long. */
  timeoutMs: number;
  /** Extra node flags for the llmload process (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  /** Launch through `ulimit -n <hard limit>` (thousands of sockets). */
  raiseFdLimit?: boolean;
  /** Write raw results (--out json) and print progress; default true. */
  outputs?: boolean;
  /** llmload only: where --out json writes (default: a file in the scratch folder). */
  resultsFile?: string;
  /**
   * llmload only: true writes a report folder (--report DIR, beside --out json); 'default' is the
   * command as users run it: no --report, --no-report or --out, so `llmload run` writes its default
   * llmload-results/<time>-<script>/ folder (raw results included) and prints progress;
   * default false (--no-report).
   */
  report?: boolean | 'default';
}

export interface ClientRun {
  client: ClientName;
  /** What went wrong (non-zero exit, failures, timeout), or null. */
  problem: string | null;
  requests: number;
  failures: number;
  /** Token-bearing events received. */
  chunks: number;
  /** Chunks per second over the client's own request window. */
  chunksPerS: number;
  /** ms; NaN when not reported. */
  ttftP50: number;
  ttftP99: number;
  itlP50: number;
  itlP99: number;
  process: ProcessResult;
}

const SCRIPT = `import type { Options, VU } from 'llmload';
const env = process.env;
const VUS = Number(env['BENCH_VUS']);
const ITERATIONS = Number(env['BENCH_ITERATIONS']);
const MAX_TOKENS = Number(env['BENCH_MAX_TOKENS']);
export const options: Options = {
  scenarios: { bench: { executor: 'per-vu-iterations', vus: VUS, iterations: ITERATIONS, maxDuration: env['BENCH_MAX_DURATION'] ?? '120s' } },
  thresholds: {
    llm_ttft: ['p(95)<60000'],
    'llm_itl{scenario:bench}': ['p(99)<60000'],
    // A few requests per stream cannot show a failure rate under 1 % (inconclusive, exit 99 by default): the
    // bench measures the client's cost of judging thresholds, not this verdict.
    llm_request_failed: [{ threshold: 'rate<0.01', inconclusive: 'pass' }],
  },
};
export default async function (vu: VU) {
  await vu.chat({ messages: [{ role: 'user', content: 'count' }], max_tokens: MAX_TOKENS, ignore_eos: true });
}
`;

let scriptPath: string | null = null;
let counter = 0;

function benchScript(): string {
  if (scriptPath === null) {
    scriptPath = join(SCRATCH, 'bench-chat.ts');
    writeFileSync(scriptPath, SCRIPT);
    // Dated a minute back, as a script not edited just now is: llmload's first run of it builds it and keeps the
    // bundle, the later runs use that (core/bundle/bundle-cache.ts), as a user's second run of a script does.
    const past = new Date(Date.now() - 60_000);
    utimesSync(scriptPath, past, past);
  }
  return scriptPath;
}

/** Start llmload on `load`; `running` gives the pid while it runs. */
export function startLlmload(load: Load): { running: Running; result: Promise<ClientRun> } {
  const n = ++counter;
  const summaryPath = join(SCRATCH, `summary-${n}.json`);
  const args = [
    'run',
    benchScript(),
    '--url',
    load.url,
    '--summary-export',
    summaryPath,
    '-e',
    `BENCH_VUS=${load.streams}`,
    '-e',
    `BENCH_ITERATIONS=${load.perStream}`,
    '-e',
    `BENCH_MAX_TOKENS=${load.maxTokens}`,
    '-e',
    `BENCH_MAX_DURATION=${Math.ceil(load.timeoutMs / 1000)}s`,
  ];
  if (load.report !== 'default') {
    if (load.outputs !== false) args.push('--out', `json=${load.resultsFile ?? join(SCRATCH, `results-${n}.ndjson`)}`);
    else args.push('--quiet');
    if (load.report === true) args.push('--report', join(SCRATCH, `report-${n}`));
    else args.push('--no-report');
  }
  if (load.workers !== undefined) args.push('--workers', String(load.workers));
  // Run from the scratch folder: nothing a run writes by default lands in the repository.
  const options: Parameters<typeof startNode>[2] = { timeoutMs: load.timeoutMs + 15_000, raiseFdLimit: load.raiseFdLimit ?? false, cwd: SCRATCH };
  if (load.nodeArgs !== undefined) options.nodeArgs = load.nodeArgs;
  const running = startNode(CLI, args, options);
  const result = running.done.then((proc): ClientRun => {
    const run: ClientRun = {
      client: 'llmload',
      problem: null,
      requests: 0,
      failures: 0,
      chunks: 0,
      chunksPerS: Number.NaN,
      ttftP50: Number.NaN,
      ttftP99: Number.NaN,
      itlP50: Number.NaN,
      itlP99: Number.NaN,
      process: proc,
    };
    try {
      const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as LlmloadSummary;
      const totals = summary.llmload.requests;
      run.requests = totals.requests;
      run.failures = totals.failed + totals.interrupted;
      run.chunks = (totals.itl?.count ?? 0) + totals.successful;
      const windowMs = totals.window?.durationMs ?? Number.NaN;
      run.chunksPerS = run.chunks / (windowMs / 1000);
      run.ttftP50 = summary.metrics['llm_ttft']?.values['med'] ?? Number.NaN;
      run.ttftP99 = summary.metrics['llm_ttft']?.values['p(99)'] ?? Number.NaN;
      run.itlP50 = summary.metrics['llm_itl']?.values['med'] ?? Number.NaN;
      run.itlP99 = summary.metrics['llm_itl']?.values['p(99)'] ?? Number.NaN;
    } catch (error) {
      run.problem = `no summary export (${(error as Error).message})`;
    }
    run.problem ??= problemOf(proc, run, load);
    return run;
  });
  return { running, result };
}

interface LlmloadSummary {
  metrics: Record<string, { values: Record<string, number> }>;
  llmload: {
    requests: {
      requests: number;
      successful: number;
      failed: number;
      interrupted: number;
      window: { durationMs: number } | null;
      itl: { count: number } | null;
    };
  };
}

/** Start the floor (or, with `client` 'peer', the Python peer, which prints the same line) on `load`. */
export function startFloor(load: Load, client: 'floor' | 'peer' = 'floor'): { running: Running; result: Promise<ClientRun> } {
  const args = [load.url, String(load.streams), String(load.perStream), String(load.maxTokens)];
  const options = { timeoutMs: load.timeoutMs + 15_000, raiseFdLimit: load.raiseFdLimit ?? false };
  const running = client === 'peer' ? startPeer(args, options) : startNode(FLOOR, args, options);
  const result = running.done.then((proc): ClientRun => {
    const run: ClientRun = {
      client,
      problem: null,
      requests: 0,
      failures: 0,
      chunks: 0,
      chunksPerS: Number.NaN,
      ttftP50: Number.NaN,
      ttftP99: Number.NaN,
      itlP50: Number.NaN,
      itlP99: Number.NaN,
      process: proc,
    };
    try {
      const out = JSON.parse(proc.stdout.trim().split('\n').pop() ?? '') as FloorOutput;
      run.requests = out.requests;
      run.failures = out.failures;
      run.chunks = out.chunks;
      run.chunksPerS = out.chunks / out.seconds;
      run.ttftP50 = out.ttftP50 ?? Number.NaN;
      run.ttftP99 = out.ttftP99 ?? Number.NaN;
      run.itlP50 = out.itlP50 ?? Number.NaN;
      run.itlP99 = out.itlP99 ?? Number.NaN;
    } catch {
      run.problem = 'no result line';
    }
    run.problem ??= problemOf(proc, run, load);
    return run;
  });
  return { running, result };
}

interface FloorOutput {
  requests: number;
  failures: number;
  chunks: number;
  seconds: number;
  ttftP50: number | null;
  ttftP99: number | null;
  itlP50: number | null;
  itlP99: number | null;
}

export function startClient(client: ClientName, load: Load): { running: Running; result: Promise<ClientRun> } {
  return client === 'llmload' ? startLlmload(load) : startFloor(load, client);
}

/** Run a client to its end. */
export function runClient(client: ClientName, load: Load): Promise<ClientRun> {
  return startClient(client, load).result;
}

function problemOf(proc: ProcessResult, run: ClientRun, load: Load): string | null {
  if (proc.timedOut) return `killed after ${load.timeoutMs + 15_000} ms`;
  if (proc.code !== 0) return `exit ${proc.code ?? proc.signal}: ${proc.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  if (run.failures > 0) return `${run.failures} of ${run.requests} requests failed`;
  const expected = load.streams * load.perStream;
  if (run.requests !== expected) return `${run.requests} requests, expected ${expected}`;
  return null;
}
