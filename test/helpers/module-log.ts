/**
 * Preloaded with `--import` (NODE_OPTIONS), it appends the URL of every
 * module the main thread loads to the file LLMLOAD_TEST_MODULE_LOG names:
 * for tests of what a command loads. Each call of the global fetch() is
 * logged there too, as `fetch <url>`.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const log = process.env['LLMLOAD_TEST_MODULE_LOG'];
if (isMainThread && log) {
  register('./module-log-hooks.js', import.meta.url);
  const fetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    appendFileSync(log, `fetch ${input instanceof Request ? input.url : String(input)}\n`);
    return fetch(input, init);
  };
}
