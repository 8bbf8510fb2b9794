/**
 * The coordinator case (`npm run bench -- coordinator`, only when named):
 * `llmload run --instances 8` against the sse-stub, so that the coordinator
 * process does only a coordinator's work (the runners' batches merged into
 * the one summary, the live view, thresholds), not a simulator's. Every
 * process is preloaded with cpu-report.js (the runners through NODE_OPTIONS)
 * and reports its CPU time; the coordinator's is compared with the mean
 * runner's. Each repetition runs the test twice, short and long: the
 * difference between the two is the CPU of the extra load alone (merging,
 * for the coordinator; sending and reading, for a runner), without the
 * start-up and the end both runs pay. Also the start skew the runners reported (llmload_start_skew, from
 * the summary export): how late after the common start time each runner's
 * scheduler took its time zero.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, median, ROOT, SCRATCH, startNode } from './processes.js';
import { fmt, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub } from './targets.js';

const RUNNERS = 8;
/** VUs of the whole test (each runner gets an eighth). */
const VUS = 64;
const TOKENS = 64;
/** Coordinator CPU within this share of the mean runner's. */
const CPU_SHARE_TARGET = 0.25;
/** Start skew p99 on loopback, ms (the issue's target). */
const SKEW_TARGET_MS = 5;
const CPU_REPORT = pathToFileURL(join(ROOT, 'dist', 'test', 'bench', 'cpu-report.js')).href;

export interface CoordinatorMeasure {
  rep: number;
  durationS: number;
  requests: number;
  coordinatorCpuS: number;
  runnerCpuS: number[];
  skewP99Ms: number;
  skewMaxMs: number;
  wallMs: number;
  problem: string | null;
}

function script(durationS: number): string {
  return `export const options = { scenarios: { load: { executor: 'constant-vus', vus: ${VUS}, duration: '${durationS}s' } } };
export default async function (vu) {
  await vu.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: ${TOKENS} });
}
`;
}

interface SummaryExport {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
  llmload: { requests: { requests: number } };
}

export async function coordinatorCase(options: CaseOptions): Promise<CaseResult> {
  const [shortS, longS] = options.quick ? [3, 8] : [4, 14];
  const durations = [shortS, longS];
  const stub = await startStub(['--ttft-ms', '20', '--itl-ms', '5', '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', String(VUS + 50)]);
  const measures: CoordinatorMeasure[] = [];
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      for (const durationS of durations) measures.push(await measureRun(stub.url, rep, durationS, options));
    }
  } finally {
    await stub.close();
  }
  const ok = (rep: number): boolean => measures.every((m) => m.rep !== rep || m.problem === null);
  const long = measures.filter((m) => m.durationS === longS && ok(m.rep));
  const extra = (m: CoordinatorMeasure, of: (m: CoordinatorMeasure) => number): number => {
    const short = measures.find((s) => s.rep === m.rep && s.durationS === shortS)!;
    return of(m) - of(short);
  };
  const coordinator = median(long.map((m) => m.coordinatorCpuS));
  const runner = median(long.map(meanRunner));
  const share = median(long.map((m) => extra(m, (x) => x.coordinatorCpuS) / extra(m, meanRunner)));
  const skews = measures.filter((m) => ok(m.rep)).map((m) => m.skewP99Ms);
  const skew = median(skews);
  const row = (figure: string, value: string, target: string, pass: boolean | null): Row => ({
    case: `coordinator, ${RUNNERS} local runners, ${VUS} VUs`,
    figure,
    llmload: value,
    floor: '',
    compare: '',
    target,
    verdict: verdict(pass),
  });
  const rows: Row[] = [
    row(`requests in ${longS} s`, fmt(median(long.map((m) => m.requests)), 0), '', null),
    row(`coordinator CPU, ${longS} s run`, `${fmt(coordinator, 2)} s`, '', null),
    row(`mean runner CPU, ${longS} s run`, `${fmt(runner, 2)} s`, '', null),
    row(
      `coordinator ÷ mean runner, the ${longS - shortS} s of load between the runs`,
      `${fmt(share * 100, 1)} %`,
      `≤ ${CPU_SHARE_TARGET * 100} %`,
      Number.isFinite(share) ? share <= CPU_SHARE_TARGET : null,
    ),
    row(
      `start skew p99 (median of ${skews.length} runs, max ${fmt(Math.max(...skews), 1)} ms)`,
      `${fmt(skew, 2)} ms`,
      `< ${SKEW_TARGET_MS} ms`,
      Number.isFinite(skew) ? skew < SKEW_TARGET_MS : null,
    ),
  ];
  return { rows, raw: measures };
}

async function measureRun(url: string, rep: number, durationS: number, options: CaseOptions): Promise<CoordinatorMeasure> {
  const scriptPath = join(SCRATCH, `coordinator-load-${durationS}s.js`);
  writeFileSync(scriptPath, script(durationS));
  const dir = join(SCRATCH, `coordinator-${rep}-${durationS}s`);
  mkdirSync(dir, { recursive: true });
  const summary = join(dir, 'summary.json');
  const running = startNode(
    CLI,
    ['run', scriptPath, '--instances', String(RUNNERS), '--url', url, '--no-report', '--no-thresholds', '--quiet', '--summary-export', summary, '--workers', '1'],
    { timeoutMs: (durationS + 60) * 1000, env: { NODE_OPTIONS: `--import=${CPU_REPORT}`, LLMLOAD_BENCH_USAGE_DIR: dir } },
  );
  const result = await running.done;
  const m: CoordinatorMeasure = {
    rep,
    durationS,
    requests: Number.NaN,
    coordinatorCpuS: Number.NaN,
    runnerCpuS: [],
    skewP99Ms: Number.NaN,
    skewMaxMs: Number.NaN,
    wallMs: result.wallMs,
    problem: result.code === 0 ? null : `exit ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`,
  };
  for (const name of readdirSync(dir).filter((f) => /^usage-\d+\.json$/.test(f))) {
    const usage = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { userUs: number; systemUs: number };
    const cpuS = (usage.userUs + usage.systemUs) / 1e6;
    if (name === `usage-${running.pid}.json`) m.coordinatorCpuS = cpuS;
    else m.runnerCpuS.push(cpuS);
  }
  if (m.problem === null && m.runnerCpuS.length !== RUNNERS) m.problem = `${m.runnerCpuS.length} of ${RUNNERS} runners reported their CPU`;
  try {
    const exported = JSON.parse(readFileSync(summary, 'utf8')) as SummaryExport;
    m.requests = exported.llmload.requests.requests;
    m.skewP99Ms = exported.metrics['llmload_start_skew']?.values['p(99)'] ?? Number.NaN;
    m.skewMaxMs = exported.metrics['llmload_start_skew']?.values['max'] ?? Number.NaN;
  } catch (error) {
    m.problem ??= `no summary export: ${(error as Error).message}`;
  }
  options.log(
    `coordinator rep ${rep + 1}, ${durationS} s: ${m.requests} requests, coordinator ${fmt(m.coordinatorCpuS, 2)} CPU-s, mean runner ${fmt(meanRunner(m), 2)} CPU-s, ` +
      `start skew p99 ${fmt(m.skewP99Ms, 2)} ms (max ${fmt(m.skewMaxMs, 2)} ms)${m.problem === null ? '' : `  PROBLEM: ${m.problem}`}`,
  );
  return m;
}

function meanRunner(m: CoordinatorMeasure): number {
  return m.runnerCpuS.length === 0 ? Number.NaN : m.runnerCpuS.reduce((a, b) => a + b, 0) / m.runnerCpuS.length;
}
