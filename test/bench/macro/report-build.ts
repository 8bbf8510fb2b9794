/**
 * The report-build case: how long `llmload report FILE` takes to build the
 * report folder (report.md, report.html, report.json, charts) from the raw
 * results of 10,000 requests. The results come from one llmload run against
 * the stub streaming as fast as it can (100 streams × 100 requests of 128
 * tokens, `--out json`, not timed); then the report command runs on them,
 * launch to exit (CLI start-up included, as a user sees it). Target < 1 s.
 * There is no floor: a minimal client builds no report.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from './clients.js';
import { CLI, median, SCRATCH, startNode } from './processes.js';
import { fmt, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub } from './targets.js';

const REQUESTS_PER_STREAM = 100;
const STREAMS = 100;
const TOKENS = 128;
const TARGET_MS = 1000;

export interface ReportBuildMeasure {
  rep: number;
  wallMs: number;
  /** Launch to the command's last output line (the list of what it wrote). */
  writtenMs: number;
  cpuS: number;
  problem: string | null;
}

/** Write the raw results of 10,000 requests; returns the file. */
async function results(log: (line: string) => void): Promise<string> {
  const file = join(SCRATCH, 'report-build-results.ndjson');
  const stub = await startStub(['--itl-ms', '0', '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', '128']);
  try {
    const load = { url: stub.url, streams: STREAMS, perStream: REQUESTS_PER_STREAM, maxTokens: TOKENS, timeoutMs: 120_000, resultsFile: file };
    const run = await runClient('llmload', load);
    if (run.problem !== null) throw new Error(`the run that writes the results failed: ${run.problem}`);
  } finally {
    await stub.close();
  }
  log(`report-build: results of ${fmt(STREAMS * REQUESTS_PER_STREAM, 0)} requests × ${TOKENS} tokens, ${fmt(statSync(file).size / 1024 / 1024, 1)} MB`);
  return file;
}

export async function reportBuildCase(options: CaseOptions): Promise<CaseResult> {
  const file = await results((line) => options.log(line));
  const measures: ReportBuildMeasure[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    const out = join(SCRATCH, `report-build-${rep}`);
    const running = startNode(CLI, ['report', file, '--out', out], { timeoutMs: 60_000, cwd: SCRATCH });
    const proc = await running.done;
    let problem: string | null = null;
    if (proc.timedOut) problem = 'timed out';
    else if (proc.code !== 0) problem = `exit ${proc.code ?? proc.signal}: ${proc.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    else if (!existsSync(join(out, 'report.html'))) problem = 'no report.html';
    const m: ReportBuildMeasure = { rep, wallMs: proc.wallMs, writtenMs: proc.lastOutputMs, cpuS: proc.cpuS, problem };
    measures.push(m);
    options.log(
      `report-build rep ${rep + 1}: written at ${fmt(m.writtenMs, 0)} ms, exit at ${fmt(m.wallMs, 0)} ms, ${fmt(m.cpuS, 3)} CPU-s${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
    );
  }
  const ok = measures.filter((m) => m.problem === null);
  const wall = median(ok.map((m) => m.wallMs));
  const label = `report-build, ${fmt(STREAMS * REQUESTS_PER_STREAM, 0)} requests`;
  const rows: Row[] = [
    {
      case: label,
      figure: '`llmload report FILE`, launch → exit',
      llmload: `${fmt(wall, 0)} ms`,
      floor: '',
      compare: '',
      target: `< ${TARGET_MS} ms`,
      verdict: verdict(Number.isFinite(wall) ? wall < TARGET_MS : false),
    },
    {
      case: label,
      figure: 'launch → report written (its last output line)',
      llmload: `${fmt(median(ok.map((m) => m.writtenMs)), 0)} ms`,
      floor: '',
      compare: '',
      target: '',
      verdict: '',
    },
    { case: label, figure: 'CPU of the report command', llmload: `${fmt(median(ok.map((m) => m.cpuS)), 3)} s`, floor: '', compare: '', target: '', verdict: '' },
  ];
  return { rows, raw: measures };
}
