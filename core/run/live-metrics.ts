/**
 * The controller's view of the test while it runs: feeds worker batches into
 * the metrics registry, answers the progress line, and runs the thresholds
 * (live for abortOnFail, final for the exit code).
 */
import {
  DROPPED_ITERATIONS,
  ITERATIONS,
  LLM_CAPACITY,
  LLM_CONNECTING,
  LLM_LOAD_DELIVERED,
  TAG_LEVEL,
  TAG_RATE,
  TAG_SCENARIO,
  TAG_STAGE,
  VUS,
  VUS_MAX,
} from '../metrics/builtin.js';
import { addHealthToRegistry, LoadGeneratorTracker, type HealthReading } from '../metrics/load-generator.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { ResolvedOptions } from '../options/index.js';
import { abortMessage, ThresholdRunner } from '../thresholds/evaluate.js';
import { parseThresholds } from '../thresholds/parse-thresholds.js';
import type { ThresholdEvaluation } from '../thresholds/types.js';
import type { BatchMsg } from '../workers/messages.js';
import type { ProgressPlan } from './progress-plan.js';
import type { ProgressSnapshot } from './progress.js';
import { LoadLedger } from './load-ledger.js';
import { SaturationTracker } from './saturation.js';
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import type { PhaseEvent, PhaseMeasurement } from './scheduler.js';
import { ModelledTime } from '../metrics/modelled-time.js';
import { scheduleScale } from '../executors/time-scale.js';
import type { CapacityResult } from '../executors/capacity-bisect.js';
import { knownFigure, type KnownFigureRule, type PhaseStop, type PhaseStopReason } from '../metrics/known-figure.js';

/** The progress line's rates are over about this recent window, ms. */
const RATE_WINDOW_MS = 5_000;

export class LiveMetrics {
  readonly registry: MetricsRegistry;
  readonly thresholds: ThresholdRunner | null;
  /**
   * The modelled server's time (core/metrics/modelled-time.ts): records become metric samples in
   * it, so the summary, the export and the thresholds speak of the server the script describes.
   * The scheduler, the load ledger and the load generator's health stay on the real clock.
   */
  readonly time: ModelledTime;
  readonly #targetByScenario = new Map<string, number>();
  /** Load of each rate-sweep phase, for its over-saturation verdict. */
  readonly #saturation = new SaturationTracker();
  /** Planned, started and dropped arrivals of each open-loop row. */
  readonly #load = new LoadLedger();
  #loadRows: OpenLoadRow[] | null = null;
  /** ramping-vus scenarios: where each stage ends (ms from the phase start), to tag requests `stage:i`. */
  readonly #stageEnds = new Map<string, number[]>();
  /** Epoch ms at which each ramping-vus scenario's phase started. */
  readonly #stageOrigin = new Map<string, number>();
  #label: string | null = null;
  /** The level running now, and the loads each scenario has run (a capacity search's probe number is how many). */
  #level: { scenario: string; level: string } | null = null;
  readonly #loadsRun = new Map<string, Set<string>>();
  /** Each worker's requests in flight, as its last batch listed them (BatchMsg.inFlight). */
  readonly #inFlight = new Map<number, { atMs: number; list: ReadonlyArray<[string, string, string, number]> }>();
  /** How each phase with stopWhenKnown ended, in order (the summary's and the end line's). */
  readonly phaseStops: PhaseStop[] = [];
  /** The load generator's health, per row (core/metrics/load-generator.ts). */
  readonly loadGenerator = new LoadGeneratorTracker();
  /** Tags of the phase that started last, for the controller's readings; null with several scenarios (no single row). */
  #phaseTags: Record<string, string> | null = null;
  readonly #singleScenario: boolean;
  #vusMax = 0;
  /** VU target of each scenario running now (the progress line's VUs; the scheduler's plan, not the workers' reports). */
  readonly #runningVus = new Map<string, number>();
  /** Output tokens received so far, finished requests or not (workers' streamed-token counts). */
  #streamedTokens = 0;
  /** Iterations finished by the scenarios that iterations bound, when the progress plan has any. */
  #iterationScenarios: ReadonlySet<string> = new Set();
  #iterationsDone = 0;
  /** Earlier snapshots' [elapsed ms, requests, tokens], oldest first, covering the rate window. */
  readonly #history: Array<[number, number, number]> = [[0, 0, 0]];

