/**
 * Preloaded with `--import` after module-log.ts, it writes, when the main
 * thread exits, the URLs among those logged whose source maps Node read
 * (one a line) to the file LLMLOAD_TEST_SOURCE_MAP_LOG names: for tests of
 * which modules a command loads with their maps.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const modules = process.env['LLMLOAD_TEST_MODULE_LOG'];
const out = process.env['LLMLOAD_TEST_SOURCE_MAP_LOG'];
if (isMainThread && modules && out) {
  process.on('exit', () => {
    const urls = new Set(readFileSync(modules, 'utf8').trim().split('\n'));
    const mapped = [...urls].filter((url) => url.startsWith('file:') && findSourceMap(url) !== undefined);
    appendFileSync(out, mapped.map((url) => `${url}\n`).join(''));
  });
}
