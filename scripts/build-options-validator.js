// A step of `npm run build`, after tsc: writes the options validator ahead of time
// (dist/core/options/options-validator.js), so that no run compiles the options schema.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { optionsValidatorSource } from '../dist/core/options/validator-codegen.js';

const target = new URL('../dist/core/options/options-validator.js', import.meta.url);
writeFileSync(target, optionsValidatorSource());
console.log(`wrote ${fileURLToPath(target)}`);
