/**
 * `llmload run`: the whole life of one test, in order.
 *
 *   bundle → load (init code, options) → validate → plan → target → setup()
 *   → workers (warm connections) → scheduler (+ live metrics, progress,
 *   thresholds) → drain → teardown() → summary, exports, exit code.
 *
 * The worker threads boot beside the steps before theirs: the first from the
 * start, the rest once the options say how many (core/run/worker-threads.ts).
 *
 * Everything measured is kept whatever happens after it: raw results are
 * written as batches arrive, and the summary is produced on every path that
 * got as far as starting the workers (thresholds failing, abortOnFail,
 * Ctrl-C, a worker dying). Every output path is checked before the first
 * request, so an unwritable one costs no load.
 *
 * Streams as in k6: logs, progress, warnings and the script's console on
 * stderr; the end-of-test summary (or handleSummary's stdout) alone on stdout.
 */
import { availableParallelism } from 'node:os';
import { rmdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { CliIo } from './io.js';
import { bundleScript, type BundledScript } from '../bundle/bundle-script.js';
import type { EarlyStart } from './early-start.js';
import { ErrorCode, ExitCode, LlmloadError, fromErrorRecord, toErrorRecord } from '../errors.js';
import { planMaxVus, planScenarios } from '../executors/index.js';
import { plansOnRealClock, scheduleScale } from '../executors/time-scale.js';
import type { ScenarioPlan } from '../executors/types.js';
import { ResultsWriter } from '../outputs/results-ndjson.js';
import { formatError } from '../outputs/format-error.js';
import { redactSecrets } from '../outputs/redact.js';
import { applyCliOverrides, parseEnvFlags, validateOptions } from '../options/index.js';
import type { WorkerMsg } from '../workers/messages.js';
import { progressPlan } from './progress-plan.js';
import { ProgressPrinter } from './progress.js';
import { ControllerTicks, controllerThreadHealth } from './controller-ticks.js';
import { Scheduler } from './scheduler.js';
import { WorkerPool } from './worker-pool.js';
import { WorkerThreads, startsWorkerThreads } from './worker-threads.js';
import { defaultWorkerCount } from './worker-count.js';
import { loadScript, describe } from './load-script.js';
import { resolveTarget, type ResolvedTarget } from './target.js';
import { LiveMetrics } from './live-metrics.js';
import { runLifecycleHook } from './lifecycle.js';
import { notRunPhases, phaseKey } from '../executors/not-run.js';
import { outputTargets, parseRunOutputs, probeIntervalMs, type RunOutputs } from '../report/run-outputs.js';
import { createDefaultReportDir } from '../report/report-dir.js';
import { probeOutputs } from '../outputs/probe-outputs.js';
import { redirectConsole } from './script-console.js';
import type { GpuTelemetry } from '../telemetry/gpu-telemetry.js';
import { gpuTelemetryConfig } from '../telemetry/gpu-config.js';
import { namesGpuMetric } from '../telemetry/gpu-metrics.js';
import { checkThresholdTargets, planTagValues } from '../thresholds/check-targets.js';
import { parseThresholds } from '../thresholds/parse-thresholds.js';
import { resolveInstance, type InstanceFlags } from '../distributed/instance-option.js';
import { instancePlans } from '../distributed/instance-plans.js';
import { stripeOf } from '../distributed/segment.js';
import type { Fleet } from '../distributed/fleet.js';
import { checkInstancePlans } from '../distributed/instance-plans.js';
import type { RunnerLink } from '../distributed/runner-link.js';
import type { Handoff } from '../distributed/protocol.js';

/** What the CLI asks for. */
export interface RunRequest {
  scriptPath: string;
  quiet: boolean;
  /** false with --no-thresholds. */
  thresholds: boolean;
  /** --out values, e.g. 'json=results.ndjson'. */
  outputs: string[];
  /** Write the report to a new llmload-results/<time>-<script>/ folder (no --report DIR, no --no-report). */
  defaultReport?: boolean;
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
  /** --inconclusive pass|fail: how a threshold judged inconclusive counts, unless it says so itself. */
  inconclusive?: string;
  timeScale?: number;
  /** `--meta KEY=VALUE` items: facts for the report's environment. */
  meta?: string[];
  /** --dcgm URLs. */
  dcgm?: string[];
  /** --nvidia-smi / --no-nvidia-smi. */
  nvidiaSmi?: boolean;
  /** --sim-config values, KEY=VALUE. */
  simConfig?: string[];
  /** --instance INDEX/COUNT or auto, --execution-segment, --execution-segment-sequence: run one instance's share of the test. */
  instance?: InstanceFlags;
  /** --instances N: a coordinator and N runner processes on this machine. */
  instances?: number;
  /** --coordinator: this process coordinates runners started elsewhere (--listen HOST:PORT). */
  coordinator?: { listen?: string };
  /** --coordinator-url: this process is a runner of that coordinator. */
  coordinatorUrl?: string;
  /** --register-timeout: how long a coordinator waits for its runners, ms. */
  registerTimeoutMs?: number;
}

const STOP_REASONS = {
  signal: 'stopped by a signal (Ctrl-C / SIGTERM)',
  abortOnFail: 'a threshold with abortOnFail failed',
  script: 'the script called abortTest()',
  engine: 'an engine error',
  coordinator: 'the coordinator stopped the test',
  lost: 'an instance was lost',
} as const;

/** How long a coordinator waits for its runners by default, and a runner for its coordinator to answer its registration. */
const DEFAULT_REGISTER_TIMEOUT_MS = 60_000;

/**
 * How often workers ship batches while requests start and end, and the controller's tick (its
 * health reading); the progress line refreshes and thresholds are evaluated off the same tick,
 * so their periods are multiples of it.
 */
const FLUSH_INTERVAL_MS = 500;
/** How long after the load starts the end's modules begin to load. */
const FINISH_IMPORT_DELAY_MS = 1_000;
const PROGRESS_INTERVAL_MS = 1_000;
/** k6 evaluates thresholds for abortOnFail about every 2 s. */
const THRESHOLD_INTERVAL_MS = 2_000;

/**
 * `early`: the worker thread and the bundle the caller started before loading this module
 * (bin/commands/run.ts, core/run/early-start.ts), so that they progress while the run engine
 * loads; started here when not given. Threads the load never got to use are destroyed before
 * this returns or throws: a rejected script or option, an unreachable target or a failing
 * setup() exits as promptly as it did without them.
 */
export async function runTest(request: RunRequest, io: CliIo, early?: Partial<EarlyStart>): Promise<number> {
  const threads = startsWorkerThreads(request) ? (early?.threads ?? WorkerThreads.start()) : undefined;
  if (early?.threads !== undefined && early.threads !== threads) await early.threads.destroy();
  try {
    return await runWithThreads(request, io, threads, early?.bundle);
  } finally {
    // A run stopped before it took the bundle over (a bad -e value) leaves no temporary bundle either; dispose() is idempotent.
    await Promise.all([threads?.destroy(), early?.bundle?.then((bundle) => bundle.dispose()).catch(() => undefined)]);
  }
}

async function runWithThreads(request: RunRequest, io: CliIo, threads: WorkerThreads | undefined, earlyBundle: Promise<BundledScript> | undefined): Promise<number> {
  const env = parseEnvFlags(request.env);
  // -e values are visible to the script as process.env (also in workers, handed a copy with their task).
  for (const [key, value] of Object.entries(env)) process.env[key] = value;

  // The script's console.log (init code, setup, teardown, handleSummary) goes to stderr.
  const restoreConsole = redirectConsole(io.stderr);
  let bundle: Awaited<ReturnType<typeof bundleScript>>;
  try {
    bundle = await (earlyBundle ?? bundleScript(request.scriptPath));
  } catch (error) {
    restoreConsole();
    throw error;
  }
  let target: ResolvedTarget | undefined;
  // Ctrl-C / SIGTERM handling lasts until the run returns: a second press while the report is
  // being written must not kill the process (exit 130, no report).
  const signals = io.signals ?? process;
  let onSignal: (() => void) | undefined;
  // A default report folder made here and still empty when the run fails before the load.
  let emptyReportDir: string | undefined;
  let gpu: GpuTelemetry | undefined;
  let link: RunnerLink | undefined;
  let fleet: Fleet | undefined;
  try {
    const coordinated = request.coordinatorUrl !== undefined;
    const earlySlice = resolveInstance(request.instance ?? {}, { ...io.env, ...env }, { coordinated });
    let handoff: Handoff | undefined;
    if (request.coordinatorUrl !== undefined) {
      if (earlySlice === null) throw new LlmloadError(ErrorCode.USAGE, '--coordinator-url needs --instance: which of the runners this process is');
      const { RunnerLink } = await import('../distributed/runner-link.js');
      link = new RunnerLink(request.coordinatorUrl, earlySlice, { ...io.env, ...env });
      handoff = await link.register(request.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS);
    }
    const script = await loadScript(bundle);
    const raw = applyCliOverrides(script.options, {
      vus: request.vus,
      duration: request.duration,
      iterations: request.iterations,
      stages: request.stages,
      url: handoff?.url ?? request.url,
      model: handoff?.model ?? request.model,
      apiKeyEnv: request.apiKeyEnv,
      workers: request.workers,
      simPreset: request.simPreset,
      inconclusive: request.inconclusive,
      timeScale: request.timeScale,
      meta: request.meta,
      dcgm: request.dcgm,
      nvidiaSmi: request.nvidiaSmi,
      simConfig: request.simConfig,
    });
    const options = validateOptions(raw);
    const slice = earlySlice;
    // The plans as the script writes them, in the modelled server's terms.
    const wholePlans = planScenarios(options);
    checkExecNames(wholePlans, script.functions);
    // Before the target is resolved, setup() runs or a worker connects: nothing has been sent yet.
    if (request.thresholds) {
      checkThresholdTargets(parseThresholds(options.thresholds), { declaredMetrics: script.declaredMetrics, planTags: planTagValues(wholePlans, options) });
    }
    const instanceNotices: string[] = [];
    const instancePart = slice === null ? wholePlans : instancePlans(wholePlans, slice, instanceNotices, link !== undefined);
    // The scheduler walks them on the real clock, N× faster against a simulator at --time-scale N
    // (core/executors/time-scale.ts); a local runner's simulator is its coordinator's, at its scale.
    const clockScale = handoff?.timeScale ?? scheduleScale(options);
    const plans = plansOnRealClock(instancePart, clockScale);
    // The coordinator's modules (its runners, their protocol) load only for a run that coordinates.
    const fleetModule = startsWorkerThreads(request) ? undefined : await import('../distributed/fleet.js');
    const fleetCount = fleetModule === undefined ? null : fleetModule.coordinatorCount(request, slice !== null, { ...io.env, ...env });
    // Every runner's share is checked here, before any runner starts: one with no work stops the test now.
    if (fleetCount !== null) for (const notice of checkInstancePlans(wholePlans, fleetCount)) instanceNotices.push(notice);
    const maxVus = plans.reduce((sum, plan) => sum + planMaxVus(plan), 0);
    const workers = Math.max(1, options.workers ?? defaultWorkerCount(maxVus, availableParallelism()));
    // The rest of the threads boot while the outputs and the target are probed and setup() runs.
    threads?.grow(workers);
    // A runner's thresholds are judged by its coordinator, on every runner's metrics.
    const live = new LiveMetrics(options, request.thresholds && link === undefined, clockScale);
    // Every output is probed before anything reaches the target (the preflight, /v1/models, the
    // first request); the default report folder is made only once the others are known to work.
    // A runner writes nothing: its coordinator writes the run's one set of outputs.
    const outputFlags = link !== undefined ? [] : request.outputs.map((flag) => resolveOutputFlag(flag, io.cwd));
    const summaryExport = link !== undefined || request.summaryExport === undefined ? undefined : resolve(io.cwd, request.summaryExport);
    let outputs = parseOutputs(outputFlags);
    await probeOutputs(outputTargets(outputs, summaryExport, io.env));
    if (request.defaultReport === true && link === undefined) {
      const dir = await createReportDir(io.cwd, bundle.scriptPath);
      if (dir !== null) {
        emptyReportDir = dir;
        outputs = parseOutputs([...outputFlags, `report=${dir}`]);
        await probeOutputs(outputTargets({ report: dir }, undefined, {}));
      }
    }

    target = await resolveTarget(options, { ...io.env, ...env }, clockScale);
    const secrets = target.apiKey === undefined ? [] : [target.apiKey];
    const progress = new ProgressPrinter(io.stderr, request.quiet);
    progress.log(`llmload: ${bundle.scriptPath} → ${target.displayUrl}${target.simulator ? ` (built-in simulator, preset ${target.simulator.preset})` : ''}`);
    for (const notice of instanceNotices) progress.log(notice);

    const results =
      outputs.json === undefined
        ? undefined
        : new ResultsWriter(outputs.json, {
            script: bundle.scriptPath,
            target: target.displayUrl,
            model: target.model ?? null,
            startedAt: new Date().toISOString(),
            // The goodput SLOs, so a report re-made from the file counts goodput as the run did.
            slo: options.slo === null ? null : { ...options.slo },
            // The lines below keep what was measured; readers convert them to the simulated server's time with these.
            simulator: target.simulator ?? null,
            timeScale: live.time.scale,
            ...(live.time.scaled ? { timeOriginMs: live.time.originMs } : {}),
          });
    // What the server says about itself (/v1/models, /metrics before, during and after), for the report.
    // GPU readings from before the load (and its idle baseline) to after it, for the report and GPU thresholds.
    // The two start side by side, their modules loaded only for a run that keeps what they read.
    const readsGpu = results !== undefined || (request.thresholds && namesGpuMetric(Object.keys(options.thresholds).map((k) => k.split('{')[0]!)));
    if (!readsGpu && ((request.dcgm?.length ?? 0) > 0 || request.nvidiaSmi === true)) {
      // Asked for on the command line and then dropped: said, even with --quiet (which silences progress only).
      io.stderr.write(
        'warning: --dcgm / --nvidia-smi: GPU telemetry is read only by a run that keeps it (a report folder, --out json=FILE) or judges it (a GPU threshold); this run does neither, so no GPU is read\n',
      );
    }
    const targetWorker = target.worker;
    const targetSimulator = target.simulator;
    const [probe] = await Promise.all([
      results === undefined
        ? undefined
        : import('../telemetry/server-probe.js').then(({ ServerProbe }) => ServerProbe.start(targetWorker, { intervalMs: probeIntervalMs(targetSimulator) })),
      readsGpu
        ? import('../telemetry/gpu-telemetry.js').then(async ({ GpuTelemetry }) => {
            gpu = await GpuTelemetry.start(gpuTelemetryConfig(options.telemetry, { baseUrl: targetWorker.baseUrl, simulator: targetSimulator }));
          })
        : undefined,
    ]);
    emptyReportDir = undefined;

    // setup() runs once per test: on the coordinator, whose data every runner is handed.
    const setupData = handoff !== undefined ? handoff.setupData : await runLifecycleHook('setup', script.setup, [], options.setupTimeoutMs);
    // Connections opened before the start: as many as VUs exist from the start. An open phase's VUs
    // beyond preAllocatedVUs (maxVUs is a cap, often generous) connect when first needed, and their
    // connect time is measured apart from TTFT like any other.
    const warmVus = plans.reduce((sum, plan) => sum + Math.max(0, ...plan.phases.map((p) => ('kind' in p ? p.preAllocatedVus : p.maxVus))), 0);

    let scheduler: Scheduler | undefined;
    /** What runs the load: the scheduler of this process's workers, or a coordinator's runners. */
    let engine: { readonly startedAt: number; run(): Promise<void>; stop(gracefulStopMs?: number): void } | undefined;
    let stopReason: keyof typeof STOP_REASONS | null = null;
    let lostError: LlmloadError | undefined;
    let engineError: LlmloadError | undefined;
    /** Keys of the LOG messages to print once per run, already printed. */
    const loggedOnce = new Set<string>();
    const onMessage = (msg: WorkerMsg): void => {
      // A runner tags what its workers measured (stages, health rows), then its coordinator has it.
      if (link !== undefined && msg.cmd === 'BATCH') live.ingest(msg);
      if (link !== undefined && msg.cmd !== 'PHASE_DONE' && msg.cmd !== 'VUS_ALLOCATED' && msg.cmd !== 'READY') {
        link.message(msg);
        if (msg.cmd === 'ERROR' || msg.cmd === 'ABORT_TEST') {
          if (msg.cmd === 'ERROR') engineError ??= fromErrorRecord(msg.error);
          stopReason ??= msg.cmd === 'ERROR' ? 'engine' : 'script';
          scheduler?.stop(msg.cmd === 'ERROR' ? 0 : undefined);
        }
        if (msg.cmd !== 'BATCH') return;
      }
      switch (msg.cmd) {
        case 'BATCH':
          if (link !== undefined) return;
          live.ingest(msg);
          results?.writeBatch(msg.records, msg.samples);
          if (msg.health !== undefined) results?.writeHealth(msg.health);
          return;
        case 'PHASE_DONE':
          scheduler?.phaseDone(msg.workerIndex, msg.phaseId);
          return;
        case 'VUS_ALLOCATED':
          scheduler?.vusAllocated(msg.workerIndex, msg.phaseId, msg.vus);
          return;
        case 'LOG':
          if (msg.once !== undefined) {
            if (loggedOnce.has(msg.once)) return;
            loggedOnce.add(msg.once);
          }
          if (msg.level === 'console') {
            // The script's own output: shown as written, even with --quiet (which silences progress only).
            progress.finish();
            io.stderr.write(redactSecrets(msg.message, io.env, secrets) + '\n');
          } else {
            progress.log(redactSecrets(`${msg.level}: ${msg.message}`, io.env, secrets));
          }
          return;
        case 'ABORT_TEST':
          if (stopReason === null) {
            stopReason = 'script';
            progress.log(`test aborted by the script: ${msg.reason}`);
            engine?.stop();
          }
          return;
        case 'ERROR':
          engineError ??= fromErrorRecord(msg.error);
          if (stopReason === null) stopReason = 'engine';
          progress.log(formatError(engineError, io.env));
          engine?.stop(0);
          return;
        case 'READY':
          return;
      }
    };

    const startedPhases = new Set<string>();
    let pool: WorkerPool | undefined;
    if (fleetModule !== undefined && fleetCount !== null) {
      fleet = await fleetModule.coordinatorSetup({
        request,
        count: fleetCount,
        live,
        target,
        setupData,
        io,
        env: { ...io.env, ...env },
        log: (line) => progress.log(line),
        onMessage,
        plans,
      });
      engine = fleet.coordinator;
    } else {
      const started = await WorkerPool.start(
        {
          workers,
          bundleUrl: bundle.bundleUrl,
          scriptContext: bundle.usesScriptContext,
          scriptDir: dirname(bundle.scriptPath),
          setupData,
          env,
          target: target.worker,
          maxVus,
          warmVus,
          flushIntervalMs: FLUSH_INTERVAL_MS,
          onMessage,
          instance: slice === null ? null : stripeOf(slice),
        },
        threads,
      );
      pool = started.pool;
      live.addConnectTimes(started.connectMs);
      const local = new Scheduler(pool, plans);
      scheduler = local;
      engine = local;
      local.onPhaseStart = (event) => {
        startedPhases.add(phaseKey(event.scenario, event.phaseIndex));
        live.phaseStarted(event);
        link?.event({ kind: 'phase', scenario: event.scenario, phaseIndex: event.phaseIndex, phaseId: event.phaseId, tags: event.tags });
      };
      local.onVusTarget = (scenario, vus) => {
        live.vusTarget(scenario, vus);
        link?.event({ kind: 'vus', scenario, vus });
      };
      local.onScenarioEnd = (scenario) => {
        live.scenarioEnded(scenario);
        link?.event({ kind: 'scenario-end', scenario });
      };
      local.onOpenPhaseEnd = (phaseId, atEpochMs) => live.openPhaseEnded(phaseId, atEpochMs);
      local.measure = (tags, elapsedMs) => live.measure(tags, elapsedMs);
      local.measureProbe = (tags) => live.probeCounts(tags);
      local.onCapacity = (scenario, result) => live.capacityFound(scenario, result);
      // A runner of a split test holds only its share of each row: its phases run their whole duration, as every other runner's.
      if (slice === null) local.figureKnown = (tags, rule) => live.figureKnown(tags, rule);
      local.onPhaseStop = (scenario, tags, reason) => {
        live.phaseStopped(scenario, tags, reason);
        const row = tags['level'] !== undefined ? ` level ${tags['level']}` : tags['rate'] !== undefined ? ` rate ${tags['rate']}` : '';
        if (reason === 'known') progress.log(`${scenario}${row}: stopWhenKnown figure known; ended before its duration`);
      };
      local.onNotice = (message) => progress.log(message);
    }
    if (link !== undefined) {
      const runnerLink = link;
      // Phases after an iteration-bounded one start when every runner has drained it, at one time.
      if (scheduler !== undefined) scheduler.phaseBarrier = (scenario, phaseIndex) => runnerLink.phaseBarrier(scenario, phaseIndex);
      // A rate-sweep's rates and a capacity search's probes are decided by the coordinator, on every runner's records.
      if (scheduler !== undefined) scheduler.decideStep = (scenario, phaseIndex, tags) => runnerLink.decideStep(scenario, phaseIndex, tags);
      link.onStop = (gracefulStopMs) => {
        stopReason ??= 'coordinator';
        scheduler?.stop(gracefulStopMs);
      };
      link.onLost = (error) => {
        lostError ??= error;
        stopReason ??= 'lost';
        progress.log(formatError(error, io.env));
        scheduler?.stop(0);
      };
    }
    const running = engine;
    // The end's modules (summary, exports, report outputs) load beside the load, not before its first
    // request, and not in its first moments either: compiling them then delays the first phase's start.
    let finishModule: Promise<typeof import('./finish.js')> | undefined;
    const finishImportTimer = setTimeout(() => {
      finishModule ??= import('./finish.js');
    }, FINISH_IMPORT_DELAY_MS);
    finishImportTimer.unref();

    // Ctrl-C / SIGTERM: the first stops gracefully, the second at once. Once the load has stopped,
    // the summary and report are written from what finished (about a second); a press then says
    // so, and the next one gives up on the report, printing how to rebuild it.
    let signalCount = 0;
    let loadStopped = false;
    let finishSignals = 0;
    onSignal = (): void => {
      signalCount++;
      if (!loadStopped) {
        stopReason ??= 'signal';
        if (signalCount === 1) {
          progress.log('stopping: finishing in-flight requests (Ctrl-C again to stop at once)');
          engine?.stop();
        } else {
          progress.log('stopping now; the summary and report are written from the requests that finished');
          engine?.stop(0);
        }
        return;
      }
      finishSignals++;
      const rebuild = rebuildCommand(outputs, io.cwd);
      if (finishSignals === 1 || io.exit === undefined) {
        io.stderr.write(`the load has stopped; writing the summary and report (Ctrl-C again to skip the report${rebuild === null ? '' : `, then rebuild it with: ${rebuild}`})\n`);
        return;
      }
      io.stderr.write(`stopped without writing the report${rebuild === null ? '' : `; rebuild it with: ${rebuild}`}\n`);
      io.exit(ExitCode.EXTERNAL_ABORT);
    };
    signals.on('SIGINT', onSignal);
    signals.on('SIGTERM', onSignal);

    // Shown in progress: the planned run time without graceful stops (which only apply when needed),
    // or the iterations done when iterations decide the end.
    const plan = progressPlan(plans);
    live.countIterations(plan.iterationScenarios);
    // The controller's own health (event loop, the process's and the machine's CPU), at the workers' pace.
    const controllerHealth = controllerThreadHealth();
    const readControllerHealth = (lateMs?: number): void => {
      const reading = live.addHealth(controllerHealth.read({}, lateMs));
      results?.writeHealth(reading);
      link?.message({ cmd: 'BATCH', workerIndex: -1, records: [], samples: [], activeVus: 0, streamedTokens: 0, health: reading });
    };
    const ticks = new ControllerTicks(FLUSH_INTERVAL_MS, PROGRESS_INTERVAL_MS, THRESHOLD_INTERVAL_MS, {
      health: readControllerHealth,
      progress: () => progress.update(live.snapshot(Math.max(0, performance.now() - running.startedAt), plan)),
      thresholds: () => {
        const elapsed = performance.now() - running.startedAt;
        const abort = live.checkAbort(elapsed);
        if (abort !== null && stopReason === null) {
          stopReason = 'abortOnFail';
          progress.log(abort);
          running.stop();
        }
      },
    });
    let durationMs = 0;
    try {
      // Warm and ready: wait for the coordinator's one start time. The start skew is when the
      // scheduler took its time zero (run() takes it before its first await), after that time.
      if (link !== undefined) await link.waitForStart();
      const ran = running.run();
      if (link !== undefined) {
        link.started(running.startedAt);
        const offset = link.offset;
        if (offset !== undefined) progress.log(`${link.who}: clock offset to the coordinator ${offset.offsetMs.toFixed(2)} ms (round trip ${offset.rttMs.toFixed(2)} ms)`);
        link.startHeartbeat();
      }
      await ran;
      durationMs = performance.now() - running.startedAt;
    } finally {
      ticks.stop();
      readControllerHealth();
      controllerHealth.stop();
      loadStopped = true;
      await pool?.close();
      progress.finish();
    }

    if (link !== undefined) {
      await link.finish({ durationMs, load: live.loadRows(), startedPhases: [...startedPhases] }, engineError === undefined ? undefined : toErrorRecord(engineError));
      if (lostError !== undefined) return lostError.exitCode;
      if (engineError !== undefined) return engineError.exitCode;
      io.stderr.write(`${link.who}: done; the coordinator writes the summary and the verdict\n`);
      return ExitCode.OK;
    }
    if (fleet !== undefined) {
      for (const notice of fleet.end()) progress.log(notice);
      const lost = fleet.coordinator.lost();
      if (lost.length > 0) {
        lostError = new LlmloadError(ErrorCode.INSTANCE_LOST, `${lost.length} of ${fleetCount} instances lost: the run is incomplete (the requests they finished are kept)`, {
          details: lost.map((l) => `instance ${l.index}/${fleetCount}: ${l.why}`),
        });
      }
    }

    let teardownError: LlmloadError | undefined;
    try {
      await runLifecycleHook('teardown', script.teardown, [setupData], options.teardownTimeoutMs);
    } catch (error) {
      teardownError = error instanceof LlmloadError ? error : new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, describe(error));
    }

    const gpuSnapshot = gpu === undefined ? null : await gpu.stop();
    clearTimeout(finishImportTimer);
    const { finishRun } = await (finishModule ??= import('./finish.js'));
    const finished = await finishRun({
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
      aborted: stopReason !== null ? STOP_REASONS[stopReason] : lostError !== undefined ? STOP_REASONS.lost : null,
      scenarios: plans.map((p) => ({ name: p.name, executor: p.executor })),
      notRun: notRunPhases(plans, fleet?.events.startedPhases ?? startedPhases),
      outputs,
      probe,
      gpu: gpuSnapshot,
      rebuild: rebuildCommand(outputs, io.cwd),
    });
    if (teardownError) io.stderr.write(formatError(teardownError, io.env) + '\n');
    if (lostError) io.stderr.write(formatError(lostError, io.env) + '\n');
    if (engineError) return engineError.exitCode;
    if (lostError) return lostError.exitCode;
    if (stopReason === 'signal') return ExitCode.EXTERNAL_ABORT;
    if (stopReason === 'script') return ExitCode.SCRIPT_ABORTED;
    // A failed threshold is the verdict and keeps its code; an output that could not be
    // written (named on stderr above) makes a passing run fail rather than pass unnoticed.
    if (!finished.thresholdsOk) return ExitCode.THRESHOLDS_FAILED;
    if (finished.outputError) return finished.outputError.exitCode;
    if (teardownError) return teardownError.exitCode;
    return ExitCode.OK;
  } finally {
    link?.close();
    await fleet?.close();
    gpu?.close();
    if (emptyReportDir !== undefined) await rmdir(emptyReportDir).catch(() => undefined);
    await target?.close();
    await bundle.dispose();
    // Last, so that a Ctrl-C while the simulator shuts down is still ours (exit 105), not a kill.
    if (onSignal !== undefined) {
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
    }
    restoreConsole();
  }
}