  /** `scale`: modelled ms per real ms (default: the script's simulator scale; a local runner is handed its coordinator's). */
  constructor(options: ResolvedOptions, thresholdsEnabled: boolean, scale: number = scheduleScale(options)) {
    this.registry = new MetricsRegistry({ goodput: options.slo === null ? null : { ...options.slo } });
    this.time = scale === 1 ? ModelledTime.REAL : new ModelledTime(scale, performance.timeOrigin + performance.now());
    // Parse before any sample arrives: a bad expression is a config error (104) before anything is sent,
    // and the runner declares its submetrics, which only see samples that arrive after them.
    const parsed = parseThresholds(options.thresholds);
    this.thresholds = thresholdsEnabled && parsed.length > 0 ? new ThresholdRunner(parsed, this.registry) : null;
    this.#singleScenario = Object.keys(options.scenarios).length === 1;
    for (const [name, scenario] of Object.entries(options.scenarios)) {
      if (scenario.executor !== 'ramping-vus') continue;
      let end = 0;
      // On the real clock the stages run on: the script's durations ÷ the scale (core/executors/time-scale.ts).
      this.#stageEnds.set(
        name,
        scenario.stages.map((stage) => (end += stage.durationMs / scale)),
      );
    }
  }

  ingest(batch: BatchMsg): void {
    const registry = this.registry;
    const time = this.time;
    const scaled = time.scaled;
    for (const measured of batch.records) {
      // Stages are tagged on the real clock the script's stages run on; figures come from the modelled record.
      if (this.#stageEnds.size > 0) this.#tagStage(measured);
      const record = scaled ? time.record(measured) : measured;
      registry.addRecord(record);
      if (record.arrival !== undefined && record.excluded === undefined) {
        this.#load.request(measured);
        this.loadGenerator.addDispatchLag(measured.tags, measured.startedAt - measured.scheduledAt);
        const rate = record.tags[TAG_RATE];
        if (rate !== undefined) {
          const ttftSched = record.ttftMs === null ? null : record.ttftMs + record.startedAt - record.scheduledAt;
          this.#saturation.request(SaturationTracker.key(record.scenario, rate), record.scheduledAt, ttftSched, record.failure === 'aborted');
        }
      }
    }
    for (const [name, type, value, tags, isTime] of batch.samples) {
      if (name === 'checks') registry.addCheck(tags['check'] ?? '', value !== 0, tags);
      else registry.addSample(name, type, scaled && isTime ? time.ms(value) : value, tags, isTime);
      if (name === ITERATIONS && this.#iterationScenarios.has(tags[TAG_SCENARIO] ?? '')) this.#iterationsDone += value;
      else if (name === LLM_LOAD_DELIVERED) this.#load.arrival(tags, value);
      else if (name === DROPPED_ITERATIONS && tags[TAG_RATE] !== undefined) {
        this.#saturation.dropped(SaturationTracker.key(tags[TAG_SCENARIO] ?? '', tags[TAG_RATE]), value);
      }
    }
    this.#streamedTokens += batch.streamedTokens;
    if (batch.inFlight !== undefined) this.#inFlight.set(batch.workerIndex, { atMs: batch.inFlightAtMs ?? performance.timeOrigin + performance.now(), list: batch.inFlight });
    if (batch.health !== undefined) this.addHealth(batch.health);
  }

  /**
   * One health reading of a worker or of the controller, into the llmload_* metrics and the
   * per-row tracker. The controller's own readings belong to the phase that started last (when
   * the test has one scenario); ramping-vus readings get the stage their interval ended in.
   * Returns the reading as tagged, which is what results.ndjson keeps.
   */
  addHealth(reading: HealthReading): HealthReading {
    if (reading.source === 'controller' && Object.keys(reading.tags).length === 0 && this.#phaseTags !== null) reading.tags = { ...this.#phaseTags };
    const scenario = reading.tags[TAG_SCENARIO];
    if (scenario !== undefined && reading.tags[TAG_STAGE] === undefined) {
      const ends = this.#stageEnds.get(scenario);
      const origin = this.#stageOrigin.get(scenario);
      if (ends !== undefined && origin !== undefined) {
        let stage = ends.findIndex((end) => reading.at - origin < end);
        if (stage < 0) stage = ends.length - 1;
        reading.tags = { ...reading.tags, [TAG_STAGE]: String(stage) };
      }
    }
    addHealthToRegistry(this.registry, reading);
    this.loadGenerator.add(reading);
    return reading;
  }

  addConnectTimes(connectMs: readonly number[]): void {
    // Connection set-up is the client machine's, not the modelled server's: real time (core/metrics/modelled-time.ts).
    for (const ms of connectMs) this.registry.addSample(LLM_CONNECTING, 'trend', ms, {}, true);
  }

  /**
   * Tag a ramping-vus request with the stage in which it started (METRICS.md: requests belong to
   * the stage they started in), so the summary has one row per stage and thresholds can filter
   * `{stage:N}`. The tags object is shared by a VU's records, so the record gets a copy.
   */
  #tagStage(record: BatchMsg['records'][number]): void {
    const ends = this.#stageEnds.get(record.scenario);
    const origin = this.#stageOrigin.get(record.scenario);
    if (ends === undefined || origin === undefined || record.tags[TAG_STAGE] !== undefined) return;
    const at = record.startedAt - origin;
    let stage = ends.findIndex((end) => at < end);
    if (stage < 0) stage = ends.length - 1;
    record.tags = { ...record.tags, [TAG_STAGE]: String(stage) };
  }

  phaseStarted(event: PhaseEvent): void {
    if (event.open !== undefined) this.#load.phaseStarted(event.phaseId, event.scenario, event.tags, event.open, performance.timeOrigin + event.startedAt);
    if (this.#stageEnds.has(event.scenario)) this.#stageOrigin.set(event.scenario, performance.timeOrigin + event.startedAt);
    if (this.#singleScenario) this.#phaseTags = { ...event.tags, [TAG_SCENARIO]: event.scenario };
    const level = event.tags['level'];
    const rate = event.tags[TAG_RATE];
    this.#level = level === undefined ? null : { scenario: event.scenario, level };
    if (level !== undefined) {
      const loads = this.#loadsRun.get(event.scenario) ?? new Set<string>();
      loads.add(level);
      this.#loadsRun.set(event.scenario, loads);
    }
    this.#label =
      level !== undefined ? `${event.scenario} level ${level}` : rate !== undefined ? `${event.scenario} rate ${rate}${Number.isFinite(Number(rate)) ? ' req/s' : ''}` : null;
  }

  /** A scenario has run all its phases: its VUs leave the progress line. */
  scenarioEnded(scenario: string): void {
    this.#runningVus.delete(scenario);
  }

  /** An open phase stopped starting arrivals (scheduler.onOpenPhaseEnd). */
  openPhaseEnded(phaseId: number, atEpochMs: number): void {
    this.#load.phaseEnded(phaseId, atEpochMs);
  }

  /** Offered, achieved and dropped arrivals of every open-loop row (core/metrics/load-delivery.ts). */
  loadRows(): OpenLoadRow[] {
    return this.#loadRows ?? this.#load.rows(performance.timeOrigin + performance.now());
  }

  /**
   * The open-loop rows of a split test's coordinator, which schedules no arrival itself: its
   * runners' ledgers, summed (core/report/merge-ends.ts), measured.
   */
  useLoadRows(rows: OpenLoadRow[]): void {
    this.#loadRows = rows;
  }

  /** loadRows() in the modelled server's time, for the summary (the end line keeps the measured rows). */
  modelledLoadRows(): OpenLoadRow[] {
    const rows = this.loadRows();
    return this.time.scaled ? rows.map((row) => this.time.loadRow(row)) : rows;
  }

  vusTarget(scenario: string, vus: number): void {
    this.#runningVus.set(scenario, vus);
    this.#targetByScenario.set(scenario, vus);
    let total = 0;
    for (const v of this.#targetByScenario.values()) total += v;
    if (total > this.#vusMax) this.#vusMax = total;
    this.registry.addSample(VUS, 'gauge', total, {}, false);
    this.registry.addSample(VUS_MAX, 'gauge', this.#vusMax, {}, false);
  }

  /** Count the iterations of these scenarios for the progress line (iteration-bound ones). */
  countIterations(scenarios: readonly string[]): void {
    this.#iterationScenarios = new Set(scenarios);
  }

  /**
   * The progress line's figures now. Rates are over the last RATE_WINDOW_MS (since the start
   * before that): requests as they finish, output tokens as they arrive.
   */
  /** A capacity search's probe: 'search probe 3, load 16 users, up to 9 probes' (a probe run again is still the same probe). */
  #searchLabel(plan: ProgressPlan): string | null {
    const at = this.#level;
    const search = at === null ? undefined : plan.searches[at.scenario];
    if (at === null || search === undefined) return null;
    const probe = this.#loadsRun.get(at.scenario)?.size ?? 1;
    const load = search.mode === 'rate' ? `${at.level} req/s` : `${at.level} ${at.level === '1' ? 'user' : 'users'}`;
    return `${at.scenario} probe ${probe}, load ${load}, up to ${search.maxProbes} probes`;
  }

  snapshot(elapsedMs: number, plan: ProgressPlan): ProgressSnapshot {
    const total = this.registry.total;
    const requests = total.successful + total.failed;
    const tokens = this.#streamedTokens;
    const history = this.#history;
    // Keep one snapshot at or before the window's start as the base of the rates.
    while (history.length > 1 && history[1]![0] <= elapsedMs - RATE_WINDOW_MS) history.shift();
    const [baseAt, baseRequests, baseTokens] = history[0]!;
    const dt = Math.max(1, elapsedMs - baseAt) / 1000;
    let vus = 0;
    for (const v of this.#runningVus.values()) vus += v;
    const snap: ProgressSnapshot = {
      elapsedMs,
      plannedMs: plan.totalMs,
      timeScale: this.time.scale,
      iterations: plan.iterations === null ? null : { done: this.#iterationsDone, total: plan.iterations },
      vus,
      reqPerSec: this.time.perSec((requests - baseRequests) / dt),
      outputTokPerSec: this.time.perSec(Math.max(0, tokens - baseTokens) / dt),
      ttftP95Ms: this.#recentTtftP95(),
      requests,
      failures: total.failed,
      label: this.#searchLabel(plan) ?? this.#label,
    };
    history.push([elapsedMs, requests, tokens]);
    return snap;
  }

  /**
   * What a finished rate-sweep phase measured (`tags`: its scenario and rate): request
   * throughput over its window, the over-saturation verdict, and the thresholds failing now.
   */
  measure(tags: Record<string, string>, elapsedMs: number): PhaseMeasurement {
    const scenario = tags[TAG_SCENARIO] ?? '';
    const rate = tags[TAG_RATE] ?? '';
    const stats = this.registry.groups('rate').find((g) => g.tags[TAG_SCENARIO] === scenario && g.tags[TAG_RATE] === rate);
    const failedThresholds =
      this.thresholds === null
        ? []
        : this.thresholds
            .evaluate(this.time.ms(elapsedMs))
            .results.filter((r) => !r.ok && !r.noData)
            .map((r) => `${r.metric}: '${r.source}'`);
    return {
      // In the modelled server's time, as the rates the sweep tags and the report shows; its phases
      // turn them into real arrivals (RateSweepSpec.rateScale).
      requestsPerSec: stats?.requestThroughput() ?? null,
      saturated: this.#saturation.verdict(SaturationTracker.key(scenario, rate)),
      failedThresholds,
    };
  }

  /** SLO attainment counts of a capacity-search probe (`tags`: its scenario and level), over every phase at that load. */
  probeCounts(tags: Record<string, string>): { good: number; requests: number } {
    const scenario = tags[TAG_SCENARIO] ?? '';
    const level = tags[TAG_LEVEL] ?? '';
    const stats = this.registry.groups('level').find((g) => g.tags[TAG_SCENARIO] === scenario && g.tags[TAG_LEVEL] === level);
    return { good: stats?.good ?? 0, requests: stats?.requests ?? 0 };
  }

  /**
   * Whether the stopWhenKnown figure of a running phase's row is known yet (`tags`: its scenario
   * and level or rate; neither for a single-phase scenario), in the modelled server's time.
   */
  figureKnown(tags: Record<string, string>, rule: KnownFigureRule): boolean {
    const scenario = tags[TAG_SCENARIO] ?? '';
    const level = tags[TAG_LEVEL];
    const rate = tags[TAG_RATE];
    const [kind, key, value] = level !== undefined ? ['level', TAG_LEVEL, level] : rate !== undefined ? ['rate', TAG_RATE, rate] : ['scenario', TAG_SCENARIO, scenario];
    const stats = this.registry.groups(kind).find((g) => g.tags[TAG_SCENARIO] === scenario && g.tags[key] === value);
    if (stats === undefined) return false;
    // How long the row's unfinished requests had been running when their worker listed them (a
    // request may have finished since, its record not read yet), in the modelled server's time as the samples.
    const inFlightMs: number[] = [];
    for (const { atMs, list } of this.#inFlight.values()) {
      for (const [s, l, r, sentAt] of list) if (s === scenario && l === (level ?? '') && (level !== undefined || r === (rate ?? ''))) inFlightMs.push(this.time.ms(atMs - sentAt));
    }
    return knownFigure(stats, rule, inFlightMs).known;
  }

  /** A phase with stopWhenKnown has ended (scheduler.onPhaseStop). */
  phaseStopped(scenario: string, tags: Record<string, string>, reason: PhaseStopReason): void {
    this.phaseStops.push({ scenario, tags: { ...tags }, reason });
  }

  /** A capacity search's answer as the llm_capacity gauge (0 when no load passed), for thresholds and the summary. */
  capacityFound(scenario: string, result: CapacityResult): void {
    if (result.status === 'incomplete' && result.capacity === null) return;
    this.registry.addSample(LLM_CAPACITY, 'gauge', result.capacity ?? 0, { [TAG_SCENARIO]: scenario });
  }

  /** A threshold with abortOnFail that has failed (its message), or null. */
  checkAbort(elapsedMs: number): string | null {
    if (this.thresholds === null || !this.thresholds.thresholds.some((t) => t.abortOnFail)) return null;
    const evaluation = this.thresholds.evaluate(this.time.ms(elapsedMs));
    return evaluation.abort ? abortMessage(evaluation) : null;
  }

  /** The end-of-test evaluation; null without thresholds. */
  finalEvaluation(durationMs: number): ThresholdEvaluation | null {
    return this.thresholds?.evaluate(this.time.ms(durationMs), { final: true }) ?? null;
  }

  /** p95 TTFT of the most recent completed one-second buckets. */
  #recentTtftP95(): number | null {
    const buckets = this.registry.series.recentBuckets(3);
    for (let i = buckets.length - 1; i >= 0; i--) {
      const p95 = buckets[i]!.ttftP95Ms;
      if (p95 !== null) return p95;
    }
    return null;
  }
}
