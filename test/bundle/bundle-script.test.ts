import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleScript } from '../../core/bundle/bundle-script.js';
import { isLlmloadError } from '../../core/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

test('bundles TypeScript with local imports and resolves llmload to this package', async () => {
  const bundle = await bundleScript(fixture('local-import.ts'));
  try {
    const mod = (await import(bundle.bundleUrl)) as Record<string, unknown>;
    assert.is(mod['prompt'], 'from a local module');
    assert.is(mod['hasCheck'], true);
    assert.equal(mod['options'], { vus: 1, iterations: 1 });
  } finally {
    await bundle.dispose();
  }
});

/** Names of this process's child processes, from /proc (Linux). */
function childNames(): string[] {
  const names: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      if (Number(ppid) === process.pid && state !== 'Z') names.push(stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // The process ended while the list was read.
    }
  }
  return names;
}

/** The esbuild processes still running after up to 5 s: a killed child takes a moment to exit. */
async function esbuildChildren(): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const left = childNames().filter((name) => name.includes('esbuild'));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('no esbuild process is left running once the scripts are bundled, and a later bundle still builds', async () => {
  const [a, b] = await Promise.all([bundleScript(fixture('local-import.ts')), bundleScript(fixture('local-import.ts'))]);
  assert.equal(await esbuildChildren(), []);
  await Promise.all([a.dispose(), b.dispose()]);
  const again = await bundleScript(fixture('local-import.ts'));
  try {
    assert.ok(((await import(again.bundleUrl)) as Record<string, unknown>)['hasCheck']);
    assert.equal(await esbuildChildren(), []);
  } finally {
    await again.dispose();
  }
});

test('a syntax error is LL_ERR_SCRIPT_BUILD with file:line:column and the source line', async () => {
  try {
    await bundleScript(fixture('syntax-error.ts'));
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_SCRIPT_BUILD');
    assert.is(error.exitCode, 107);
    assert.match(error.message, /syntax-error\.ts:4:13: Unexpected ";"/);
    assert.is(error.location?.line, 4);
    assert.is(error.location?.column, 13);
    assert.is(error.location?.lineText, '  const x = ;');
    assert.match(error.details[0] ?? '', /\n {4}\s+\^/);
  }
});

test('a missing script names the path', async () => {
  try {
    await bundleScript('does/not/exist.ts');
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_SCRIPT_BUILD');
    assert.is(error.message, 'script not found: does/not/exist.ts');
  }
});

test.run();
