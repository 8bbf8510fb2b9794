/**
 * The controller's account of each open-loop row's load: what the schedule
 * planned (walked again from the phase's arrival process, as the workers walk
 * it), what the workers started and dropped (their `llm_load_delivered`
 * samples), and how late requests were sent (llm_dispatch_lag per row).
 * `rows()` gives the OpenLoadRow list the summary, the end line of
 * results.ndjson and the report show.
 *
 * A row is a phase, or one stage of it when the phase tags stages; it is keyed
 * by scenario, stage and rate, the tags its samples and requests carry.
 */
import type { RequestRecord } from '../client/types.js';
import { ownsIndex } from '../distributed/segment.js';
import { ArrivalSequence } from '../executors/arrival-process.js';
import type { OpenPhasePlan } from '../executors/types.js';
import { TAG_RATE, TAG_SCENARIO, TAG_STAGE } from '../metrics/builtin.js';
import { rowShortfall, type OpenLoadRow } from '../metrics/load-delivery.js';
import { TrendSink } from '../metrics/trend-sink.js';

interface PhaseEntry {
  scenario: string;
  tags: Record<string, string>;
  plan: OpenPhasePlan;
  startEpochMs: number;
  /** Offset from the phase start at which it stopped starting arrivals; null while it runs. */
  endOffsetMs: number | null;
}

interface Counts {
  started: number;
  dropped: number;
  lag: TrendSink;
}

export class LoadLedger {
  readonly #phases: PhaseEntry[] = [];
  readonly #counts = new Map<string, Counts>();

  static key(scenario: string, stage: string | undefined, rate: string | undefined): string {
    return `${scenario}\u0001${stage ?? ''}\u0001${rate ?? ''}`;
  }

  /** An open phase starts at `startEpochMs` (offset 0 of its schedule). */
  phaseStarted(phaseId: number, scenario: string, tags: Record<string, string>, plan: OpenPhasePlan, startEpochMs: number): void {
    this.#phases[phaseId] = { scenario, tags, plan, startEpochMs, endOffsetMs: null };
  }

  /** The phase stopped starting arrivals at `atEpochMs` (its end, or a stop). */
  phaseEnded(phaseId: number, atEpochMs: number): void {
    const phase = this.#phases[phaseId];
    if (phase === undefined || phase.endOffsetMs !== null) return;
    phase.endOffsetMs = Math.max(0, Math.min(phase.plan.durationMs, atEpochMs - phase.startEpochMs));
  }

  /** One `llm_load_delivered` sample: an arrival started (value ≠ 0) or dropped. */
  arrival(tags: Readonly<Record<string, string>>, value: number): void {
    const counts = this.#countsOf(LoadLedger.key(tags[TAG_SCENARIO] ?? '', tags[TAG_STAGE], tags[TAG_RATE]));
    if (value !== 0) counts.started++;
    else counts.dropped++;
  }

  /** An open-loop request (record.arrival set, not excluded): its dispatch lag. */
  request(record: RequestRecord): void {
    const tags = record.tags;
    this.#countsOf(LoadLedger.key(record.scenario, tags[TAG_STAGE], tags[TAG_RATE])).lag.add(record.startedAt - record.scheduledAt);
  }

  /** Every open-loop row so far, in phase order, stages in order. */
  rows(nowEpochMs: number): OpenLoadRow[] {
    const out: OpenLoadRow[] = [];
    for (const phase of this.#phases) {
      if (phase === undefined) continue;
      const endMs = phase.endOffsetMs ?? Math.max(0, Math.min(phase.plan.durationMs, nowEpochMs - phase.startEpochMs));
      const segments = phase.plan.arrivals.segments;
      const perSegment = plannedPerSegment(phase.plan, endMs, phase.plan.stageTags ? segments.length : 1);
      const rate = phase.tags[TAG_RATE];
      let segStart = 0;
      for (let k = 0; k < perSegment.length; k++) {
        const staged = phase.plan.stageTags;
        const segEnd = staged ? segStart + segments[k]!.durationMs : phase.plan.durationMs;
        const windowMs = Math.max(0, Math.min(segEnd, endMs) - segStart);
        segStart = segEnd;
        const stage = staged ? String(k) : undefined;
        const counts = this.#counts.get(LoadLedger.key(phase.scenario, stage, rate));
        const planned = perSegment[k]!;
        if (windowMs === 0 && planned === 0 && counts === undefined) continue;
        const started = counts?.started ?? 0;
        const dropped = counts?.dropped ?? 0;
        const seconds = windowMs / 1000;
        const tags: Record<string, string> = {};
        if (stage !== undefined) tags[TAG_STAGE] = stage;
        if (rate !== undefined) tags[TAG_RATE] = rate;
        const row: Omit<OpenLoadRow, 'shortfall'> = {
          scenario: phase.scenario,
          tags,
          label: stage !== undefined ? `stage ${stage}` : rate !== undefined ? `rate ${rate}` : phase.scenario,
          windowMs,
          planned,
          started,
          dropped,
          offeredPerSec: seconds > 0 ? planned / seconds : null,
          achievedPerSec: seconds > 0 ? started / seconds : null,
          delivered: started + dropped > 0 ? started / (started + dropped) : null,
          maxVus: phase.plan.maxVus,
          dispatchLagP95Ms: counts === undefined || counts.lag.count === 0 ? null : counts.lag.percentile(95),
        };
        out.push({ ...row, shortfall: rowShortfall(row) });
      }
    }
    return out;
  }

  #countsOf(key: string): Counts {
    let counts = this.#counts.get(key);
    if (counts === undefined) {
      counts = { started: 0, dropped: 0, lag: new TrendSink() };
      this.#counts.set(key, counts);
    }
    return counts;
  }
}

/**
 * Arrivals of the phase's schedule up to `endMs`, per segment (all in one when `slots` is 1); of a
 * split test's runner, only those its stripe owns, as it sends only those: the runners' rows add up.
 */
function plannedPerSegment(plan: OpenPhasePlan, endMs: number, slots: number): number[] {
  const out = new Array<number>(slots).fill(0);
  const seq = new ArrivalSequence(plan.arrivals);
  // As the workers: the schedule ends at durationMs; a stop cuts it where it happened.
  const full = endMs >= plan.durationMs;
  while (seq.next()) {
    if (seq.atMs > plan.durationMs || (!full && seq.atMs > endMs)) break;
    if (plan.share !== undefined && !ownsIndex(plan.share, seq.index)) continue;
    out[slots === 1 ? 0 : Math.min(slots - 1, seq.segment)]!++;
  }
  return out;
}
