/**
 * The end of a run: the final threshold evaluation, the summary (default or
 * the script's handleSummary), the summary export, and closing the raw
 * results. Runs on every path that started the workers, so what was measured
 * is always written.
 *
 * Every output was probed before the load; one that still fails here (a full
 * disk, a file removed meanwhile) is named on stderr and the others are
 * written all the same. The summary always prints: on stdout, with nothing
 * else there (the lines naming written files go to stderr).
 */
import { knownRows, knownRules } from '../metrics/known-rows.js';
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { CliIo } from './io.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import type { ResolvedOptions } from '../options/index.js';
import { shouldUseColor } from '../outputs/color.js';
import { formatError } from '../outputs/format-error.js';
import { normalizeHandleSummaryResult } from '../outputs/handle-summary.js';
import { redactSecrets } from '../outputs/redact.js';
import type { ResultsWriter } from '../outputs/results-ndjson.js';
import type { SummaryData } from '../outputs/summary-data.js';
import { summaryExport } from '../outputs/summary-export.js';
import { renderSummary } from '../outputs/summary-text.js';
import type { LiveMetrics } from './live-metrics.js';
import type { LoadedScript } from './load-script.js';
import type { NotRunPhase } from '../executors/not-run.js';
import { describe } from './load-script.js';
import type { ResolvedTarget } from './target.js';
import { buildRunEnd } from '../report/run-end.js';
import { writeRunArtifacts, type RunOutputs } from '../report/run-outputs.js';
import { makeDir } from '../outputs/make-dir.js';
import type { ServerProbe } from '../telemetry/server-probe.js';
import type { GpuTelemetrySnapshot } from '../telemetry/gpu-types.js';
import { addGpuMetrics, gpuRows, namesGpuMetric } from '../telemetry/gpu-metrics.js';

export interface FinishInput {
  io: CliIo;
  live: LiveMetrics;
  options: ResolvedOptions;
  target: ResolvedTarget;
  script: LoadedScript;
  scriptPath: string;
  durationMs: number;
  results: ResultsWriter | undefined;
  summaryExport: string | undefined;
  /** Values to redact from everything written (the API key). */
  secrets: readonly string[];
  /** Why the test stopped early, or null. */
  aborted: string | null;
  scenarios: ReadonlyArray<{ name: string; executor: string }>;
  /** Planned phases that never started (a sweep stopped before its last levels). */
  notRun?: readonly NotRunPhase[];
  /** --out and --report destinations (junit, csv, report folder). */
  outputs?: RunOutputs | undefined;
  /** Scraping the target's /metrics since before the load; stopped here. */
  probe?: ServerProbe | undefined;
  /** GPU readings around the load, already stopped; null when none were taken. */
  gpu?: GpuTelemetrySnapshot | null;
  /** The `llmload report …` command that rebuilds the report from the raw results, when they are kept. */
  rebuild?: string | null;
}

export interface FinishResult {
  /** Every threshold passed (or none was set). */
  thresholdsOk: boolean;
  /** The first output that could not be written (each one is already named on stderr), if any. */
  outputError: LlmloadError | undefined;
}

