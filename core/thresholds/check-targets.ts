/**
 * Thresholds that could never be evaluated are configuration errors, raised
 * before anything is sent (exit 104), not thresholds that "pass" with no data:
 *
 * - the metric must be a built-in one or a custom metric the script declares
 *   while it loads (`const t = new Trend('my_t')` at module level). A metric
 *   first created inside the default function is not known before the start,
 *   so a threshold on it is refused with the fix (declare it at module level);
 * - a filter on a tag the plan produces (`level`, `stage`, `rate`, `scenario`)
 *   must name a value the plan tags requests with: `llm_ttft{level:3}` on a
 *   sweep of levels 2/4/8 is an error listing 2, 4, 8;
 * - a filter key that is not one of those but is within a typo of one
 *   (`levl`) is an error with the suggestion, unless the options declare that
 *   key as a tag (options.tags or a scenario's tags). Other keys (custom tags,
 *   group, check, failure, window, name…) are set at run time and not checked.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { BUILTIN_METRICS, builtinMetric, TAG_LEVEL, TAG_RATE, TAG_SCENARIO, TAG_STAGE } from '../metrics/builtin.js';
import type { MetricType } from '../metrics/types.js';
import { roundRate } from '../executors/rate-sweep.js';
import { isOpenPhase, type ScenarioPlan } from '../executors/types.js';
import type { ResolvedOptions } from '../options/index.js';
import { didYouMean } from '../options/suggest.js';
import { typeProblem } from './parse-thresholds.js';
import type { ParsedThreshold } from './types.js';

/** Tag keys whose values the plan decides. */
export const PLAN_TAG_KEYS: readonly string[] = [TAG_LEVEL, TAG_STAGE, TAG_RATE, TAG_SCENARIO];

/** Which values each plan-derived tag takes in this run. */
export interface PlanTagValues {
  /** Values known before the start, per tag key. */
  values: Map<string, Set<string>>;
  /** A rate-sweep runs: its rates are measured at run time, so any rate it could tag is accepted. */
  sweptRates: boolean;
  /** A capacity-search runs: its loads are chosen at run time, so any positive level is accepted. */
  searchedLevels: boolean;
  /** Tag keys the options set explicitly (options.tags, scenario tags). */
  declaredKeys: Set<string>;
}

/** The values the plan tags requests with, exactly as the engine writes them. */
export function planTagValues(plans: readonly ScenarioPlan[], options: Pick<ResolvedOptions, 'scenarios' | 'tags'>): PlanTagValues {
  const values = new Map<string, Set<string>>(PLAN_TAG_KEYS.map((key) => [key, new Set<string>()]));
  const add = (key: string, value: string | undefined): void => {
    if (value !== undefined) values.get(key)?.add(value);
  };
  const declaredKeys = new Set<string>(Object.keys(options.tags ?? {}));
  let sweptRates = false;
  let searchedLevels = false;
  for (const key of PLAN_TAG_KEYS) add(key, options.tags?.[key]);
  for (const plan of plans) {
    add(TAG_SCENARIO, plan.name);
    for (const key of Object.keys(plan.tags)) declaredKeys.add(key);
    for (const key of PLAN_TAG_KEYS) add(key, plan.tags[key]);
    for (const phase of plan.phases) {
      for (const key of PLAN_TAG_KEYS) add(key, phase.tags[key]);
      // ramping-arrival-rate: each request carries the stage (rate segment) its arrival fell in.
      if (isOpenPhase(phase) && phase.stageTags) phase.arrivals.segments.forEach((_, i) => add(TAG_STAGE, String(i)));
    }
    if (plan.kind === 'rate-sweep') sweptRates = true;
    if (plan.kind === 'capacity-search') searchedLevels = true;
    // ramping-vus: the controller tags each request with the stage it started in (core/run/live-metrics.ts).
    const scenario = options.scenarios[plan.name];
    if (scenario !== undefined && scenario.executor === 'ramping-vus') scenario.stages.forEach((_, i) => add(TAG_STAGE, String(i)));
  }
  return { values, sweptRates, searchedLevels, declaredKeys };
}

/** Which executors tag requests with each plan tag (for the message when no scenario does). */
const PRODUCERS: Readonly<Record<string, string>> = {
  [TAG_LEVEL]: 'concurrency-sweep and capacity-search scenarios tag requests with their level',
  [TAG_STAGE]: 'ramping-vus and ramping-arrival-rate scenarios tag requests with their 0-based stage',
  [TAG_RATE]: 'rate-sweep scenarios tag requests with their rate',
  [TAG_SCENARIO]: 'every request carries its scenario name',
};

export interface ThresholdTargets {
  /** Custom metrics the script declared while it loaded, with their types. */
  declaredMetrics: ReadonlyMap<string, MetricType>;
  planTags: PlanTagValues;
}

