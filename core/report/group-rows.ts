/**
 * Rows per scenario, per `name` tag and per `group` tag (group()/vu.group),
 * each with seed 001's layout: mean, median, min and max of the E2E time and
 * of the output tokens/s of each request; and, when a script has two or
 * more scenarios (phases such as "initial load" then "continuous"), the
 * change from each phase to the next.
 *
 * The request statistics come from the registry's groups (the report's
 * registry adds a `group` definition: REPORT_GROUPS); the per-request tokens/s
 * distribution, which the engine does not keep per group, is collected here
 * from the records as results.ndjson is read.
 */
import type { RequestRecord } from '../client/types.js';
import { TAG_GROUP, TAG_NAME, TAG_SCENARIO } from '../metrics/builtin.js';
import { outcomeOf, outputTokensPerSecond } from '../metrics/record-values.js';
import { DEFAULT_GROUPS, type GroupDefinition, type MetricsRegistry } from '../metrics/registry.js';
import type { RequestStats, RequestStatsRow } from '../metrics/request-stats.js';
import { TrendSink } from '../metrics/trend-sink.js';
import { groupLabel, type BreakdownKind } from './custom-metrics.js';

/** The report's row definitions: the engine's, plus one row per group path within a scenario. */
export const REPORT_GROUPS: readonly GroupDefinition[] = Object.freeze([...DEFAULT_GROUPS, { name: 'group', tags: [TAG_SCENARIO, TAG_GROUP] }]);

/** Mean, median, min and max of one figure over a row's successful requests (seed 001's layout). */
export interface Spread {
  count: number;
  mean: number;
  median: number;
  min: number;
  max: number;
}

export interface BreakdownRow {
  kind: BreakdownKind;
  scenario: string;
  /** The scenario's, name's or group's own value ('outer::inner' for a nested group). */
  label: string;
  row: RequestStatsRow;
  /** E2E time per request, ms. */
  e2e: Spread | null;
  /** Output tokens ÷ E2E seconds per request. */
  outputTokensPerSec: Spread | null;
}

/** One phase (scenario) against the one before it: "continuous vs initial: +82.5 % time". */
export interface PhaseChange {
  from: string;
  to: string;
  /** Mean E2E of each, ms. */
  fromE2eMeanMs: number;
  toE2eMeanMs: number;
  /** (to − from) ÷ from × 100 of the mean E2E: positive is slower. */
  timeChangePct: number;
  /** Mean output tokens/s per request of each, when both have one. */
  fromTokensPerSec: number | null;
  toTokensPerSec: number | null;
  tokensPerSecChangePct: number | null;
}

export interface Breakdown {
  rows: BreakdownRow[];
  phaseChanges: PhaseChange[];
}

const KINDS: ReadonlyArray<{ kind: BreakdownKind; group: string; tag: string }> = [
  { kind: 'scenario', group: 'scenario', tag: TAG_SCENARIO },
  { kind: 'name', group: 'name', tag: TAG_NAME },
  { kind: 'group', group: 'group', tag: TAG_GROUP },
];

/** Per-request output tokens/s per scenario, name and group row, fed each record of results.ndjson. */
export class TokensPerSecondCollector {
  readonly #trends = new Map<string, TrendSink>();

  add(record: RequestRecord): void {
    if (record.excluded !== undefined || outcomeOf(record) !== 'success') return;
    const tps = outputTokensPerSecond(record);
    if (tps === null) return;
    const tags = record.tags;
    const scenario = tags[TAG_SCENARIO];
    if (scenario === undefined) return;
    for (const { kind, tag } of KINDS) {
      const value = tags[tag];
      if (value !== undefined) this.#trend(rowKey(kind, scenario, value)).add(tps);
    }
  }

  /** The tokens/s trend of one row, or undefined when it had no successful request with an E2E. */
  get(kind: BreakdownKind, scenario: string, value: string): TrendSink | undefined {
    return this.#trends.get(rowKey(kind, scenario, value));
  }

  #trend(key: string): TrendSink {
    let trend = this.#trends.get(key);
    if (trend === undefined) {
      trend = new TrendSink({ rawCap: 10_000 });
      this.#trends.set(key, trend);
    }
    return trend;
  }
}

/** The rows of every kind, scenarios first, and the phase-to-phase changes. */
export function buildBreakdown(registry: MetricsRegistry, tokensPerSec: TokensPerSecondCollector): Breakdown {
  const rows: BreakdownRow[] = [];
  const names = registry.groupNames();
  for (const { kind, group, tag } of KINDS) {
    if (!names.includes(group)) continue;
    for (const stats of registry.groups(group)) {
      const scenario = stats.tags[TAG_SCENARIO] ?? '';
      const value = stats.tags[tag] ?? '';
      const row = stats.row();
      rows.push({
        kind,
        scenario,
        label: kind === 'group' ? groupLabel(value) : value,
        row,
        e2e: e2eSpread(stats),
        outputTokensPerSec: spreadOf(tokensPerSec.get(kind, scenario, value)),
      });
    }
  }
  return { rows, phaseChanges: phaseChanges(rows.filter((r) => r.kind === 'scenario')) };
}

/** Each scenario against the one that started before it, in order of first request. */
export function phaseChanges(scenarios: readonly BreakdownRow[]): PhaseChange[] {
  const ordered = [...scenarios].filter((r) => r.e2e !== null && r.row.window !== null).sort((a, b) => a.row.window!.startMs - b.row.window!.startMs);
  const out: PhaseChange[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const from = ordered[i - 1]!;
    const to = ordered[i]!;
    const fromTps = from.outputTokensPerSec?.mean ?? null;
    const toTps = to.outputTokensPerSec?.mean ?? null;
    out.push({
      from: from.label,
      to: to.label,
      fromE2eMeanMs: from.e2e!.mean,
      toE2eMeanMs: to.e2e!.mean,
      timeChangePct: pctChange(from.e2e!.mean, to.e2e!.mean) ?? 0,
      fromTokensPerSec: fromTps,
      toTokensPerSec: toTps,
      tokensPerSecChangePct: fromTps === null || toTps === null ? null : pctChange(fromTps, toTps),
    });
  }
  return out;
}

function rowKey(kind: BreakdownKind, scenario: string, value: string): string {
  return `${kind}\u0000${scenario}\u0000${value}`;
}

function e2eSpread(stats: RequestStats): Spread | null {
  const e2e = stats.e2e;
  if (e2e.count === 0) return null;
  return { count: e2e.count, mean: e2e.avg, median: e2e.med, min: e2e.min, max: e2e.max };
}

function spreadOf(trend: TrendSink | undefined): Spread | null {
  if (trend === undefined || trend.count === 0) return null;
  return { count: trend.count, mean: trend.avg, median: trend.med, min: trend.min, max: trend.max };
}

function pctChange(from: number, to: number): number | null {
  return from === 0 || !Number.isFinite(from) || !Number.isFinite(to) ? null : ((to - from) / from) * 100;
}
