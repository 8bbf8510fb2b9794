/**
 * Macro benchmark of open-loop dispatch: can llmload hold a fixed arrival
 * rate, and how late does it send each request against its schedule?
 *
 * The simulator (`llmload sim --preset fast`) runs as its own process; llmload
 * runs a constant-arrival-rate scenario against it (`llmload run`, its own
 * process, default worker count) and writes raw results. From the records:
 *
 *   achieved rate   requests sent / scheduled duration (target: within 1 % of the rate)
 *   dispatch lag    t_start − t_sched per request (target: p99 < 5 ms)
 *   dropped         arrivals that found every VU busy (should be 0)
 *
 *   npm run build && node dist/test/bench/open-loop-rate.js [rate=500] [seconds=60] [uniform|poisson]
 *
 * Traffic stays on 127.0.0.1; the run is bounded (duration + 60 s).
 *
 * Figures on a shared 2-vCPU AMD EPYC VM (Node 20.20; simulator and llmload share
 * the two cores), 500 req/s × 60 s, max_tokens 16:
 *   uniform  30,000 of 30,000 sent, 0 dropped, 500.00 req/s (0.000 %), lag p50 0.04 ms, p99 2.97 ms, max 25.8 ms
 *   poisson  29,906 of 29,906 scheduled sent (the Poisson count itself is 0.3 % under 30,000),
 *            0 dropped, lag p50 0.06 ms, p99 2.70 ms, max 31.4 ms
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'llmload.js');

const rate = Number(process.argv[2] ?? 500);
const seconds = Number(process.argv[3] ?? 60);
const distribution = process.argv[4] ?? 'uniform';

function script(url: string): string {
  return `import type { Options, VU } from 'llmload';
export const options: Options = {
  target: { url: ${JSON.stringify(url)} },
  scenarios: {
    open: { executor: 'constant-arrival-rate', rate: ${rate}, duration: '${seconds}s', preAllocatedVUs: 200, maxVUs: 2000, distribution: '${distribution}', gracefulStop: '10s' },
  },
};
export default async function (vu: VU) {
  await vu.chat({ messages: [{ role: 'user', content: 'ping ' + vu.id }], max_tokens: 16, ignore_eos: true });
}
`;
}

/** Start the simulator process; resolves with its URL once it listens. */
function startSim(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [CLI, 'sim', '--preset', 'fast', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) {
        child.stdout.off('data', onData);
        resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`simulator exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 15_000).unref();
  });
}

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

const dir = mkdtempSync(join(tmpdir(), 'llmload-bench-open-'));
const sim = await startSim();
try {
  const scriptPath = join(dir, 'open-loop-rate.ts');
  const resultsPath = join(dir, 'results.ndjson');
  writeFileSync(scriptPath, script(sim.url));
  const result = await run(['run', scriptPath, '--quiet', '--no-report', '--out', `json=${resultsPath}`], (seconds + 60) * 1000);
  if (result.code !== 0) throw new Error(`llmload run exited ${result.code}:\n${result.output}`);
  const records: Array<{ scheduledAt: number; startedAt: number; ok: boolean; e2eMs: number | null }> = [];
  let dropped = 0;
  for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
    if (line === '') continue;
    const row = JSON.parse(line) as { type: string; metric?: string; value?: number };
    if (row.type === 'request') records.push(row as unknown as (typeof records)[number]);
    if (row.type === 'sample' && row.metric === 'dropped_iterations') dropped += row.value ?? 0;
  }
  const lags = records.map((r) => r.startedAt - r.scheduledAt).sort((a, b) => a - b);
  const starts = records.map((r) => r.startedAt).sort((a, b) => a - b);
  const sendSpanS = (starts.at(-1)! - starts[0]!) / 1000;
  const achieved = records.length / seconds;
  const ok = records.filter((r) => r.ok).length;
  const figures = {
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
    target: `${rate} req/s × ${seconds} s (${distribution})`,
    sent: records.length,
    expected: Math.round(rate * seconds),
    dropped,
    succeeded: ok,
    achievedPerSec: Number(achieved.toFixed(2)),
    achievedErrorPct: Number((((achieved - rate) / rate) * 100).toFixed(3)),
    sendSpanS: Number(sendSpanS.toFixed(3)),
    lagP50Ms: Number(percentile(lags, 50).toFixed(3)),
    lagP99Ms: Number(percentile(lags, 99).toFixed(3)),
    lagMaxMs: Number(lags.at(-1)!.toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  const pass = Math.abs(figures.achievedErrorPct) <= 1 && figures.lagP99Ms < 5;
  process.stdout.write(pass ? 'target met: achieved rate within 1 %, dispatch lag p99 < 5 ms\n' : 'target NOT met\n');
} finally {
  sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
