/**
 * options.thresholds → ParsedThreshold[], or one LL_ERR_THRESHOLD_SYNTAX
 * error listing every bad threshold (exit 104, before anything is sent).
 *
 * Metric names: builtin names have a known type, and an aggregation the type
 * lacks (p(95) on the counter llm_requests) is an error, as in k6. Any other
 * valid name is taken as a custom metric, whose type is only known once the
 * script defines it: check-targets.ts checks the names and types the script
 * declares when it loads, before the start, and evaluation reports any other
 * mismatch as a failed threshold.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { describeAggregations, supportsAggregation } from '../metrics/aggregate.js';
import { builtinMetric } from '../metrics/builtin.js';
import { parseMetricKey } from '../metrics/tags.js';
import type { MetricType } from '../metrics/types.js';
import { durationProblem, tryParseDuration } from '../options/duration.js';
import { parseThresholdExpression } from './parse-expression.js';
import type { InconclusivePolicy, ParsedThreshold } from './types.js';

export interface ParseThresholdsOptions {
  /** The type of a metric name when known; default: builtin metrics only. */
  metricType?: (name: string) => MetricType | undefined;
}

const HINT =
  'A threshold is "<aggregation> <operator> <number>": p(N), avg, min, med, max for trends; count or rate for counters; ' +
  'rate for rates; value for gauges; operators < <= > >= == === !=. E.g. "p(95)<500", "rate<0.01", "count>10".';

/** Parse every threshold; throws one LlmloadError (THRESHOLD_SYNTAX) naming every problem. */
export function parseThresholds(input: unknown, options: ParseThresholdsOptions = {}): ParsedThreshold[] {
  const metricType = options.metricType ?? builtinType;
  const problems: string[] = [];
  const parsed: ParsedThreshold[] = [];
  if (input === undefined || input === null) return parsed;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw syntaxError([`thresholds: expected an object of metric → thresholds, got ${describe(input)}`]);
  }
  for (const [key, listInput] of Object.entries(input as Record<string, unknown>)) {
    const where = `thresholds[${JSON.stringify(key)}]`;
    const metric = parseMetricKey(key);
    if (!metric.ok) {
      problems.push(`${where}: ${metric.error}`);
      continue;
    }
    const list: unknown[] = Array.isArray(listInput) ? listInput : [listInput];
    const type = metricType(metric.value.name);
    list.forEach((item, index) => {
      const at = `${where}[${index}]`;
      const spec = readSpec(item, at, problems);
      if (spec === null) return;
      const result = parseThresholdExpression(spec.source);
      const example = exampleFor(type);
      if (!result.ok) {
        const { problem } = result;
        const quoted = JSON.stringify(spec.source);
        if (problem.kind === 'number') {
          problems.push(`${at}: ${quoted} compares with ${JSON.stringify(problem.text)}, which is not a number (expected e.g. "${example}")`);
        } else if (problem.kind === 'percentile') {
          problems.push(`${at}: ${quoted} asks for p(${problem.percentile}); percentiles go from 0 to 100`);
        } else {
          problems.push(`${at}: ${quoted} is not a threshold expression (expected e.g. "${example}")`);
        }
        return;
      }
      const threshold: ParsedThreshold = {
        key,
        metric: metric.value,
        index,
        source: spec.source,
        expression: result.value,
        abortOnFail: spec.abortOnFail,
        delayAbortEvalMs: spec.delayAbortEvalMs,
        inconclusive: spec.inconclusive,
      };
      const mismatch = type === undefined ? null : typeProblem(threshold, type);
      if (mismatch !== null) {
        problems.push(mismatch);
        return;
      }
      parsed.push(threshold);
    });
  }
  if (problems.length > 0) throw syntaxError(problems);
  return parsed;
}

/**
 * Check thresholds on custom metrics once their types are known (after the script defined them).
 * Throws LL_ERR_THRESHOLD_SYNTAX naming every threshold whose aggregation its metric lacks.
 */
