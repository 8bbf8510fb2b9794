/**
 * What the report needs per open-loop row (a rate-sweep rate, a
 * ramping-arrival-rate stage, a constant-arrival-rate scenario) beyond the
 * row's request statistics: TTFT and E2E measured from the intended send time
 * (coordinated-omission-corrected, METRICS.md TTFT_sched / E2EL_sched), and
 * the points the over-saturation verdict (core/run/saturation.ts) reads.
 * results-file.ts feeds it every open-loop request record, as the run's
 * controller feeds its SaturationTracker, so a report re-made later gives the
 * same verdicts.
 */
import type { RequestRecord } from '../client/types.js';
import { TAG_RATE, TAG_STAGE } from '../metrics/builtin.js';
import { outcomeOf, streamedTtftMs } from '../metrics/record-values.js';
import { summarizeLatency, type LatencySummary } from '../metrics/request-stats.js';
import { TrendSink } from '../metrics/trend-sink.js';
import { judgeSaturation, type PhaseLoad } from '../run/saturation.js';

interface RowLoad {
  ttftSched: TrendSink;
  e2eSched: TrendSink;
  load: PhaseLoad;
}

/** A row's figures from the schedule. */
export interface ScheduleFigures {
  /** Intended send time → first token, successful streamed requests. */
  ttftSched: LatencySummary | null;
  /** Intended send time → last data event, successful requests. */
  e2eSched: LatencySummary | null;
  /** Why the server fell behind the row's rate (TTFT from the schedule grew through the row), or null; dropped arrivals are judged apart. */
  serverBehind: string | null;
}

export class OpenLoopDigest {
  readonly #rows = new Map<string, RowLoad>();

  /** The key of a row: its scenario and its own tag ({ rate }, { stage } or {}), as OpenLoadRow names it. */
  static key(scenario: string, tags: Readonly<Record<string, string>>): string {
    return `${scenario}\u0001${tags[TAG_STAGE] ?? ''}\u0001${tags[TAG_RATE] ?? ''}`;
  }

  /** One request record; only open-loop ones that were not excluded count. */
  add(record: RequestRecord): void {
    if (record.arrival === undefined || record.excluded !== undefined) return;
    const key = OpenLoopDigest.key(record.scenario, record.tags);
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = { ttftSched: new TrendSink(), e2eSched: new TrendSink(), load: { points: [], requests: 0, interrupted: 0, dropped: 0 } };
      this.#rows.set(key, row);
    }
    const lag = Math.max(0, record.startedAt - record.scheduledAt);
    const outcome = outcomeOf(record);
    row.load.requests++;
    if (outcome === 'interrupted') row.load.interrupted++;
    if (outcome !== 'success') return;
    const ttft = streamedTtftMs(record);
    if (ttft !== null) {
      row.ttftSched.add(ttft + lag);
      row.load.points.push([record.scheduledAt, ttft + lag]);
    }
    if (record.e2eMs !== null) row.e2eSched.add(record.e2eMs + lag);
  }

  /** The row's figures; null when no open-loop request of it was recorded. */
  figures(scenario: string, tags: Readonly<Record<string, string>>): ScheduleFigures | null {
    const row = this.#rows.get(OpenLoopDigest.key(scenario, tags));
    if (row === undefined) return null;
    return { ttftSched: summarizeLatency(row.ttftSched), e2eSched: summarizeLatency(row.e2eSched), serverBehind: judgeSaturation(row.load) };
  }
}
