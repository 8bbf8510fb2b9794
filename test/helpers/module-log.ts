/**
 * Preloaded with `--import` (NODE_OPTIONS), it appends the URL of every
 * module the main thread loads to the file LLMLOAD_TEST_MODULE_LOG names:
 * for tests of what a command loads.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.env['LLMLOAD_TEST_MODULE_LOG']) register('./module-log-hooks.js', import.meta.url);
