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

  /** A /metrics scrape placed on the modelled timeline (counters then read per modelled second). */
  scrape(scrape: MetricsScrape): MetricsScrape {
    return { atMs: this.at(scrape.atMs), values: scrape.values };
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

/**
 * Why ITL figures of a scaled run are not the server's, or null: in some row the modelled time per
 * output token (TPOT p50, one decode step) divided by the scale is below the finest step the
 * simulator can pace, so tokens of several steps left in one write and ITL read 0 there.
 * TPOT stays right: it comes from E2E and TTFT, which are long enough to pace.
 */
export function pacingNote(scale: number, rows: ReadonlyArray<{ label: string; tpot: { p50: number } | null }>): string | null {
  if (!(scale > 1)) return null;
  let finest: { label: string; tpotMs: number } | null = null;
  for (const row of rows) {
    const tpot = row.tpot?.p50;
    if (tpot === undefined || !(tpot > 0)) continue;
    if (finest === null || tpot < finest.tpotMs) finest = { label: row.label, tpotMs: tpot };
  }
  if (finest === null) return null;
  const realStepMs = finest.tpotMs / scale;
  if (realStepMs >= SIM_FINEST_STEP_MS) return null;
  const maxScale = Math.max(1, Math.floor(finest.tpotMs / SIM_FINEST_STEP_MS));
  const where = finest.label === '' || finest.label === 'all' ? '' : ` (${finest.label})`;
  return (
    `At ${formatScale(scale)}× the simulator's decode steps last ${realStepMs.toFixed(2)} ms of real time${where}: TPOT p50 ${finest.tpotMs.toFixed(1)} ms ÷ ${formatScale(scale)}, ` +
    `finer than the ${SIM_FINEST_STEP_MS} ms step it can pace, so tokens of several steps leave in one write: ITL samples there are 0 or several steps long, and ITL percentiles are not the server's. ` +
    `TTFT, E2E and TPOT are not affected; run at --time-scale ${maxScale} or less for ITL figures.`
  );
}

function formatScale(scale: number): string {
  return Number.isInteger(scale) ? String(scale) : String(Math.round(scale * 1000) / 1000);
}
