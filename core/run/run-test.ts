/**
 * `llmload run`: the whole life of one test, in order.
 *
 *   bundle → load (init code, options) → validate → plan → target → setup()
 *   → workers (warm connections) → scheduler (+ live metrics, progress,
 *   thresholds) → drain → teardown() → summary, exports, exit code.
 *
 * Everything measured is kept whatever happens after it: raw results are
 * written as batches arrive, and the summary is produced on every path that
 * got as far as starting the workers (thresholds failing, abortOnFail,
 * Ctrl-C, a worker dying).
 */
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import type { CliIo } from './io.js';
import { bundleScript } from '../bundle/bundle-script.js';
import { ErrorCode, ExitCode, LlmloadError, fromErrorRecord } from '../errors.js';
import { planScenarios } from '../executors/index.js';
import type { ScenarioPlan } from '../executors/types.js';
import { ResultsWriter } from '../outputs/results-ndjson.js';
import { formatError } from '../outputs/format-error.js';
import { redactSecrets } from '../outputs/redact.js';
import { applyCliOverrides, parseEnvFlags, validateOptions } from '../options/index.js';
import type { WorkerMsg } from '../workers/messages.js';
import { ProgressPrinter } from './progress.js';
import { Scheduler } from './scheduler.js';
import { WorkerPool } from './worker-pool.js';
import { loadScript, describe } from './load-script.js';
import { resolveTarget, type ResolvedTarget } from './target.js';
import { LiveMetrics } from './live-metrics.js';
import { runLifecycleHook } from './lifecycle.js';
import { finishRun } from './finish.js';
import { parseRunOutputs, probeIntervalMs, type RunOutputs } from '../report/run-outputs.js';
import { ServerProbe } from '../report/server-probe.js';

/** What the CLI asks for. */
export interface RunRequest {
  scriptPath: string;
  quiet: boolean;
  /** false with --no-thresholds. */
  thresholds: boolean;
  /** --out values, e.g. 'json=results.ndjson'. */
  outputs: string[];
  /** -e KEY=VALUE values. */
  env: string[];
  /** --stage values. */
  stages: string[];
  vus?: number;
  duration?: string;
  iterations?: number;
  summaryExport?: string;
  url?: string;
  model?: string;
  apiKeyEnv?: string;
  workers?: number;
  simPreset?: string;
  timeScale?: number;
}

const STOP_REASONS = {
  signal: 'stopped by a signal (Ctrl-C / SIGTERM)',
  abortOnFail: 'a threshold with abortOnFail failed',
  script: 'the script called abortTest()',
  engine: 'an engine error',
} as const;

/** How often workers ship batches and the progress line refreshes. */
const FLUSH_INTERVAL_MS = 500;
const PROGRESS_INTERVAL_MS = 1_000;
/** k6 evaluates thresholds for abortOnFail about every 2 s. */
const THRESHOLD_INTERVAL_MS = 2_000;

