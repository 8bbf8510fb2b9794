/**
 * Building blocks of the options JSON schema, shared by ./schema.ts and the
 * executors (each executor declares the schema of its own fields).
 *
 * `expected` is llmload's annotation keyword (registered with ajv as a no-op):
 * it says, in words, what a value must be, and ./schema-errors.ts prints it in
 * "expected …, got …" messages instead of ajv's "must be integer".
 */

/** The subset of JSON Schema (draft-07) the options schema uses. */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  type?: string | readonly string[];
  properties?: Readonly<Record<string, JsonSchema>>;
  additionalProperties?: boolean | JsonSchema;
  required?: readonly string[];
  items?: JsonSchema;
  minItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: readonly unknown[];
  anyOf?: readonly JsonSchema[];
  minLength?: number;
  format?: string;
  const?: unknown;
  oneOf?: readonly JsonSchema[];
  $ref?: string;
  definitions?: Readonly<Record<string, JsonSchema>>;
  discriminator?: { propertyName: string };
  if?: JsonSchema;
  then?: JsonSchema;
  /** llmload annotation: what the value must be, in words ("a whole number ≥ 1"). */
  expected?: string;
  description?: string;
}

/** The ajv format name of k6 durations (checked by ./duration.ts). */
export const DURATION_FORMAT = 'duration';

/** A k6 duration: a string like '30s' or a number of milliseconds ≥ 0. */
export const durationSchema: JsonSchema = {
  type: ['string', 'number'],
  format: DURATION_FORMAT,
  minimum: 0,
  expected: 'a duration like "30s" or a number of milliseconds',
};

/** A whole number ≥ `min` (VUs, iterations, levels). */
export function countSchema(min: number): JsonSchema {
  return { type: 'integer', minimum: min, expected: `a whole number ≥ ${min}` };
}

export const stringSchema: JsonSchema = { type: 'string', expected: 'a string' };
export const nonEmptyStringSchema: JsonSchema = { type: 'string', minLength: 1, expected: 'a non-empty string' };
export const booleanSchema: JsonSchema = { type: 'boolean', expected: 'true or false' };

/** An object of string values (tags, env, headers). */
export const stringMapSchema: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'string', expected: 'a string' },
  expected: 'an object of strings, like { name: "value" }',
};

/** A k6 stage: { duration, target }. */
export const stageSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['duration', 'target'],
  properties: { duration: durationSchema, target: countSchema(0) },
  expected: 'a stage like { duration: "30s", target: 10 }',
};

export const stagesSchema: JsonSchema = {
  type: 'array',
  items: stageSchema,
  expected: 'a list of stages like [{ duration: "30s", target: 10 }]',
};

/** Fields every scenario accepts, whatever its executor (k6's BaseConfig, plus tags). */
export const scenarioBaseProperties: Readonly<Record<string, JsonSchema>> = {
  startTime: durationSchema,
  gracefulStop: durationSchema,
  exec: { type: 'string', minLength: 1, expected: 'the name of an exported function' },
  tags: stringMapSchema,
  env: stringMapSchema,
  warmup: durationSchema,
  warmupIterations: countSchema(0),
  cooldown: durationSchema,
};
