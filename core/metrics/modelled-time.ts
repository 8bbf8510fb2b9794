/**
 * The modelled server's time, for runs against the built-in simulator at a
 * time scale: `--time-scale 20` runs its engine 20× faster than real time, so
 * what the client measures is 20× shorter (and its rates 20× higher) than
 * what the modelled server would give. Every figure shown of such a run is in
 * the modelled server's time: durations × scale, instants stretched × scale
 * away from the run's origin, rates ÷ scale. Findings, user-experience
 * classes, advice and thresholds are then judged on the server the script
 * describes, and a run gives the same verdict at 1× and at 20×.
 *
 * Raw results (results.ndjson, CSV) keep what was measured; their meta line
 * names the scale and the origin, and every reader converts with this one
 * module: the controller before records become metric samples
 * (core/run/live-metrics.ts), the report when it reads the file
 * (core/report/results-file.ts). At scale 1 nothing is converted.
 *
 * Two things stay in real time, being the client machine's and not anything
 * the simulator models: the load generator's own health (event-loop delay,
 * CPU, coalesced reads, late dispatches) and connection set-up
 * (connectMs, blockedMs, llm_connecting).
 */
import type { GpuTelemetrySnapshot } from '../telemetry/gpu-types.js';
import type { RequestRecord } from '../client/types.js';
import type { MetricsScrape } from '../telemetry/server-probe.js';
import { rowShortfall, type OpenLoadRow } from './load-delivery.js';

/**
 * The finest step the simulator can pace, in real ms: its steps are timers on
 * the event loop, and tokens of steps closer together than this leave in one
 * write (one socket read at the client, an ITL of 0).
 */
export const SIM_FINEST_STEP_MS = 1;

export class ModelledTime {
  /** Modelled ms per real ms (the simulator's timeScale); 1 for real time. */
  readonly scale: number;
  /** Epoch ms both clocks share: instants before and after it stretch away from it. */
  readonly originMs: number;

  constructor(scale: number, originMs: number) {
    this.scale = Number.isFinite(scale) && scale > 0 ? scale : 1;
    this.originMs = originMs;
  }

  /** Real time: nothing to convert. */
  static readonly REAL = new ModelledTime(1, 0);

  /** Whether figures differ from what was measured. */
  get scaled(): boolean {
    return this.scale !== 1;
  }

  /** A measured epoch instant on the modelled timeline. */
  at(epochMs: number): number {
    return this.originMs + (epochMs - this.originMs) * this.scale;
  }

  /** A measured duration in modelled ms. */
  ms(durationMs: number): number {
    return durationMs * this.scale;
  }

  /** A measured per-second rate in modelled seconds. */
  perSec(rate: number): number {
    return rate / this.scale;
  }

  /** A copy of the record with every time on its timeline in modelled time (the measured one is what results.ndjson keeps). */
  record(record: RequestRecord): RequestRecord {
    const s = this.scale;
    return {
      ...record,
      scheduledAt: this.at(record.scheduledAt),
      startedAt: this.at(record.startedAt),
      ttfbMs: record.ttfbMs === null ? null : record.ttfbMs * s,
      ttftMs: record.ttftMs === null ? null : record.ttftMs * s,
      ttfcMs: record.ttfcMs === null ? null : record.ttfcMs * s,
      e2eMs: record.e2eMs === null ? null : record.e2eMs * s,
      itlMs: record.itlMs.map((gap) => gap * s),
    };
  }

  /** An open-loop row in modelled time: its window stretched, its rates and lag converted, its shortfall judged again on them. */
  loadRow(row: OpenLoadRow): OpenLoadRow {
    const converted: Omit<OpenLoadRow, 'shortfall'> = {
      ...row,
      tags: { ...row.tags },
      windowMs: this.ms(row.windowMs),
      offeredPerSec: row.offeredPerSec === null ? null : this.perSec(row.offeredPerSec),
      achievedPerSec: row.achievedPerSec === null ? null : this.perSec(row.achievedPerSec),
      dispatchLagP95Ms: row.dispatchLagP95Ms === null ? null : this.ms(row.dispatchLagP95Ms),
    };
    return { ...converted, shortfall: rowShortfall(converted) };
  }

