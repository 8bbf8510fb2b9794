/**
 * The JSON schema of `export const options` (draft-07); `npm run build` compiles
 * it into the options validator ahead of time (./validator-codegen.ts). It is
 * the authority on the options' shape; ./types.ts mirrors it for script
 * authors. Every object rejects unknown keys (except
 * `simulator.config`, which the simulator checks itself). Scenarios are picked
 * by their `executor` (ajv's discriminator), each executor contributing the
 * schema of its own fields from core/executors/registry.ts.
 *
 * What a schema can't say (a duration of 0 where time must pass, the shortcut
 * conflicts, iterations vs VUs…) is checked in ./validate.ts.
 */
import { EXECUTORS } from '../executors/registry.js';
import {
  booleanSchema,
  countSchema,
  durationSchema,
  type JsonSchema,
  nonEmptyStringSchema,
  scenarioBaseProperties,
  stagesSchema,
  stringMapSchema,
  stringSchema,
} from './schema-parts.js';
import { telemetrySchema } from './telemetry-options.js';

/** How an inconclusive threshold counts: 'fail' (the default) or 'pass'. */
const inconclusiveSchema: JsonSchema = { type: 'string', enum: ['pass', 'fail'], expected: '"pass" or "fail"' };

/** The object form of a threshold: { threshold, abortOnFail, delayAbortEval, inconclusive }. */
const thresholdObjectSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['threshold'],
  properties: {
    threshold: { type: 'string', minLength: 1, expected: 'a threshold expression like "p(95)<500"' },
    abortOnFail: booleanSchema,
    delayAbortEval: durationSchema,
    inconclusive: inconclusiveSchema,
  },
};

/** A threshold: an expression string, or the object form. The grammar is checked by core/thresholds. */
const thresholdSchema: JsonSchema = {
  type: ['string', 'object'],
  expected: 'a threshold like "p(95)<500" or { threshold: "p(95)<500", abortOnFail: true }',
  if: { type: 'object' },
  then: thresholdObjectSchema,
};

/** One scenario: `executor` picks the branch, each branch lists every key it accepts. */
function scenarioSchema(): JsonSchema {
  return {
    type: 'object',
    expected: 'a scenario like { executor: "constant-vus", vus: 10, duration: "30s" }',
    required: ['executor'],
    properties: { executor: { type: 'string', expected: 'the name of an executor' } },
    discriminator: { propertyName: 'executor' },
    oneOf: Object.values(EXECUTORS).map((executor): JsonSchema => ({
      type: 'object',
      additionalProperties: false,
      required: ['executor', ...executor.required],
      properties: { executor: { const: executor.name }, ...scenarioBaseProperties, ...executor.properties },
    })),
  };
}

/** The whole options schema. */
export function buildOptionsSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://llmload.dev/schemas/options.json',
    type: 'object',
    expected: 'an object',
    additionalProperties: false,
    properties: {
      target: {
        type: 'object',
        expected: 'an object like { url: "http://127.0.0.1:8000", model: "my-model" }',
        additionalProperties: false,
        properties: {
          url: stringSchema,
          model: nonEmptyStringSchema,
          apiKeyEnv: { ...nonEmptyStringSchema, expected: 'the name of an environment variable' },
          headers: stringMapSchema,
        },
      },
      request: {
        type: 'object',
        expected: 'an object like { timeout: "10m", stallTimeout: "60s" }',
        additionalProperties: false,
        properties: { timeout: durationSchema, stallTimeout: durationSchema, stream: booleanSchema },
      },
      simulator: {
        type: 'object',
        expected: 'an object like { preset: "fast" }',
        additionalProperties: false,
        properties: {
          preset: nonEmptyStringSchema,
          timeScale: { type: 'number', exclusiveMinimum: 0, expected: 'a number > 0' },
          config: { type: 'object', expected: 'an object of simulator settings' },
        },
      },
      vus: countSchema(0),
      duration: durationSchema,
      iterations: countSchema(1),
      stages: stagesSchema,
      scenarios: {
        type: 'object',
        expected: 'an object of named scenarios, like { sweep: { executor: "concurrency-sweep", … } }',
        additionalProperties: scenarioSchema(),
      },
      thresholds: {
        type: 'object',
        expected: 'an object of metric → thresholds, like { llm_ttft: ["p(95)<500"] }',
        additionalProperties: { type: 'array', items: thresholdSchema, expected: 'a list of thresholds like ["p(95)<500"]' },
      },
      noThresholds: booleanSchema,
      inconclusive: inconclusiveSchema,
      tags: stringMapSchema,
      environment: {
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean'], expected: 'a string, number or boolean' },
        expected: 'an object of declared facts, like { gpu: "4× RTX 2080 Ti", tp: 4 }',
      },
      summaryTrendStats: { type: 'array', items: stringSchema, expected: 'a list like ["avg", "p(95)"]' },
      setupTimeout: durationSchema,
      teardownTimeout: durationSchema,
      workers: countSchema(1),
      slo: {
        type: 'object',
        expected: 'an object like { ttft: 500, tpot: 50, e2e: 10000 } (ms)',
        additionalProperties: false,
        properties: { ttft: durationSchema, tpot: durationSchema, e2e: durationSchema, fromSchedule: booleanSchema },
      },
      tokenizer: { ...nonEmptyStringSchema, expected: 'the path of a tokenizer.json' },
      datasets: {
        type: 'object',
        expected: 'an object of named datasets, like { prompts: { synthetic: "D(100,100)" } }',
        additionalProperties: datasetSchema,
      },
      telemetry: telemetrySchema,
    },
  };
}

/** One dataset: a file or a synthetic distribution (checked further in ./validate.ts). */
const datasetSchema: JsonSchema = {
  type: 'object',
  expected: 'a dataset like { file: "prompts.jsonl" } or { synthetic: "N(480,240)/(300,150)" }',
  additionalProperties: false,
  properties: {
    file: nonEmptyStringSchema,
    format: { type: 'string', enum: ['jsonl', 'json', 'sharegpt', 'csv'], expected: 'one of "jsonl", "json", "sharegpt", "csv"' },
    promptField: nonEmptyStringSchema,
    outputTokensField: nonEmptyStringSchema,
    synthetic: { ...nonEmptyStringSchema, expected: 'a token-length distribution like "N(480,240)/(300,150)"' },
    sharedPrefix: {
      type: ['integer', 'object'],
      expected: 'a number of tokens, or { tokens, fraction }',
      if: { type: 'object' },
      then: {
        type: 'object',
        additionalProperties: false,
        required: ['tokens'],
        properties: {
          tokens: countSchema(1),
          fraction: { type: 'number', minimum: 0, maximum: 1, expected: 'a share of prompts from 0 to 1' },
        },
      },
    },
    sampling: { type: 'string', enum: ['sequential', 'random', 'per-vu'], expected: 'one of "sequential", "random", "per-vu"' },
    seed: { type: 'integer', minimum: 0, expected: 'a whole number ≥ 0' },
    outputTokens: countSchema(1),
  },
};