export function validateThresholdTypes(thresholds: readonly ParsedThreshold[], metricType: (name: string) => MetricType | undefined): void {
  const problems: string[] = [];
  for (const threshold of thresholds) {
    const type = metricType(threshold.metric.name);
    const problem = type === undefined ? null : typeProblem(threshold, type);
    if (problem !== null) problems.push(problem);
  }
  if (problems.length > 0) throw syntaxError(problems);
}

/** The message for an aggregation the metric's type lacks, or null when it has it. */
export function typeProblem(threshold: ParsedThreshold, type: MetricType): string | null {
  if (supportsAggregation(type, threshold.expression.method)) return null;
  return (
    `thresholds[${JSON.stringify(threshold.key)}][${threshold.index}]: ${JSON.stringify(threshold.source)} uses ${threshold.expression.label}, ` +
    `which a ${type} metric does not have (use ${describeAggregations(type)})`
  );
}

function builtinType(name: string): MetricType | undefined {
  return builtinMetric(name)?.type;
}

function exampleFor(type: MetricType | undefined): string {
  switch (type) {
    case 'counter':
      return 'count<10';
    case 'rate':
      return 'rate<0.01';
    case 'gauge':
      return 'value<100';
    default:
      return 'p(95)<500';
  }
}

interface Spec {
  source: string;
  abortOnFail: boolean;
  delayAbortEvalMs: number | null;
  inconclusive: InconclusivePolicy;
}

const OBJECT_FIELDS = ['threshold', 'abortOnFail', 'delayAbortEval', 'delayAbortEvalMs', 'inconclusive'];

/** Read one list item: an expression string or the object form; pushes problems and returns null when unusable. */
function readSpec(item: unknown, at: string, problems: string[]): Spec | null {
  if (typeof item === 'string') return { source: item.trim(), abortOnFail: false, delayAbortEvalMs: null, inconclusive: 'fail' };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    problems.push(`${at}: expected a threshold like "p(95)<500" or { threshold: "p(95)<500", abortOnFail: true }, got ${describe(item)}`);
    return null;
  }
  const fields = item as Record<string, unknown>;
  let usable = true;
  for (const field of Object.keys(fields)) {
    if (!OBJECT_FIELDS.includes(field)) {
      problems.push(`${at}: unknown field ${JSON.stringify(field)} (expected threshold, abortOnFail, delayAbortEval, inconclusive)`);
      usable = false;
    }
  }
  const threshold = fields['threshold'];
  if (typeof threshold !== 'string') {
    problems.push(`${at}.threshold: expected a threshold expression like "p(95)<500", got ${describe(threshold)}`);
    usable = false;
  }
  const abortOnFail = fields['abortOnFail'] ?? false;
  if (typeof abortOnFail !== 'boolean') {
    problems.push(`${at}.abortOnFail: expected true or false, got ${describe(abortOnFail)}`);
    usable = false;
  }
  const inconclusive = fields['inconclusive'] ?? 'fail';
  if (inconclusive !== 'pass' && inconclusive !== 'fail') {
    problems.push(`${at}.inconclusive: expected "pass" or "fail", got ${describe(inconclusive)}`);
    usable = false;
  }
  let delayAbortEvalMs: number | null = null;
  const delay = fields['delayAbortEval'] ?? fields['delayAbortEvalMs'];
  if (delay !== undefined) {
    const ms = tryParseDuration(delay);
    if (ms === undefined) {
      problems.push(`${at}.delayAbortEval: ${durationProblem(delay)}`);
      usable = false;
    } else {
      delayAbortEvalMs = ms;
    }
  }
  if (!usable) return null;
  return { source: (threshold as string).trim(), abortOnFail: abortOnFail as boolean, delayAbortEvalMs, inconclusive: inconclusive as InconclusivePolicy };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above, so this never prints '[object Object]'; TS does not narrow `unknown` that far
  return `${typeof value} ${String(value)}`;
}

/** One problem: the message is that problem. Several: the message counts them and `details` lists each. */
function syntaxError(problems: string[]): LlmloadError {
  const message = problems.length === 1 ? problems[0]! : `${problems.length} thresholds are invalid`;
  return new LlmloadError(ErrorCode.THRESHOLD_SYNTAX, message, { details: problems, hint: HINT });
}