export async function finishRun(input: FinishInput): Promise<FinishResult> {
  const { io, live, options, target } = input;
  // GPU metrics exist only after the load (per row windows): added for the final evaluation when a threshold names one.
  const window = live.registry.total.row().window;
  if (input.gpu != null && window !== null && namesGpuMetric(Object.keys(options.thresholds).map((k) => k.split('{')[0]!))) {
    // The registry's rows are on the simulated server's timeline when the run was time-scaled: the readings go there too.
    addGpuMetrics(live.registry, live.time.scaled ? live.time.gpu(input.gpu) : input.gpu, gpuRows(live.registry), window);
  }
  const evaluation = live.finalEvaluation(input.durationMs);
  const data: SummaryData = {
    registry: live.registry,
    thresholds: evaluation,
    run: {
      target: {
        url: target.simulator ? null : target.displayUrl,
        model: target.model ?? null,
        simulator: target.simulator ? { preset: target.simulator.preset, timeScale: target.simulator.timeScale } : null,
      },
      // In the modelled server's time, as every figure the registry holds (LiveMetrics.time).
      testRunDurationMs: live.time.ms(input.durationMs),
      scenarios: input.scenarios,
      summaryTrendStats: options.summaryTrendStats,
      isStdOutTTY: io.stdout.isTTY === true,
      isStdErrTTY: io.stderr.isTTY === true,
      noColor: !shouldUseColor(io.stdout, io.env),
      aborted: input.aborted,
      load: live.modelledLoadRows(),
      notRun: [...(input.notRun ?? [])],
      timeScale: live.time.scale,
      known: knownRows(
        { level: live.registry.groups('level'), rate: live.registry.groups('rate'), scenario: live.registry.groups('scenario') },
        knownRules(options.scenarios),
        live.phaseStops,
      ),
    },
    loadGenerator: live.loadGenerator.summary(),
  };
  const redact = (text: string): string => redactSecrets(text, io.env, input.secrets);

  // Raw results first: they are what a person needs most if anything below fails.
  const errors: LlmloadError[] = [];
  const attempt = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      errors.push(error instanceof LlmloadError ? error : new LlmloadError(ErrorCode.OUTPUT, `cannot write an output: ${(error as Error).message}`, { cause: error }));
    }
  };
  await attempt(async () => {
    const server = input.probe === undefined ? null : await input.probe.stop();
    // The end line: what `llmload report` needs beyond the records to rebuild the report.
    input.results?.writeEnd(
      buildRunEnd({
        durationMs: input.durationMs,
        aborted: input.aborted,
        notRun: input.notRun ?? [],
        target: data.run.target,
        scenarios: input.scenarios,
        options,
        thresholds: evaluation?.results ?? null,
        server,
        gpu: input.gpu ?? null,
        // What was measured: the end line is raw results, converted again by whoever reads them.
        load: live.loadRows(),
        phaseStops: live.phaseStops,
      }) as unknown as Record<string, unknown>,
      redact,
    );
    await input.results?.close();
  });

  const exported = summaryExport(data);
  const exportPath = input.summaryExport;
  if (exportPath !== undefined) await attempt(() => writeOutput(resolve(io.cwd, exportPath), '--summary-export', redact(JSON.stringify(exported, null, 2) + '\n')));

  if (input.script.handleSummary !== undefined) {
    let result: unknown;
    try {
      result = await input.script.handleSummary(structuredClone(exported));
    } catch (error) {
      io.stderr.write(formatError(new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `handleSummary() threw: ${describe(error)}`), io.env) + '\n');
      io.stdout.write(redact(renderSummary(exported, { color: shouldUseColor(io.stdout, io.env) })));
      result = undefined;
    }
    if (result !== undefined) {
      const outputs = normalizeHandleSummaryResult(result);
      if (outputs.stdout !== null) io.stdout.write(redact(outputs.stdout));
      if (outputs.stderr !== null) io.stderr.write(redact(outputs.stderr));
      for (const file of outputs.files) {
        await attempt(() => writeOutput(resolve(io.cwd, file.path), 'handleSummary()', typeof file.content === 'string' ? redact(file.content) : file.content));
      }
    }
  } else {
    io.stdout.write('\n' + redact(renderSummary(exported, { color: shouldUseColor(io.stdout, io.env) })));
  }
  if (input.results !== undefined && input.outputs?.jsonTemporary !== true) io.stderr.write(`raw results: ${show(io.cwd, input.results.path)} (${input.results.lines} requests)\n`);
  if (input.outputs !== undefined) {
    try {
      const failed = await writeRunArtifacts({
        outputs: input.outputs,
        resultsPath: input.results?.path,
        thresholds: evaluation?.results ?? null,
        checks: live.registry.checks(),
        durationMs: input.durationMs,
        scriptPath: input.scriptPath,
        env: io.env,
        cwd: io.cwd,
        log: io.stderr,
        rebuild: input.rebuild ?? null,
        redact,
      });
      errors.push(...failed);
    } catch (error) {
      errors.push(error instanceof LlmloadError ? error : new LlmloadError(ErrorCode.OUTPUT, `cannot write the report: ${(error as Error).message}`, { cause: error }));
    }
  }
  for (const error of errors) io.stderr.write(formatError(error, io.env) + '\n');
  const thresholdsOk = evaluation?.ok ?? true;
  if (errors.length > 0) {
    const failedOnlyInconclusive = !thresholdsOk && evaluation !== null && evaluation.results.every((r) => r.ok || r.state === 'inconclusive');
    const verdict =
      evaluation === null ? 'no thresholds' : thresholdsOk ? 'thresholds passed' : failedOnlyInconclusive ? 'thresholds inconclusive (which fails the run)' : 'thresholds failed';
    io.stderr.write(`llmload: ${errors.length === 1 ? 'an output' : `${errors.length} outputs`} could not be written (above); ${verdict}, everything else was written\n`);
  }
  return { thresholdsOk, outputError: errors[0] };
}

/** A path as the user would type it from the working directory. */
function show(cwd: string, path: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel.startsWith('..') || rel === '' ? resolve(cwd, path) : rel;
}

async function writeOutput(path: string, source: string, content: string | Uint8Array): Promise<void> {
  try {
    await makeDir(dirname(path));
    await writeFile(path, content);
  } catch (error) {
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${path} (${source}): ${(error as Error).message}`, { cause: error });
  }
}
