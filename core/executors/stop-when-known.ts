/**
 * The `stopWhenKnown` scenario option: end each level, rate or probe (or the
 * one phase of a constant-vus / constant-arrival-rate scenario) before its
 * duration once a latency percentile is known to a margin of error at a
 * confidence (core/metrics/known-figure.ts). The duration stays the most a
 * phase runs; a noisy phase runs all of it and its row says so.
 */
import type { KnownFigureRule } from '../metrics/known-figure.js';
import { KNOWN_METRICS } from '../metrics/known-figure.js';
import { countSchema, type JsonSchema } from '../options/schema-parts.js';
import type { StopWhenKnownOptions } from '../options/types.js';

export const STOP_WHEN_KNOWN_DEFAULTS = { percentile: 95, confidence: 0.95, minRequests: 0 } as const;

const shareSchema: JsonSchema = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, expected: 'a share between 0 and 1, like 0.05' };

export const stopWhenKnownSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['metric', 'margin'],
  properties: {
    metric: { type: 'string', enum: [...KNOWN_METRICS], expected: `one of ${KNOWN_METRICS.map((m) => `"${m}"`).join(', ')}` },
    percentile: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100, expected: 'a percentile between 0 and 100, like 95' },
    margin: shareSchema,
    confidence: shareSchema,
    minRequests: countSchema(0),
  },
  expected: "an object like { metric: 'ttft', percentile: 95, margin: 0.05 }",
};

/** The option's schema entry, for an executor's `properties`. */
export const stopWhenKnownProperty: Readonly<Record<string, JsonSchema>> = { stopWhenKnown: stopWhenKnownSchema };

/** The rule with its defaults, or undefined when the scenario has none. */
export function resolveStopWhenKnown(raw: StopWhenKnownOptions | undefined): KnownFigureRule | undefined {
  if (raw === undefined) return undefined;
  return {
    metric: raw.metric,
    percentile: raw.percentile ?? STOP_WHEN_KNOWN_DEFAULTS.percentile,
    margin: raw.margin,
    confidence: raw.confidence ?? STOP_WHEN_KNOWN_DEFAULTS.confidence,
    minRequests: raw.minRequests ?? STOP_WHEN_KNOWN_DEFAULTS.minRequests,
  };
}

/** `stopWhenKnown` as an optional field to spread into a phase plan. */
export function stopWhenKnownOf(rule: KnownFigureRule | undefined): { stopWhenKnown?: KnownFigureRule } {
  return rule === undefined ? {} : { stopWhenKnown: { ...rule } };
}