/**
 * Throws LL_ERR_THRESHOLD_UNKNOWN naming every threshold on a metric, tag key or
 * tag value the run cannot produce, and LL_ERR_THRESHOLD_SYNTAX for an aggregation
 * a declared custom metric lacks (p(95) on a Counter).
 */
export function checkThresholdTargets(thresholds: readonly ParsedThreshold[], targets: ThresholdTargets): void {
  const problems: string[] = [];
  const typeProblems: string[] = [];
  const seen = new Set<string>();
  for (const threshold of thresholds) {
    const declaredType = targets.declaredMetrics.get(threshold.metric.name);
    if (declaredType !== undefined && builtinMetric(threshold.metric.name) === undefined) {
      const problem = typeProblem(threshold, declaredType);
      if (problem !== null) typeProblems.push(problem);
    }
    if (seen.has(threshold.key)) continue;
    seen.add(threshold.key);
    problems.push(...keyProblems(threshold, targets));
  }
  if (problems.length > 0) {
    throw new LlmloadError(ErrorCode.THRESHOLD_UNKNOWN, problems.length === 1 ? problems[0]! : `${problems.length} thresholds can never be evaluated`, {
      details: problems,
      hint: 'a threshold must name a metric and tag values this run produces; fix the name or remove the threshold',
    });
  }
  if (typeProblems.length > 0) {
    throw new LlmloadError(ErrorCode.THRESHOLD_SYNTAX, typeProblems.length === 1 ? typeProblems[0]! : `${typeProblems.length} thresholds are invalid`, { details: typeProblems });
  }
}

/** k6's HTTP metrics and what measures the same here: a k6 user's first guess gets the right name. */
const K6_EQUIVALENTS: Readonly<Record<string, string>> = {
  http_req_duration: 'llm_e2e',
  http_req_waiting: 'llm_ttfb',
  http_req_connecting: 'llm_connecting',
  http_reqs: 'llm_requests',
  http_req_failed: 'llm_request_failed',
};

function keyProblems(threshold: ParsedThreshold, targets: ThresholdTargets): string[] {
  const where = `thresholds[${JSON.stringify(threshold.key)}]`;
  const { name, filter } = threshold.metric;
  const out: string[] = [];
  if (builtinMetric(name) === undefined && !targets.declaredMetrics.has(name)) {
    const suggestion = K6_EQUIVALENTS[name] ?? didYouMean(name, [...Object.keys(BUILTIN_METRICS), ...targets.declaredMetrics.keys()]);
    out.push(
      `${where}: no metric named ${JSON.stringify(name)}${suggestion === undefined ? '.' : ` — did you mean ${JSON.stringify(suggestion)}?`} ` +
        `A threshold must name a built-in metric or a custom metric the script declares when it loads ` +
        `(at the top level of the script: const m = new Trend(${JSON.stringify(name)})); one first created inside the default function is not known before the test starts.`,
    );
  }
  for (const [key, value] of filter ?? []) {
    const problem = tagProblem(key, value, targets.planTags);
    if (problem !== null) out.push(`${where}: ${problem}`);
  }
  return out;
}

function tagProblem(key: string, value: string, plan: PlanTagValues): string | null {
  const known = plan.values.get(key);
  if (known === undefined) {
    if (plan.declaredKeys.has(key)) return null;
    const suggestion = didYouMean(key, PLAN_TAG_KEYS);
    if (suggestion === undefined) return null;
    return `unknown tag ${JSON.stringify(key)} — did you mean ${JSON.stringify(suggestion)}? (${PRODUCERS[suggestion]})`;
  }
  if (known.has(value)) return null;
  if (key === TAG_RATE && plan.sweptRates && isSweptRate(value)) return null;
  if (key === TAG_LEVEL && plan.searchedLevels && Number(value) > 0) return null;
  const listed = describeValues(key, known, plan.sweptRates);
  if (listed === null) return `${key} ${JSON.stringify(value)} never occurs: no scenario of this run tags requests with ${key} (${PRODUCERS[key]})`;
  return `${key} ${JSON.stringify(value)} never occurs in this run (${listed})`;
}

/** A rate a rate-sweep could tag: the engine writes String(roundRate(r)), 3 significant digits. */
function isSweptRate(value: string): boolean {
  const rate = Number(value);
  return value.trim() !== '' && Number.isFinite(rate) && rate > 0 && String(roundRate(rate)) === value;
}

function describeValues(key: string, known: ReadonlySet<string>, sweptRates: boolean): string | null {
  const list = [...known].sort(byNumberThenText).join(', ');
  if (key === TAG_RATE && sweptRates) {
    return `its rates are ${list === '' ? '' : `${list}, or `}a measured rate as tagged: 3 significant digits, e.g. 12.5`;
  }
  if (known.size === 0) return null;
  const noun = key === TAG_LEVEL ? 'levels' : key === TAG_STAGE ? 'stages' : key === TAG_RATE ? 'rates' : 'scenarios';
  return `its ${noun} are ${list}`;
}

function byNumberThenText(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}
