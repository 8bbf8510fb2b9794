/**
 * The coordinator case (`npm run bench -- coordinator`, only when named):
 * `llmload run --instances 8` against the sse-stub, so that the coordinator
 * process does only a coordinator's work (the runners' batches merged into
 * the one summary, the live view, thresholds), not a simulator's. Every
 * process is preloaded with cpu-report.js (the runners through NODE_OPTIONS)
 * and reports its CPU time; the coordinator's is compared with the mean
 * runner's. Also the start skew the runners reported (llmload_start_skew, from
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
  const durationS = options.quick ? 5 : 10;
  const stub = await startStub(['--ttft-ms', '20', '--itl-ms', '5', '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', String(VUS + 50)]);
  const scriptPath = join(SCRATCH, 'coordinator-load.js');
  writeFileSync(scriptPath, script(durationS));
  const measures: CoordinatorMeasure[] = [];
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      const dir = join(SCRATCH, `coordinator-${rep}`);
      mkdirSync(dir, { recursive: true });
      const summary = join(dir, 'summary.json');
      const running = startNode(
        CLI,
        ['run', scriptPath, '--instances', String(RUNNERS), '--url', stub.url, '--no-report', '--no-thresholds', '--quiet', '--summary-export', summary, '--workers', '1'],
        { timeoutMs: (durationS + 60) * 1000, env: { NODE_OPTIONS: `--import=${CPU_REPORT}`, LLMLOAD_BENCH_USAGE_DIR: dir } },
      );
      const result = await running.done;
      const m: CoordinatorMeasure = {
        rep,
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
      measures.push(m);
      options.log(
        `coordinator rep ${rep + 1}: ${m.requests} requests, coordinator ${fmt(m.coordinatorCpuS, 2)} CPU-s, mean runner ${fmt(meanRunner(m), 2)} CPU-s, ` +
          `start skew p99 ${fmt(m.skewP99Ms, 2)} ms (max ${fmt(m.skewMaxMs, 2)} ms)${m.problem === null ? '' : `  PROBLEM: ${m.problem}`}`,
      );
    }
  } finally {
    await stub.close();
  }
  const good = measures.filter((m) => m.problem === null);
  const coordinator = median(good.map((m) => m.coordinatorCpuS));
  const runner = median(good.map(meanRunner));
  const share = coordinator / runner;
  const skew = median(good.map((m) => m.skewP99Ms));
  const row = (figure: string, value: string, target: string, ok: boolean | null): Row => ({
    case: `coordinator, ${RUNNERS} local runners, ${VUS} VUs`,
    figure,
    llmload: value,
    floor: '',
    compare: '',
    target,
    verdict: verdict(ok),
  });
  const rows: Row[] = [
    row('requests', fmt(median(good.map((m) => m.requests)), 0), '', null),
    row('coordinator CPU', `${fmt(coordinator, 2)} s`, '', null),
    row('mean runner CPU', `${fmt(runner, 2)} s`, '', null),
    row('coordinator ÷ mean runner', `${fmt(share * 100, 1)} %`, `≤ ${CPU_SHARE_TARGET * 100} %`, Number.isFinite(share) ? share <= CPU_SHARE_TARGET : null),
    row('start skew p99', `${fmt(skew, 2)} ms`, `< ${SKEW_TARGET_MS} ms`, Number.isFinite(skew) ? skew < SKEW_TARGET_MS : null),
  ];
  return { rows, raw: measures };
}

function meanRunner(m: CoordinatorMeasure): number {
  return m.runnerCpuS.length === 0 ? Number.NaN : m.runnerCpuS.reduce((a, b) => a + b, 0) / m.runnerCpuS.length;
}
