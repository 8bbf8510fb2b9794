/**
 * Preloaded with `--import` (NODE_OPTIONS), it appends one line for every
 * worker thread the main thread starts to the file LLMLOAD_TEST_WORKER_LOG
 * names: for tests of how many threads a command starts. Node's Worker is
 * wrapped on its module object, where piscina looks it up for each thread.
 */
import { appendFileSync } from 'node:fs';
import workerThreads, { isMainThread } from 'node:worker_threads';

const log = process.env['LLMLOAD_TEST_WORKER_LOG'];
if (isMainThread && log) {
  const file = log;
  const Original = workerThreads.Worker;
  workerThreads.Worker = class extends Original {
    constructor(filename: string | URL, options?: ConstructorParameters<typeof Original>[1]) {
      appendFileSync(file, `${String(filename)}\n`);
      super(filename, options);
    }
  };
}
