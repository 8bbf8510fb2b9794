/**
 * Preloaded with `--import` (NODE_OPTIONS), it appends the URL of every
 * module the main thread loads to the file LLMLOAD_TEST_MODULE_LOG names:
 * for tests of what a command loads. Each call of the global fetch() is
 * logged there too, as `fetch <url>`, and at exit every CommonJS file the
 * thread required (which the hooks do not see), as `require <url>`, and
 * every module of Node's own it loaded, as `builtin <name>`.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const log = process.env['LLMLOAD_TEST_MODULE_LOG'];
if (isMainThread && log) {
  register('./module-log-hooks.js', import.meta.url);
  const fetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    appendFileSync(log, `fetch ${input instanceof Request ? input.url : String(input)}\n`);
    return fetch(input, init);
  };
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const lines = Object.keys(cache).map((path) => `require ${pathToFileURL(path).href}\n`);
    for (const entry of (process as unknown as { moduleLoadList: string[] }).moduleLoadList) {
      if (entry.startsWith('NativeModule ')) lines.push(`builtin ${entry.slice('NativeModule '.length)}\n`);
    }
    appendFileSync(log, lines.join(''));
  });
}
