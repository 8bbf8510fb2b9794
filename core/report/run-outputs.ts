/**
 * The outputs of `llmload run` beyond the summary, and what the end of a run
 * writes for them:
 *
 *   --out json=FILE    raw results (NDJSON), written as requests finish
 *   --out csv=FILE     one row per request, converted from the raw results at the end
 *   --out junit=FILE   thresholds and checks as JUnit test cases
 *   --out vllm-json=FILE  vllm bench serve --save-result keys, a line per row (core/outputs/vllm-json.ts)
 *   --report DIR       (--out report=DIR) the report folder; by default
 *                      llmload-results/<YYYYMMDD-HHMMSS>-<script>/
 *   $GITHUB_STEP_SUMMARY, when set: a Markdown summary appended to it
 *
 * The report, the CSV and the vLLM JSON are built from the raw results, so when --out json
 * is not given they go to DIR/results.ndjson (or, for a CSV without a report,
 * to a temporary file removed afterwards).
 *
 * Every one of these paths is probed before the load (outputTargets,
 * core/outputs/probe-outputs.ts); the lines naming what was written go to
 * stderr, as logs do, keeping stdout for the summary.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ErrorCode, LlmloadError } from '../errors.js';
import { ensureDir, write } from './output-file.js';
import type { OutputTarget } from '../outputs/probe-outputs.js';
import type { CheckRecord } from '../metrics/registry.js';
import type { ThresholdResult } from '../thresholds/types.js';
import type { WrittenReport } from './write-report.js';

export interface RunOutputs {
  json?: string;
  csv?: string;
  junit?: string;
  report?: string;
  /** `vllm bench serve --save-result` JSON, one line per row (core/outputs/vllm-json.ts). */
  vllmJson?: string;
  /** `json` is a temporary file kept only to build the CSV or the vLLM JSON. */
  jsonTemporary?: boolean;
}

const KINDS = ['json', 'csv', 'junit', 'report', 'vllm-json'] as const;
type Kind = (typeof KINDS)[number];
const FIELDS: Record<Kind, keyof RunOutputs> = { json: 'json', csv: 'csv', junit: 'junit', report: 'report', 'vllm-json': 'vllmJson' };

/** Parse `--out KIND=PATH` flags (json, csv, junit, report). Unknown kinds are a usage error listing the known ones. */
export function parseRunOutputs(flags: readonly string[]): RunOutputs {
  const outputs: RunOutputs = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const kind = eq < 0 ? flag : flag.slice(0, eq);
    const path = eq < 0 ? '' : flag.slice(eq + 1);
    if (!(KINDS as readonly string[]).includes(kind)) {
      throw new LlmloadError(ErrorCode.USAGE, `--out "${flag}": unknown output "${kind}" (known: json=FILE, csv=FILE, junit=FILE, vllm-json=FILE, report=DIR)`);
    }
    if (path === '') throw new LlmloadError(ErrorCode.USAGE, `--out "${flag}": expected ${kind}=${kind === 'report' ? 'DIR' : 'FILE'}`);
    (outputs as Record<string, string>)[FIELDS[kind as Kind]] = path;
  }
  if (outputs.json === undefined && outputs.report !== undefined) outputs.json = join(outputs.report, 'results.ndjson');
  if (outputs.json === undefined && (outputs.csv !== undefined || outputs.vllmJson !== undefined)) {
    outputs.json = join(tmpdir(), `llmload-${process.pid}-${Date.now()}.ndjson`);
    outputs.jsonTemporary = true;
  }
  return outputs;
}

/** Every place a run with these outputs writes to, for probing before the load. */
export function outputTargets(outputs: RunOutputs, summaryExport: string | undefined, env: NodeJS.ProcessEnv): OutputTarget[] {
  const targets: OutputTarget[] = [];
  if (outputs.report !== undefined) targets.push({ path: outputs.report, source: '--report', kind: 'dir' });
  // Raw results in the report folder are covered by probing the folder.
  if (outputs.json !== undefined && !(outputs.report !== undefined && outputs.json === join(outputs.report, 'results.ndjson'))) {
    targets.push({ path: outputs.json, source: outputs.jsonTemporary === true ? 'the temporary raw results for --out csv / vllm-json' : '--out json', kind: 'file' });
  }
  if (outputs.csv !== undefined) targets.push({ path: outputs.csv, source: '--out csv', kind: 'file' });
  if (outputs.junit !== undefined) targets.push({ path: outputs.junit, source: '--out junit', kind: 'file' });
  if (outputs.vllmJson !== undefined) targets.push({ path: outputs.vllmJson, source: '--out vllm-json', kind: 'file' });
  if (summaryExport !== undefined) targets.push({ path: summaryExport, source: '--summary-export', kind: 'file' });
  const step = env['GITHUB_STEP_SUMMARY'];
  if (step !== undefined && step !== '') targets.push({ path: step, source: '$GITHUB_STEP_SUMMARY', kind: 'file' });
  return targets;
}

