/**
 * Child processes of the macro benchmarks: every client runs as its own
 * Node process, preloaded with cpu-report.js so that its CPU time (all
 * threads, getrusage) and peak RSS come back when it exits; its current RSS
 * can be read from /proc while it runs. Every run is bounded in time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file runs from dist/test/bench/macro). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CLI = join(ROOT, 'bin', 'llmload.js');
export const FLOOR = join(ROOT, 'dist', 'test', 'bench', 'floor-undici.js');
/** The Python peer (a vLLM-style aiohttp client); not compiled, run from the sources. */
export const PEER = join(ROOT, 'test', 'bench', 'peer-aiohttp.py');
/** Debian's Python, where python3-aiohttp installs (not a pyenv or venv one on PATH); LLMLOAD_BENCH_PYTHON names another. */
export const SYSTEM_PYTHON = process.env['LLMLOAD_BENCH_PYTHON'] || '/usr/bin/python3';
const CPU_REPORT = pathToFileURL(join(ROOT, 'dist', 'test', 'bench', 'cpu-report.js')).href;

/** Scratch folder of this benchmark run (removed by cleanup()). */
export const SCRATCH = mkdtempSync(join(tmpdir(), 'llmload-bench-'));

export function cleanup(): void {
  rmSync(SCRATCH, { recursive: true, force: true });
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** User + system CPU seconds of the whole process (every thread); NaN when it did not report (killed). */
  cpuS: number;
  /** Peak RSS, bytes (NaN when killed). */
  maxRss: number;
  /** From spawn() to exit, ms. */
  wallMs: number;
  /** From spawn() to the last output on stdout, ms (NaN when none): when a command printed what it did, before it exited. */
  lastOutputMs: number;
  timedOut: boolean;
}

export interface Running {
  pid: number;
  /** performance.now() just before spawn(). */
  spawnedAt: number;
  done: Promise<ProcessResult>;
  kill(signal?: NodeJS.Signals): void;
}

let counter = 0;

/**
 * Start `node [nodeArgs] --import cpu-report.js script args…`. With `raiseFdLimit` it goes
 * through `bash -c 'ulimit -n <hard limit>; exec …'` (same pid) for runs holding thousands of sockets.
 */
export function startNode(
  script: string,
  args: readonly string[],
  options: { timeoutMs: number; nodeArgs?: readonly string[]; env?: Record<string, string>; raiseFdLimit?: boolean; cwd?: string },
): Running {
  const usageFile = join(SCRATCH, `usage-${++counter}.json`);
  const argv = [...(options.nodeArgs ?? []), '--import', CPU_REPORT, script, ...args];
  const env = { ...process.env, ...options.env, LLMLOAD_BENCH_USAGE: usageFile, FORCE_COLOR: '0', NO_COLOR: '1' };
  const spawnedAt = performance.now();
  const child = options.raiseFdLimit
    ? spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...argv], { cwd: options.cwd ?? ROOT, env })
    : spawn(process.execPath, argv, { cwd: options.cwd ?? ROOT, env });
  let stdout = '';
  let stderr = '';
  let lastOutputAt = Number.NaN;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    lastOutputAt = performance.now();
    if (stdout.length < 1 << 20) stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr.length < 1 << 20 ? (stderr += d) : undefined));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const done = new Promise<ProcessResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - spawnedAt;
      let cpuS = Number.NaN;
      let maxRss = Number.NaN;
      try {
        const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userUs: number; systemUs: number; maxRssKb: number };
        cpuS = (usage.userUs + usage.systemUs) / 1e6;
        maxRss = usage.maxRssKb * 1024;
      } catch {
        // killed before it could report
      }
      resolve({ code, signal, stdout, stderr, cpuS, maxRss, wallMs, lastOutputMs: lastOutputAt - spawnedAt, timedOut });
    });
  });
  return { pid: child.pid ?? -1, spawnedAt, done, kill: (signal = 'SIGKILL') => child.kill(signal) };
}

let peerAvailable: boolean | null = null;

/** Whether the Python peer can run here (Debian's python3 with aiohttp); checked once. */
export function peerIsAvailable(): boolean {
  peerAvailable ??= spawnSync(SYSTEM_PYTHON, ['-c', 'import aiohttp'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return peerAvailable;
}

/**
 * Start the Python peer. It reports its own CPU (getrusage, every thread) and peak RSS in its
 * result line, so `cpuS` and `maxRss` come from there rather than from cpu-report.js.
 */
export function startPeer(args: readonly string[], options: { timeoutMs: number; raiseFdLimit?: boolean }): Running {
  const argv = [PEER, ...args];
  const spawnedAt = performance.now();
  const child = options.raiseFdLimit
    ? spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', SYSTEM_PYTHON, ...argv], { cwd: ROOT })
    : spawn(SYSTEM_PYTHON, argv, { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  let lastOutputAt = Number.NaN;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    lastOutputAt = performance.now();
    if (stdout.length < 1 << 20) stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr.length < 1 << 20 ? (stderr += d) : undefined));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const done = new Promise<ProcessResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - spawnedAt;
      let cpuS = Number.NaN;
      let maxRss = Number.NaN;
      try {
        const usage = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { userUs: number; systemUs: number; maxRssKb: number };
        cpuS = (usage.userUs + usage.systemUs) / 1e6;
        maxRss = usage.maxRssKb * 1024;
      } catch {
        // killed before it could report
      }
      resolve({ code, signal, stdout, stderr, cpuS, maxRss, wallMs, lastOutputMs: lastOutputAt - spawnedAt, timedOut });
    });
  });
  return { pid: child.pid ?? -1, spawnedAt, done, kill: (signal = 'SIGKILL') => child.kill(signal) };
}

/**
 * CPU time a running process has used so far, ns: the sum of its live threads' time on CPU
 * (/proc/PID/task/*\/schedstat, nanosecond resolution, unlike the 10 ms ticks of /proc/PID/stat).
 * A thread that ended is not counted, so take differences only over a window where no thread ends.
 * NaN once the process is gone.
 */
export function cpuNsOf(pid: number): number {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return total;
  } catch {
    return Number.NaN;
  }
}

/** Current resident set size of a process, bytes (NaN once it is gone). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The median (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
