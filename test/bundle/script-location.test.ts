import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleScript } from '../../core/bundle/bundle-script.js';
import { ScriptLocator } from '../../core/bundle/script-location.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

test('a stack frame inside the bundle maps back to the script file, line and column through the inline source map', async () => {
  const bundle = await bundleScript(fixture('stack-probe.ts'));
  try {
    const mod = (await import(bundle.bundleUrl)) as { probe: () => string };
    const stack = mod.probe();
    assert.match(stack, /script\.mjs:\d+:\d+/);
    const line =
      readFileSync(fixture('stack-probe.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('// probe line')) + 1;
    const locator = new ScriptLocator(bundle.bundleUrl);
    assert.is(locator.locate(stack), `${relative(process.cwd(), fixture('stack-probe.ts'))}:${line}:10`);
    assert.is(locator.locate('Error: x\n    at f (file:///elsewhere/other.mjs:1:1)'), undefined);
    assert.is(locator.locate(undefined), undefined);
  } finally {
    await bundle.dispose();
  }
});

test.run();