/** The default report folder, made now (race-free); null in a read-only working directory. */
async function createReportDir(cwd: string, scriptPath: string): Promise<string | null> {
  try {
    return await createDefaultReportDir(cwd, scriptPath);
  } catch (error) {
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot create the report folder in ${join(cwd, 'llmload-results')}: ${(error as Error).message}`, {
      cause: error,
      hint: 'nothing was sent to the target; pass --report DIR with a writable folder, or --no-report',
    });
  }
}

/** `--out KIND=PATH` with PATH taken from the CLI's working directory (which, in-process, is not the process's). */
function resolveOutputFlag(flag: string, cwd: string): string {
  const eq = flag.indexOf('=');
  return eq < 0 || eq === flag.length - 1 ? flag : `${flag.slice(0, eq + 1)}${resolve(cwd, flag.slice(eq + 1))}`;
}

/** The `llmload report …` command that rebuilds this run's report from its raw results, or null when they are not kept. */
export function rebuildCommand(outputs: RunOutputs, cwd: string): string | null {
  if (outputs.json === undefined || outputs.jsonTemporary === true) return null;
  const show = (path: string): string => {
    const rel = relative(cwd, resolve(cwd, path));
    const shown = rel === '' ? '.' : rel.startsWith('..') ? resolve(cwd, path) : rel;
    return /^[\w./@:+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
  };
  return `llmload report ${show(outputs.json)}${outputs.report === undefined ? '' : ` --out ${show(outputs.report)}`}`;
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
