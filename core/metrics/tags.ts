/**
 * Tag sets and tag filters. A metric key is a metric name optionally followed
 * by a filter, as in k6 thresholds: `llm_ttft{level:10,scenario:sweep}`,
 * `checks{check:has xml}`. A sample belongs to a submetric when it carries
 * every key:value pair of the filter.
 */
import type { Tags } from './types.js';

/** key:value pairs a sample's tags must all carry. */
export type TagFilter = ReadonlyArray<readonly [key: string, value: string]>;

export interface MetricKey {
  /** The metric name before the braces. */
  name: string;
  /** null for the metric itself. */
  filter: TagFilter | null;
  /** Canonical spelling, whitespace trimmed: `llm_ttft{level:10,scenario:sweep}`. */
  key: string;
}

export type MetricKeyResult = { ok: true; value: MetricKey } | { ok: false; error: string };

/** k6's metric name rule (metrics/registry.go): 1-128 letters, digits and a few symbols. */
const METRIC_NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/**
 * Parse `name` or `name{key:value,…}`. A value is everything after its first
 * colon (so it may hold spaces and colons); surrounding quotes are dropped, as
 * k6 does. Pairs are separated by commas, so values cannot contain one.
 */
export function parseMetricKey(text: string): MetricKeyResult {
  const trimmed = text.trim();
  const open = trimmed.indexOf('{');
  const name = (open === -1 ? trimmed : trimmed.slice(0, open)).trim();
  if (open === -1 && trimmed.includes('}')) return { ok: false, error: `metric key has a "}" without a "{" (expected e.g. "llm_ttft{level:10}")` };
  if (!isValidMetricName(name)) {
    return { ok: false, error: `${JSON.stringify(name)} is not a valid metric name (expected e.g. "llm_ttft")` };
  }
  if (open === -1) return { ok: true, value: { name, filter: null, key: name } };
  if (!trimmed.endsWith('}')) return { ok: false, error: `metric key has no closing "}" (expected e.g. "llm_ttft{level:10}")` };
  const body = trimmed.slice(open + 1, -1);
  if (body.trim() === '') return { ok: false, error: `metric key has an empty tag filter {} (expected e.g. "llm_ttft{level:10}")` };
  const filter: Array<readonly [string, string]> = [];
  for (const part of body.split(',')) {
    const colon = part.indexOf(':');
    if (colon === -1) return { ok: false, error: `tag filter ${JSON.stringify(part.trim())} is not key:value (expected e.g. "llm_ttft{level:10}")` };
    const key = part.slice(0, colon).trim();
    const value = stripQuotes(part.slice(colon + 1).trim());
    if (key === '') return { ok: false, error: `tag filter ${JSON.stringify(part.trim())} has an empty tag name` };
    filter.push([key, value]);
  }
  const canonical = `${name}{${filter.map(([k, v]) => `${k}:${v}`).join(',')}}`;
  return { ok: true, value: { name, filter, key: canonical } };
}

function stripQuotes(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === '"' || value[start] === "'")) start++;
  while (end > start && (value[end - 1] === '"' || value[end - 1] === "'")) end--;
  return value.slice(start, end);
}

/** True when `tags` carry every pair of `filter`. */
export function matchesFilter(filter: TagFilter, tags: Tags): boolean {
  for (const [key, value] of filter) {
    if (!Object.hasOwn(tags, key) || tags[key] !== value) return false;
  }
  return true;
}

/**
 * A string identifying a tag set, for caching per distinct set. Keys are taken
 * in insertion order: the same tags in another order give another key, which
 * only costs a cache miss.
 */
export function tagSetKey(tags: Tags): string {
  let key = '';
  for (const name in tags) key += `${name}\u0001${tags[name]!}\u0002`;
  return key;
}
