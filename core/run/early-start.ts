/**
 * What `llmload run` starts before the run engine has loaded, so that it runs
 * beside that: the first worker thread (which boots Node and loads undici and
 * the client, core/run/worker-threads.ts) and the script's bundle (esbuild
 * works in its own process). Neither depends on the options; runTest takes
 * them over, and destroys or disposes of them on every path.
 */
import { bundleScript, type BundledScript } from '../bundle/bundle-script.js';
import { WorkerThreads, startsWorkerThreads } from './worker-threads.js';

export interface EarlyStart {
  /** Undefined for a coordinator, whose runners are processes. */
  threads: WorkerThreads | undefined;
  /** Rejects as bundleScript() does; runTest reports that as it did before. */
  bundle: Promise<BundledScript>;
}

export function startEarly(request: { scriptPath: string; instances?: number | undefined; coordinator?: unknown }): EarlyStart {
  const threads = startsWorkerThreads(request) ? WorkerThreads.start() : undefined;
  const bundle = bundleScript(request.scriptPath);
  // Awaited by runTest: until then, a failed build is not an unhandled rejection.
  bundle.catch(() => undefined);
  return { threads, bundle };
}

/** Stop what startEarly() started, for a run that never reached runTest. */
export async function abandonEarly(early: EarlyStart): Promise<void> {
  await Promise.all([early.threads?.destroy(), early.bundle.then((bundle) => bundle.dispose()).catch(() => undefined)]);
}
