/**
 * Entry of a piscina worker thread. One task per thread, for the whole test:
 * import the bundled script, build the HTTP client, warm its connections,
 * then host VUs until the controller sends SHUTDOWN.
 *
 * The thread loads this module, and with it undici and the client, when it
 * starts (core/run/worker-threads.ts), before the run has a task for it: the
 * heavy imports stay static and top-level for that reason.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { ScriptLocator } from '../bundle/script-location.js';
import { LlmClient } from '../client/index.js';
import { toErrorRecord } from '../errors.js';
import { importModule } from '../loading/import-module.js';
import type { ControllerMsg, WorkerMsg, WorkerTask, WorkerTaskResult } from './messages.js';
import { ThreadRuntime } from './script-runtime.js';
import { WorkerHost } from './worker-host.js';

export default async function runWorker(task: WorkerTask): Promise<WorkerTaskResult> {
  const port = task.port;
  adoptProcessEnv(task.processEnv);
  const post = (msg: WorkerMsg): void => port.postMessage(msg);
  const runtime = new ThreadRuntime(
    (sample) => host?.sample(sample),
    (reason) => post({ cmd: 'ABORT_TEST', reason }),
  );
  runtime.datasetContext.scriptDir = task.scriptDir;
  runtime.datasetContext.sequence = task.datasetSequence;
  runtime.install();
  installScriptConsole(post);
  let host: WorkerHost | undefined;
  const pending: ControllerMsg[] = [];
  port.on('message', (msg: ControllerMsg) => (host ? host.handle(msg) : pending.push(msg)));
  let client: LlmClient | undefined;
  try {
    const module = await importModule(task.bundleUrl);
    const clientConfig: ConstructorParameters<typeof LlmClient>[0] = {
      baseUrl: task.target.baseUrl,
      headers: task.target.headers,
      timeoutMs: task.target.timeoutMs,
      stallTimeoutMs: task.target.stallTimeoutMs,
      connections: Math.max(1, task.maxVus),
      stream: task.target.stream,
      timeScale: task.target.timeScale ?? 1,
    };
    if (task.target.model !== undefined) clientConfig.model = task.target.model;
    if (task.target.apiKey !== undefined) clientConfig.apiKey = task.target.apiKey;
    const llm = new LlmClient(clientConfig);
    client = llm;
    const connectMs = task.warmVus > 0 ? await llm.warmUp(Math.min(task.warmVus, task.maxVus)) : [];
    host = new WorkerHost({
      post,
      module,
      client: llm,
      runtime,
      workerIndex: task.workerIndex,
      workerCount: task.workerCount,
      setupData: task.setupData,
      env: task.env,
      flushIntervalMs: task.flushIntervalMs,
      takeTokens: () => llm.takeTokens(),
      locator: new ScriptLocator(task.bundleUrl),
      scriptContext: task.scriptContext,
      timeScale: task.target.timeScale ?? 1,
      instance: task.instance,
    });
    const shutdown = host.untilShutdown();
    post({ cmd: 'READY', workerIndex: task.workerIndex, connectMs });
    for (const msg of pending.splice(0)) host.handle(msg);
    await shutdown;
    return { workerIndex: task.workerIndex, iterations: host.iterations };
  } catch (error) {
    post({ cmd: 'ERROR', workerIndex: task.workerIndex, error: toErrorRecord(error) });
    return { workerIndex: task.workerIndex, iterations: host?.iterations ?? 0 };
  } finally {
    port.removeAllListeners('message');
    port.close();
    await client?.close();
  }
}

/** Make this thread's process.env the controller's: the script reads it (k6's __ENV, -e values) from its first line. */
function adoptProcessEnv(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}

/**
 * The script's console.* in VU code: each write goes to the controller as a LOG
 * message, printed on stderr (stdout carries only the summary) after the
 * progress line is cleared and secrets are redacted.
 */
function installScriptConsole(post: (msg: WorkerMsg) => void): void {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = chunk.toString();
      post({ cmd: 'LOG', level: 'console', message: text.endsWith('\n') ? text.slice(0, -1) : text });
      callback();
    },
  });
  globalThis.console = new Console({ stdout: sink, stderr: sink });
}
