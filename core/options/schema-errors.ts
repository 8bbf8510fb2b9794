/**
 * ajv errors → one line per problem: `<option path>: <what is wrong>, got <value>`.
 * The path is the ajv instancePath in JS notation under the source name
 * (`options.scenarios.ramp.stages[1].duration`). Needs ajv's `verbose` mode,
 * which attaches the failing data and schema to each error.
 */
import type { ErrorObject } from 'ajv';
import { EXECUTOR_NAMES, EXECUTORS, UPCOMING_EXECUTORS } from '../executors/registry.js';
import { describeValue } from './describe.js';
import { durationProblem } from './duration.js';
import { pointerToPath, propertyPath } from './option-path.js';
import { DURATION_FORMAT, type JsonSchema } from './schema-parts.js';
import { didYouMean } from './suggest.js';

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** One message for an ajv error, or null for errors another error already explains. */
export function formatSchemaError(error: ErrorObject, root: unknown, source: string): string | null {
  const at = pointerToPath(source, error.instancePath, root);
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const params = error.params as Record<string, unknown>;
  const expected = schema.expected ?? typeWords(schema.type);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      return `${propertyPath(at, key)}: ${unknownKey(key, schema)}`;
    }
    case 'required': {
      const key = String(params['missingProperty']);
      const choices = key === 'executor' ? ` (one of ${EXECUTOR_NAMES.join(', ')})` : '';
      return `${propertyPath(at, key)}: is required${choices}`;
    }
    case 'type':
      return `${at}: expected ${expected}, got ${describeValue(error.data)}`;
    case 'format':
      if (params['format'] === DURATION_FORMAT) return `${at}: ${durationProblem(error.data)}`;
      return `${at}: ${describeValue(error.data)} does not match format ${String(params['format'])}`;
    case 'minimum':
    case 'exclusiveMinimum':
      if (schema.format === DURATION_FORMAT) return `${at}: ${durationProblem(error.data)}`;
      return `${at}: expected ${expected}, got ${describeValue(error.data)}`;
    case 'enum':
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'minLength':
      return `${at}: expected ${expected}, got ${describeValue(error.data)}`;
    case 'uniqueItems': {
      const [first, second] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b);
      const items = Array.isArray(error.data) ? (error.data as unknown[]) : [];
      return `${at}: ${JSON.stringify(items[first ?? 0])} is listed twice (at [${first}] and [${second}])`;
    }
    case 'discriminator':
      // A missing or non-string executor is already reported by `required` / `type`.
      if (params['error'] !== 'mapping') return null;
      return `${propertyPath(at, 'executor')}: ${unknownExecutor(String(params['tagValue']))}`;
    case 'if':
      // "must match then schema": the errors inside `then` say what is wrong.
      return null;
    default:
      return `${at}: ${error.message ?? `fails ${error.keyword}`}`;
  }
}

/** "unknown option", with the closest known key or the executors the key belongs to. */
function unknownKey(key: string, schema: JsonSchema): string {
  const known = Object.keys(schema.properties ?? {});
  const suggestion = didYouMean(key, known);
  if (suggestion !== undefined) return `unknown option (did you mean "${suggestion}"?)`;
  const executor = schema.properties?.['executor']?.const;
  if (typeof executor === 'string') {
    const owners = Object.values(EXECUTORS)
      .filter((module) => Object.hasOwn(module.properties, key))
      .map((module) => module.name);
    if (owners.length > 0) return `unknown option for executor "${executor}" (${key} belongs to ${owners.join(', ')})`;
  }
  return 'unknown option';
}

/** Message for an executor name that does not run (yet). */
export function unknownExecutor(name: string): string {
  const valid = `valid: ${EXECUTOR_NAMES.join(', ')}`;
  if (UPCOMING_EXECUTORS.includes(name)) return `executor "${name}" is not supported yet (${valid})`;
  const suggestion = didYouMean(name, [...EXECUTOR_NAMES, ...UPCOMING_EXECUTORS]);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return `unknown executor "${name}"${hint}; ${valid}`;
}

function typeWords(type: JsonSchema['type']): string {
  const types = type === undefined ? [] : typeof type === 'string' ? [type] : type;
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ') || 'a valid value';
}
