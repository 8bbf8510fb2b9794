/**
 * The string formats the options schema uses, in ajv's format shape. One
 * object serves both the ajv instance that compiles the schema and the
 * pre-built validator, whose generated code imports it from here.
 */
import type { FormatDefinition } from 'ajv';
import { tryParseDuration } from './duration.js';
import { DURATION_FORMAT } from './schema-parts.js';

export const optionFormats: Readonly<Record<typeof DURATION_FORMAT, FormatDefinition<string>>> = {
  [DURATION_FORMAT]: { type: 'string', validate: (value: string) => tryParseDuration(value) !== undefined },
};
