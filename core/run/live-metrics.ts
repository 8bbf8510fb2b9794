/**
 * The controller's view of the test while it runs: feeds worker batches into
 * the metrics registry, answers the progress line, and runs the thresholds
 * (live for abortOnFail, final for the exit code).
 */
import { DROPPED_ITERATIONS, LLM_CONNECTING, TAG_RATE, TAG_SCENARIO, TAG_STAGE, VUS, VUS_MAX } from '../metrics/builtin.js';
import { addHealthToRegistry, LoadGeneratorTracker, type HealthReading } from '../metrics/load-generator.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { ResolvedOptions } from '../options/index.js';
import { abortMessage, ThresholdRunner } from '../thresholds/evaluate.js';
import { parseThresholds } from '../thresholds/parse-thresholds.js';
import type { ThresholdEvaluation } from '../thresholds/types.js';
import type { BatchMsg } from '../workers/messages.js';
import type { ProgressSnapshot } from './progress.js';
import { SaturationTracker } from './saturation.js';
import type { PhaseEvent, PhaseMeasurement } from './scheduler.js';

export class LiveMetrics {
  readonly registry: MetricsRegistry;
  readonly thresholds: ThresholdRunner | null;
  readonly #vusByWorker = new Map<number, number>();
  readonly #targetByScenario = new Map<string, number>();
  /** Load of each rate-sweep phase, for its over-saturation verdict. */
  readonly #saturation = new SaturationTracker();
  /** ramping-vus scenarios: where each stage ends (ms from the phase start), to tag requests `stage:i`. */
  readonly #stageEnds = new Map<string, number[]>();
  /** Epoch ms at which each ramping-vus scenario's phase started. */
  readonly #stageOrigin = new Map<string, number>();
  #label: string | null = null;
  /** The load generator's health, per row (core/metrics/load-generator.ts). */
  readonly loadGenerator = new LoadGeneratorTracker();
  /** Tags of the phase that started last, for the controller's readings; null with several scenarios (no single row). */
  #phaseTags: Record<string, string> | null = null;
  readonly #singleScenario: boolean;
  #vusMax = 0;
  #lastAt = 0;
  #lastRequests = 0;
  #lastTokens = 0;

  constructor(options: ResolvedOptions, thresholdsEnabled: boolean) {
    this.registry = new MetricsRegistry({ goodput: options.slo === null ? null : { ...options.slo } });
    // Parse before any sample arrives: a bad expression is a config error (104) before anything is sent,
    // and the runner declares its submetrics, which only see samples that arrive after them.
    const parsed = parseThresholds(options.thresholds);
    this.thresholds = thresholdsEnabled && parsed.length > 0 ? new ThresholdRunner(parsed, this.registry) : null;
    this.#singleScenario = Object.keys(options.scenarios).length === 1;
    for (const [name, scenario] of Object.entries(options.scenarios)) {
      if (scenario.executor !== 'ramping-vus') continue;
      let end = 0;
      this.#stageEnds.set(name, scenario.stages.map((stage) => (end += stage.durationMs)));
    }
  }

  ingest(batch: BatchMsg): void {
    const registry = this.registry;
    for (const record of batch.records) {
      if (this.#stageEnds.size > 0) this.#tagStage(record);
      registry.addRecord(record);
      if (record.arrival !== undefined && record.excluded === undefined) {
        this.loadGenerator.addDispatchLag(record.tags, record.startedAt - record.scheduledAt);
        const rate = record.tags[TAG_RATE];
        if (rate !== undefined) {
          const ttftSched = record.ttftMs === null ? null : record.ttftMs + record.startedAt - record.scheduledAt;
          this.#saturation.request(SaturationTracker.key(record.scenario, rate), record.scheduledAt, ttftSched, record.failure === 'aborted');
        }
      }
    }
    for (const [name, type, value, tags, isTime] of batch.samples) {
      if (name === 'checks') registry.addCheck(tags['check'] ?? '', value !== 0, tags);
      else registry.addSample(name, type, value, tags, isTime);
      if (name === DROPPED_ITERATIONS && tags[TAG_RATE] !== undefined) {
        this.#saturation.dropped(SaturationTracker.key(tags[TAG_SCENARIO] ?? '', tags[TAG_RATE]), value);
      }
    }
    this.#vusByWorker.set(batch.workerIndex, batch.activeVus);
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
    if (this.#stageEnds.has(event.scenario)) this.#stageOrigin.set(event.scenario, performance.timeOrigin + event.startedAt);
    if (this.#singleScenario) this.#phaseTags = { ...event.tags, [TAG_SCENARIO]: event.scenario };
    const level = event.tags['level'];
    this.#label = level !== undefined ? `${event.scenario} level ${level}` : null;
  }

  vusTarget(scenario: string, vus: number): void {
    this.#targetByScenario.set(scenario, vus);
    let total = 0;
    for (const v of this.#targetByScenario.values()) total += v;
    if (total > this.#vusMax) this.#vusMax = total;
    this.registry.addSample(VUS, 'gauge', total, {}, false);
    this.registry.addSample(VUS_MAX, 'gauge', this.#vusMax, {}, false);
  }

  snapshot(elapsedMs: number, plannedMs: number | null): ProgressSnapshot {
    const total = this.registry.total;
    const requests = total.successful + total.failed;
    const dt = Math.max(1, elapsedMs - this.#lastAt) / 1000;
    const snap: ProgressSnapshot = {
      elapsedMs,
      plannedMs,
      vus: [...this.#vusByWorker.values()].reduce((a, b) => a + b, 0),
      reqPerSec: (requests - this.#lastRequests) / dt,
      outputTokPerSec: (total.outputTokens - this.#lastTokens) / dt,
      ttftP95Ms: this.#recentTtftP95(),
      requests,
      failures: total.failed,
      label: this.#label,
    };
    this.#lastAt = elapsedMs;
    this.#lastRequests = requests;
    this.#lastTokens = total.outputTokens;
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
        : this.thresholds.evaluate(elapsedMs).results.filter((r) => !r.ok && !r.noData).map((r) => `${r.metric}: '${r.source}'`);
    return {
      requestsPerSec: stats?.requestThroughput() ?? null,
      saturated: this.#saturation.verdict(SaturationTracker.key(scenario, rate)),
      failedThresholds,
    };
  }

  /** A threshold with abortOnFail that has failed (its message), or null. */
  checkAbort(elapsedMs: number): string | null {
    if (this.thresholds === null || !this.thresholds.thresholds.some((t) => t.abortOnFail)) return null;
    const evaluation = this.thresholds.evaluate(elapsedMs);
    return evaluation.abort ? abortMessage(evaluation) : null;
  }

  /** The end-of-test evaluation; null without thresholds. */
  finalEvaluation(durationMs: number): ThresholdEvaluation | null {
    return this.thresholds?.evaluate(durationMs, { final: true }) ?? null;
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