/** How often /metrics is scraped during a run, ms: every second of the target's time (faster for a sped-up simulator). */
export function probeIntervalMs(simulator: { timeScale: number } | undefined): number {
  const scale = simulator === undefined ? 1 : Math.max(1, simulator.timeScale);
  return Math.max(100, Math.round(1000 / scale));
}

export interface RunArtifactsInput {
  outputs: RunOutputs;
  /** The raw results file, closed (with its end line). */
  resultsPath: string | undefined;
  thresholds: readonly ThresholdResult[] | null;
  checks: readonly CheckRecord[];
  durationMs: number;
  scriptPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where the lines naming what was written go (stderr). */
  log: NodeJS.WritableStream;
  /** The `llmload report …` command that rebuilds the report, shown when writing it fails. */
  rebuild?: string | null;
  redact: (text: string) => string;
}

/** Write junit, report, CSV and the GitHub step summary; every output is attempted, and the errors of those that failed are returned. */
export async function writeRunArtifacts(input: RunArtifactsInput): Promise<LlmloadError[]> {
  // Each output's modules load here, at the end of a run, and only for the outputs asked for: the
  // report modules (vega and friends) cost tens of milliseconds of start-up and of CPU at the end.
  const { outputs } = input;
  const errors: unknown[] = [];
  const attempt = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      errors.push(error);
    }
  };
  const show = (path: string): string => {
    const rel = relative(input.cwd, resolve(input.cwd, path));
    return rel.startsWith('..') ? resolve(path) : rel;
  };
  if (outputs.junit !== undefined) {
    const junit = outputs.junit;
    await attempt(async () => {
      const { renderJunit } = await import('../outputs/junit.js');
      await ensureDir(dirname(resolve(junit)));
      const name = input.scriptPath.split(/[\\/]/).pop() ?? 'llmload';
      await write(junit, input.redact(renderJunit({ thresholds: input.thresholds, checks: input.checks, durationMs: input.durationMs, name })));
      input.log.write(`junit: ${show(junit)}\n`);
    });
  }
  const resultsPath = input.resultsPath;
  const summaryFile = input.env['GITHUB_STEP_SUMMARY'];
  if (resultsPath !== undefined && (outputs.report !== undefined || (summaryFile !== undefined && summaryFile !== ''))) {
    await attempt(async () => {
      const [{ buildReportData }, { readResultsFile }, { writeReport }, { appendGithubSummary, githubSummary }] = await Promise.all([
        import('./report-data.js'),
        import('./results-file.js'),
        import('./write-report.js'),
        import('../outputs/github-summary.js'),
      ]);
      const data = buildReportData(await readResultsFile(resultsPath));
      let reportPath: string | null = null;
      if (outputs.report !== undefined) {
        let written: WrittenReport;
        try {
          written = await writeReport(data, outputs.report, { redact: input.redact, cwd: input.cwd, ...(outputs.jsonTemporary === true ? {} : { resultsPath }) });
        } catch (error) {
          if (input.rebuild === undefined || input.rebuild === null || !(error instanceof LlmloadError)) throw error;
          throw new LlmloadError(error.code, error.message, { cause: error, hint: `the raw results are kept; once the cause is fixed, rebuild the report with: ${input.rebuild}` });
        }
        reportPath = show(written.markdown);
        input.log.write(`report: ${reportPath} (also report.html, report.json, charts/)\n`);
      }
      if (summaryFile !== undefined && summaryFile !== '') await appendGithubSummary(summaryFile, input.redact(githubSummary(data, reportPath)));
    });
  }
  if (outputs.csv !== undefined && resultsPath !== undefined) {
    const csv = outputs.csv;
    await attempt(async () => {
      await ensureDir(dirname(resolve(csv)));
      const { writeCsvFromResults } = await import('../outputs/csv.js');
      const rows = await writeCsvFromResults(resultsPath, csv);
      input.log.write(`csv: ${show(csv)} (${rows} requests)\n`);
    });
  }
  if (outputs.vllmJson !== undefined && resultsPath !== undefined) {
    const file = outputs.vllmJson;
    await attempt(async () => {
      await ensureDir(dirname(resolve(file)));
      const { writeVllmJsonFromResults } = await import('../outputs/vllm-json.js');
      const rows = await writeVllmJsonFromResults(resultsPath, file);
      input.log.write(`vllm-json: ${show(file)} (${rows} ${rows === 1 ? 'result' : 'results, one a line'})\n`);
    });
  }
  if (outputs.jsonTemporary === true && resultsPath !== undefined) await rm(resultsPath, { force: true });
  return errors.map((error) =>
    error instanceof LlmloadError ? error : new LlmloadError(ErrorCode.OUTPUT, `cannot write an output: ${(error as Error).message}`, { cause: error }),
  );
}
