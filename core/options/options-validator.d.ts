/**
 * The options validator that `npm run build` generates from ./schema.ts
 * (./validator-codegen.ts, written to dist/core/options/options-validator.js):
 * ajv's standalone code, compiled with every error and verbose errors on.
 */
import type { ValidateFunction } from 'ajv';

export declare const validate: ValidateFunction;
export default validate;
