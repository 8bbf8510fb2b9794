// ESLint (flat config) with typescript-eslint's type-aware rules: `npm run lint`, also run by `npm test`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.cache/',
      'llmload-results/',
      '.llmload/',
      'shared/',
      // Scenario scripts that tests bundle and run as a user would: outside every tsconfig (so without type
      // information), and one of them is a syntax error on purpose.
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the nearest tsconfig.json: the root one, or examples/tsconfig.json.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process) and its ordering.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected (an event handler, forEach) drops its rejection the same way.
      '@typescript-eslint/no-misused-promises': 'error',
      // The `_name` convention tsc's noUnusedParameters already honours: a deliberately unused parameter, or a
      // property pulled out of a rest destructuring so that the rest leaves it out.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `let x: T | undefined` read (with `x?.`) by a callback declared before x is assigned is deliberate: a
      // `const` declared later would throw in that callback if it ran first.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read fields of JSON.parse'd responses (typed any) and let the assertions check their shape; a
    // declared type for every response body would say no more than the assertions do.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The engine never imports the public scripting surface: dsl/ depends on core/, not the other way round.
    files: ['core/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)dsl(/|$)',
              message: 'core/ and bin/ never import dsl/: dsl is the public surface built on core, not the other way round.',
            },
            {
              regex: '^llmload$',
              message: "core/ and bin/ never import dsl/ (the package's own name 'llmload' resolves to dsl/index).",
            },
          ],
        },
      ],
      // no-restricted-imports does not see import(): the same boundary for dynamic imports.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/(^|[^\\w-])dsl([^\\w-]|$)|^llmload$/]',
          message: 'core/ and bin/ never import dsl/, not even with import().',
        },
      ],
    },
  },
  {
    // dsl/ reaches the engine only through types; at run time it gets the current VU from the worker.
    files: ['dsl/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)core(/|$)',
              allowTypeImports: true,
              message: 'dsl/ imports core/ with `import type` only; the worker hands it what it needs at run time.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (this file, the bin shim, the test runner) is in no tsconfig: lint it without types.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
