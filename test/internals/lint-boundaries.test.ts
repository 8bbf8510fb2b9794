// The import boundaries (core and bin never import dsl; dsl imports core for types only) and the promise rules
// are lint rules in eslint.config.js. These tests read that file, so removing or loosening a rule fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// The repository's own config, without type information: these rules read the syntax only, and a
// type-checked program of the whole project would only make the test slow.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** `rule: message` of every problem ESLint reports for `code` as if it were the file at `path`. */
async function problems(code: string, path: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  assert.ok(result !== undefined, `no lint result for ${path}`);
  return result.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

function assertBoundary(found: string[], rule: string, where: string): void {
  assert.is(found.length, 1, `${where}: ${found.join('; ') || 'no problem reported'}`);
  assert.ok(found[0]?.startsWith(`${rule}: `), `${where}: ${found[0]}`);
  assert.ok(found[0]?.includes('never import dsl/'), `${where}: the message names the rule: ${found[0]}`);
}

test('core/ importing dsl/ is a lint error', async () => {
  const found = await problems("import { check } from '../../dsl/index.js';\nexport const c = check;\n", 'core/run/boundary-probe.ts');
  assertBoundary(found, 'no-restricted-imports', 'core/run');
});

test('core/ importing dsl/ for types only, re-exporting it, or through the package name is a lint error too', async () => {
  assertBoundary(await problems("import type { VU } from '../dsl/index.js';\nexport type V = VU;\n", 'core/boundary-probe.ts'), 'no-restricted-imports', 'import type');
  assertBoundary(await problems("export { check } from '../../dsl/index.js';\n", 'core/metrics/boundary-probe.ts'), 'no-restricted-imports', 'export from');
  assertBoundary(await problems("import { check } from 'llmload';\nexport const c = check;\n", 'core/run/boundary-probe.ts'), 'no-restricted-imports', "'llmload'");
  assertBoundary(await problems("export const load = () => import('../../dsl/index.js');\n", 'core/run/boundary-probe.ts'), 'no-restricted-syntax', 'import()');
});

test('bin/ importing dsl/ is a lint error', async () => {
  assertBoundary(
    await problems("import { check } from '../../dsl/index.js';\nexport const c = check;\n", 'bin/commands/boundary-probe.ts'),
    'no-restricted-imports',
    'bin/commands',
  );
});

test('core/ importing core/ is clean, and so is a module that merely names a dsl-like word', async () => {
  assert.equal(await problems("import { ErrorCode } from '../errors.js';\nexport const code = ErrorCode.INVALID_OPTIONS;\n", 'core/run/boundary-probe.ts'), []);
  assert.equal(await problems("import { check } from './dsl-like.js';\nexport const c = check;\n", 'core/run/boundary-probe.ts'), []);
});

test('dsl/ imports core/ with `import type` only', async () => {
  assert.equal(await problems("import type { VU } from '../core/workers/vu-api.js';\nexport type V = VU;\n", 'dsl/boundary-probe.ts'), []);
  const found = await problems("import { ErrorCode } from '../core/errors.js';\nexport const code = ErrorCode.INVALID_OPTIONS;\n", 'dsl/boundary-probe.ts');
  assert.is(found.length, 1, found.join('; ') || 'no problem reported');
  assert.ok(found[0]?.startsWith('no-restricted-imports: '), found[0]);
  assert.ok(found[0]?.includes('import type'), found[0]);
});

test('unhandled promises are lint errors everywhere, with type information', async () => {
  const full = new ESLint({ cwd: root });
  for (const path of ['core/run/run-test.ts', 'bin/cli.ts', 'dsl/index.ts', 'test/internals/errors.test.ts', 'examples/quickstart.ts']) {
    const config = (await full.calculateConfigForFile(join(root, path))) as { rules: Record<string, unknown[]>; languageOptions: { parserOptions: Record<string, unknown> } };
    for (const rule of ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises']) {
      assert.is(config.rules[rule]?.[0], 2, `${rule} is an error for ${path}`);
    }
    assert.is(config.languageOptions.parserOptions['projectService'], true, `${path} is linted with type information`);
  }
});

test.run();
