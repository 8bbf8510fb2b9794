import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { bundleScript } from '../../core/bundle/bundle-script.js';
import { usesScriptContext } from '../../core/bundle/script-context-use.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const URL_ = 'file:///pkg/dist/dsl/index.js';
const from = (clause: string): string => `import ${clause} from "${URL_}";\nconsole.log(1);\n`;

test('context-dependent dsl imports turn the iteration context on', () => {
  for (const name of ['check', 'group', 'sleep', 'Counter', 'Gauge', 'Rate', 'Trend']) {
    assert.ok(usesScriptContext(from(`{ ${name} }`), URL_), name);
  }
  assert.ok(usesScriptContext(from('{ dataset, check as check2 }'), URL_), 'an aliased check');
  assert.ok(usesScriptContext(from('* as llmload'), URL_), 'a namespace import may use any of them');
  assert.ok(usesScriptContext(`const m = await import("${URL_}");`, URL_), 'a dynamic import');
});

test('no runtime import, or only context-free ones, keeps it off', () => {
  assert.not.ok(usesScriptContext('export default async function (vu) { await vu.chat({}); }\n', URL_));
  assert.not.ok(usesScriptContext(from('{ dataset, abortTest }'), URL_));
  assert.not.ok(usesScriptContext(`import "${URL_}";\n`, URL_), 'a side-effect import');
  assert.not.ok(usesScriptContext(from('{ check }'), 'file:///other/dsl/index.js'), 'another module');
});

test('bundles say whether they need it: a vu.*-only script does not, a script importing check does', async () => {
  const plain = await bundleScript(fixture('stub-accuracy.ts'));
  const withCheck = await bundleScript(fixture('local-import.ts'));
  try {
    assert.is(plain.usesScriptContext, false);
    assert.is(withCheck.usesScriptContext, true);
  } finally {
    await plain.dispose();
    await withCheck.dispose();
  }
});

test.run();