export async function runTest(request: RunRequest, io: CliIo): Promise<number> {
  const env = parseEnvFlags(request.env);
  // -e values are visible to the script as process.env (also in workers, which copy it at start).
  for (const [key, value] of Object.entries(env)) process.env[key] = value;

  const bundle = await bundleScript(request.scriptPath);
  let target: ResolvedTarget | undefined;
  try {
    const script = await loadScript(bundle);
    const raw = applyCliOverrides(script.options, {
      vus: request.vus,
      duration: request.duration,
      iterations: request.iterations,
      stages: request.stages,
      url: request.url,
      model: request.model,
      apiKeyEnv: request.apiKeyEnv,
      workers: request.workers,
      simPreset: request.simPreset,
      timeScale: request.timeScale,
    });
    const options = validateOptions(raw);
    const plans = planScenarios(options);
    checkExecNames(plans, script.functions);
    const live = new LiveMetrics(options, request.thresholds);
    const outputs = parseOutputs(request.outputs);

    target = await resolveTarget(options, { ...io.env, ...env });
    const secrets = target.apiKey === undefined ? [] : [target.apiKey];
    const progress = new ProgressPrinter(io.stdout, request.quiet);
    progress.log(`llmload: ${bundle.scriptPath} → ${target.displayUrl}${target.simulator ? ` (built-in simulator, preset ${target.simulator.preset})` : ''}`);

    const results = outputs.json === undefined ? undefined : new ResultsWriter(outputs.json, { script: bundle.scriptPath, target: target.displayUrl, model: target.model ?? null, startedAt: new Date().toISOString() });
    // What the server says about itself (/v1/models, /metrics before, during and after), for the report.
    const probe = results === undefined ? undefined : await ServerProbe.start(target.worker, { intervalMs: probeIntervalMs(target.simulator) });

    const setupData = await runLifecycleHook('setup', script.setup, [], options.setupTimeoutMs);
    const workers = Math.max(1, options.workers ?? availableParallelism());
    const maxVus = plans.reduce((sum, plan) => sum + Math.max(0, ...plan.phases.map((p) => p.maxVus)), 0);
    // Connections opened before the start: as many as VUs exist from the start. An open phase's VUs
    // beyond preAllocatedVUs (maxVUs is a cap, often generous) connect when first needed, and their
    // connect time is measured apart from TTFT like any other.
    const warmVus = plans.reduce((sum, plan) => sum + Math.max(0, ...plan.phases.map((p) => ('kind' in p ? p.preAllocatedVus : p.maxVus))), 0);

    let scheduler: Scheduler | undefined;
    let stopReason: keyof typeof STOP_REASONS | null = null;
    let engineError: LlmloadError | undefined;
    const onMessage = (msg: WorkerMsg): void => {
      switch (msg.cmd) {
        case 'BATCH':
          live.ingest(msg);
          results?.writeBatch(msg.records, msg.samples);
          return;
        case 'PHASE_DONE':
          scheduler?.phaseDone(msg.workerIndex, msg.phaseId);
          return;
        case 'VUS_ALLOCATED':
          scheduler?.vusAllocated(msg.workerIndex, msg.phaseId, msg.vus);
          return;
        case 'LOG':
          progress.log(redactSecrets(`${msg.level}: ${msg.message}`, io.env, secrets));
          return;
        case 'ABORT_TEST':
          if (stopReason === null) {
            stopReason = 'script';
            progress.log(`test aborted by the script: ${msg.reason}`);
            scheduler?.stop();
          }
          return;
        case 'ERROR':
          engineError ??= fromErrorRecord(msg.error);
          if (stopReason === null) stopReason = 'engine';
          progress.log(formatError(engineError, io.env));
          scheduler?.stop(0);
          return;
        case 'READY':
          return;
      }
    };

    const { pool, connectMs } = await WorkerPool.start({
      workers,
      bundleUrl: bundle.bundleUrl,
      scriptDir: dirname(bundle.scriptPath),
      setupData,
      env,
      target: target.worker,
      maxVus,
      warmVus,
      flushIntervalMs: FLUSH_INTERVAL_MS,
      onMessage,
    });
    live.addConnectTimes(connectMs);
    scheduler = new Scheduler(pool, plans);
    scheduler.onPhaseStart = (event) => live.phaseStarted(event);
    scheduler.onVusTarget = (scenario, vus) => live.vusTarget(scenario, vus);
    scheduler.measure = (tags, elapsedMs) => live.measure(tags, elapsedMs);
    scheduler.onNotice = (message) => progress.log(message);

    // Ctrl-C / SIGTERM: the first stops gracefully, the second at once.
    const signals = io.signals ?? process;
    let signalCount = 0;
    const onSignal = (): void => {
      signalCount++;
      if (signalCount === 1) {
        stopReason ??= 'signal';
        progress.log('stopping: finishing in-flight requests (Ctrl-C again to stop at once)');
        scheduler?.stop();
      } else {
        progress.log('stopping now');
        scheduler?.stop(0);
      }
    };
    signals.on('SIGINT', onSignal);
    signals.on('SIGTERM', onSignal);

    // Shown in progress: the planned run time without graceful stops (which only apply when needed).
    const plannedMs = Math.max(0, ...plans.map((p) => p.startMs + p.phases.reduce((sum, phase) => sum + phase.durationMs, 0)));
    const ticker = setInterval(() => progress.update(live.snapshot(performance.now() - scheduler.startedAt, plannedMs)), PROGRESS_INTERVAL_MS);
    const thresholdTicker = setInterval(() => {
      const elapsed = performance.now() - scheduler.startedAt;
      const abort = live.checkAbort(elapsed);
      if (abort !== null && stopReason === null) {
        stopReason = 'abortOnFail';
        progress.log(`threshold ${abort} failed with abortOnFail: stopping the test`);
        scheduler?.stop();
      }
    }, THRESHOLD_INTERVAL_MS);
    let durationMs = 0;
    try {
      await scheduler.run();
      durationMs = performance.now() - scheduler.startedAt;
    } finally {
      clearInterval(ticker);
      clearInterval(thresholdTicker);
      await pool.close();
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
      progress.finish();
    }

    let teardownError: LlmloadError | undefined;
    try {
      await runLifecycleHook('teardown', script.teardown, [setupData], options.teardownTimeoutMs);
    } catch (error) {
      teardownError = error instanceof LlmloadError ? error : new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, describe(error));
    }

    const thresholdsOk = await finishRun({
      io,
      live,
      options,
      target,
      script,
      scriptPath: bundle.scriptPath,
      durationMs,
      results,
      summaryExport: request.summaryExport,
      secrets,
      aborted: stopReason === null ? null : STOP_REASONS[stopReason],
      scenarios: plans.map((p) => ({ name: p.name, executor: p.executor })),
      outputs,
      probe,
    });
    if (teardownError) io.stderr.write(formatError(teardownError, io.env) + '\n');
    if (engineError) return engineError.exitCode;
    if (stopReason === 'signal') return ExitCode.EXTERNAL_ABORT;
    if (stopReason === 'script') return ExitCode.SCRIPT_ABORTED;
    if (!thresholdsOk) return ExitCode.THRESHOLDS_FAILED;
    if (teardownError) return teardownError.exitCode;
    return ExitCode.OK;
  } finally {
    await target?.close();
    await bundle.dispose();
  }
}

/** `--out KIND=PATH` flags: json, csv, junit, report (core/report/run-outputs.ts). Unknown kinds are a usage error listing the known ones. */
export function parseOutputs(flags: readonly string[]): RunOutputs {
  return parseRunOutputs(flags);
}

/** Every scenario's `exec` must name an exported function. */
function checkExecNames(plans: readonly ScenarioPlan[], functions: ReadonlySet<string>): void {
  const problems: string[] = [];
  for (const plan of plans) {
    if (!functions.has(plan.exec)) {
      problems.push(
        plan.exec === 'default'
          ? `options.scenarios.${plan.name}: the script has no default export function to run`
          : `options.scenarios.${plan.name}.exec: the script exports no function "${plan.exec}"`,
      );
    }
  }
  if (problems.length > 0) {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, problems.length === 1 ? problems[0]! : `invalid options (${problems.length} problems)`, { details: problems });
  }
}

