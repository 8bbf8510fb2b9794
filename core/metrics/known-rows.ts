/**
 * The rows a stopWhenKnown rule applied to, each with its figure's margin and
 * why its phase ended: what the summary, the summary export and the report
 * print ("level 8: TTFT p95 412 ms ± 3.1 % (95 %), stopped early: known to
 * ± 5 % after 120 requests"). Computed from the rows' samples, so a report
 * re-made from results.ndjson says the same; the stop reasons come from the
 * run (the end line keeps them).
 */
import { TAG_LEVEL, TAG_RATE, TAG_SCENARIO } from './builtin.js';
import { describeKnownFigure, describeStop, knownFigure, KNOWN_METRICS, type KnownFigure, type KnownFigureRule, type PhaseStop, type PhaseStopReason } from './known-figure.js';
import type { RequestStats } from './request-stats.js';

export interface KnownRow {
  scenario: string;
  /** The row's own tag ({ level } or { rate }), {} for a scenario row. */
  tags: Record<string, string>;
  figure: KnownFigure;
  /** The rule's target margin (relative). */
  margin: number;
  /** How the row's (last) phase ended; null when the run did not say (stopped by the user, a split run). */
  stopped: PhaseStopReason | null;
}

/** Row statistics by kind, as MetricsRegistry.groups() returns them. */
export interface RowGroups {
  level: readonly RequestStats[];
  rate: readonly RequestStats[];
  scenario: readonly RequestStats[];
}

/** Rate-sweep measurement phases are closed-loop calibration, not rates: stopWhenKnown does not apply to them. */
const MEASUREMENT_RATES: ReadonlySet<string> = new Set(['synchronous', 'throughput']);

/** The rows of every scenario that has a rule: its levels, else its rates, else the scenario itself. */
export function knownRows(groups: RowGroups, rules: ReadonlyMap<string, KnownFigureRule>, stops: readonly PhaseStop[]): KnownRow[] {
  const out: KnownRow[] = [];
  for (const [scenario, rule] of rules) {
    const mine = (list: readonly RequestStats[]): RequestStats[] => list.filter((s) => s.tags[TAG_SCENARIO] === scenario);
    const levels = mine(groups.level);
    const rates = mine(groups.rate).filter((s) => !MEASUREMENT_RATES.has(s.tags[TAG_RATE] ?? ''));
    const rows: Array<[RequestStats, Record<string, string>]> =
      levels.length > 0
        ? levels.map((s) => [s, { [TAG_LEVEL]: s.tags[TAG_LEVEL] ?? '' }])
        : rates.length > 0
          ? rates.map((s) => [s, { [TAG_RATE]: s.tags[TAG_RATE] ?? '' }])
          : mine(groups.scenario).map((s) => [s, {}]);
    for (const [stats, tags] of rows) {
      const stop = stops.filter((p) => p.scenario === scenario && sameTags(p.tags, tags)).at(-1);
      out.push({ scenario, tags, figure: knownFigure(stats, rule), margin: rule.margin, stopped: stop?.reason ?? null });
    }
  }
  return out;
}

/** 'level 8: TTFT p95 412 ms ± 3.1 % (95 %), stopped early: known to ± 5 % after 120 requests'. */
export function describeKnownRow(row: KnownRow, withScenario: boolean): string {
  const level = row.tags[TAG_LEVEL];
  const rate = row.tags[TAG_RATE];
  const where = level !== undefined ? `level ${level}` : rate !== undefined ? `rate ${rate}` : row.scenario;
  const prefix = withScenario && where !== row.scenario ? `${row.scenario} ${where}` : where;
  return `${prefix}: ${describeKnownFigure(row.figure)}, ${describeStop(row.figure, row, row.stopped)}`;
}

/** A resolved scenario's rule as the end line's options digest holds it, or null. */
export function knownRuleOf(scenario: unknown): KnownFigureRule | null {
  if (scenario === null || typeof scenario !== 'object') return null;
  const rule = (scenario as Record<string, unknown>)['stopWhenKnown'];
  if (rule === null || typeof rule !== 'object') return null;
  const r = rule as Record<string, unknown>;
  const metric = KNOWN_METRICS.find((m) => m === r['metric']);
  const numbers = [r['percentile'], r['margin'], r['confidence'], r['minRequests']];
  if (metric === undefined || !numbers.every((n): n is number => typeof n === 'number' && Number.isFinite(n))) return null;
  const [percentile, margin, confidence, minRequests] = numbers as [number, number, number, number];
  return { metric, percentile, margin, confidence, minRequests };
}

/** Rules by scenario name from resolved (or digested) scenarios. */
export function knownRules(scenarios: Readonly<Record<string, unknown>>): Map<string, KnownFigureRule> {
  const rules = new Map<string, KnownFigureRule>();
  for (const [name, scenario] of Object.entries(scenarios)) {
    const rule = knownRuleOf(scenario);
    if (rule !== null) rules.set(name, rule);
  }
  return rules;
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
