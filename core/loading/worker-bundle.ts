/**
 * What a worker thread of the bundled command starts (core/run/worker-threads.ts):
 * the bundled worker entry (dist/bundled/worker-entry.cjs), loaded from its
 * code cache. The thread writes that cache after its task, when it compiled
 * without a usable one, so the whole streaming path is in it.
 */
import type { WorkerTask, WorkerTaskResult } from '../workers/messages.js';
import { loadBundle } from './load-bundle.js';

const bundle = loadBundle(new URL('../../bundled/worker-entry.cjs', import.meta.url));
const runWorker = bundle.exports['default'] as (task: WorkerTask) => Promise<WorkerTaskResult>;

export default async function runBundledWorker(task: WorkerTask): Promise<WorkerTaskResult> {
  try {
    return await runWorker(task);
  } finally {
    bundle.saveCodeCache();
  }
}