  /**
   * GPU readings placed on the modelled timeline, so they fall in the same rows as the requests;
   * power is then integrated over modelled seconds, which the simulator's clock already runs in
   * (its clockScale divided back to 1).
   */
  gpu(snapshot: GpuTelemetrySnapshot): GpuTelemetrySnapshot {
    return {
      ...snapshot,
      samples: snapshot.samples.map((s) => (s.askedAtMs === undefined ? { ...s, atMs: this.at(s.atMs) } : { ...s, atMs: this.at(s.atMs), askedAtMs: this.at(s.askedAtMs) })),
      idle: snapshot.idle === null ? null : { startMs: this.at(snapshot.idle.startMs), endMs: this.at(snapshot.idle.endMs) },
      intervalMs: this.ms(snapshot.intervalMs),
      clockScale: snapshot.clockScale / this.scale,
    };
  }

  /** A /metrics scrape placed on the modelled timeline (counters then read per modelled second). */
  scrape(scrape: MetricsScrape): MetricsScrape {
    return scrape.askedAtMs === undefined
      ? { atMs: this.at(scrape.atMs), values: scrape.values }
      : { atMs: this.at(scrape.atMs), askedAtMs: this.at(scrape.askedAtMs), values: scrape.values };
  }
}

/**
 * The one line that says a run's figures are in the simulated server's time, or null at real time.
 * `finestStep`: the simulator's steps at this scale are finer than it can pace (see pacingNote).
 */
export function modelledTimeLabel(scale: number): string | null {
  if (!(scale > 0) || scale === 1) return null;
  return `Times and rates are in the simulated server's time: this run ran ${formatScale(scale)}× ${scale > 1 ? 'faster' : 'slower'} than real time, and every figure is converted back (durations × ${formatScale(scale)}, rates ÷ ${formatScale(scale)}); results.ndjson keeps what was measured.`;
}

/** A row as pacingNote reads it (RequestStatsRow fits). */
export interface PacedRow {
  label: string;
  e2e: { p50: number } | null;
  tpot: { p50: number } | null;
  avgOutputTokens: number | null;
}

/**
 * Why a scaled run's token timing is not the server's, or null. A row's modelled time per output
 * token is its TPOT p50 (one decode step), or its E2E p50 over its mean output tokens when TPOT is
 * unknown; divided by the scale, it is how far apart in real time the simulator had to write
 * tokens. Below the finest step it can pace, or with a TPOT of 0 (whole answers in one read),
 * tokens of several steps left in one write: ITL reads 0 or several steps, and TTFT and TPOT can
 * be off. E2E ends at the last token's deadline and stays right.
 */
export function pacingNote(scale: number, rows: readonly PacedRow[]): string | null {
  if (!(scale > 1)) return null;
  let finest: { label: string; stepMs: number; estimateMs: number } | null = null;
  for (const row of rows) {
    const e2e = row.e2e?.p50;
    const tokens = row.avgOutputTokens;
    const fromE2e = e2e !== undefined && e2e > 0 && tokens !== null && tokens > 1 ? e2e / tokens : null;
    const tpot = row.tpot?.p50 ?? null;
    const stepMs = tpot ?? fromE2e;
    if (stepMs === null || !(stepMs >= 0)) continue;
    // The scale to advise: from the step when one was seen, else from E2E (an upper bound when writes came late).
    const estimateMs = stepMs > 0 ? stepMs : (fromE2e ?? 0);
    if (finest === null || stepMs < finest.stepMs) finest = { label: row.label, stepMs, estimateMs };
  }
  if (finest === null) return null;
  const realStepMs = finest.stepMs / scale;
  if (realStepMs >= SIM_FINEST_STEP_MS) return null;
  const maxScale = Math.max(1, Math.floor(finest.estimateMs / SIM_FINEST_STEP_MS));
  const where = finest.label === '' || finest.label === 'all' ? '' : ` (${finest.label})`;
  const seen =
    finest.stepMs > 0
      ? `its decode steps came ${realStepMs.toFixed(2)} ms of real time apart${where} (${finest.stepMs.toFixed(1)} ms a token in modelled time ÷ ${formatScale(scale)})`
      : `whole answers came in one read${where} (TPOT p50 0 ms)`;
  return (
    `At ${formatScale(scale)}× ${seen}, finer than the ${SIM_FINEST_STEP_MS} ms step the simulator can pace: tokens of several steps left in one write, ` +
    `so ITL samples there are 0 or several steps long and are not the server's, and TTFT and TPOT can be off. ` +
    `E2E and throughput are not affected; run at --time-scale ${maxScale} or less for token timing.`
  );
}

function formatScale(scale: number): string {
  return Number.isInteger(scale) ? String(scale) : String(Math.round(scale * 1000) / 1000);
}
