/**
 * Decides what the test talks to: the URL from flags or options, or, when
 * there is none, a built-in simulator started for this run on its own thread
 * (so it does not share the controller's event loop). Also resolves the API
 * key from the environment; the key stays in memory and is never printed.
 */
import { startSimulatorThread } from '../sim/index.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { stripCredentials } from '../outputs/redact.js';
import type { ResolvedOptions } from '../options/index.js';
import type { WorkerTarget } from '../workers/messages.js';

export interface ResolvedTarget {
  /** The base URL without credentials, for output. */
  displayUrl: string;
  model: string | undefined;
  apiKey: string | undefined;
  /** Set when llmload started a simulator for this run. */
  simulator: { preset: string; timeScale: number } | undefined;
  worker: WorkerTarget;
  close(): Promise<void>;
}

export async function resolveTarget(options: ResolvedOptions, env: NodeJS.ProcessEnv): Promise<ResolvedTarget> {
  const apiKeyEnv = options.target.apiKeyEnv;
  const apiKey = apiKeyEnv === undefined ? undefined : nonEmpty(env[apiKeyEnv]);
  let baseUrl = options.target.url;
  let simulator: ResolvedTarget['simulator'];
  let close = async (): Promise<void> => {};
  if (baseUrl === undefined) {
    const preset = options.simulator.preset;
    const timeScale = options.simulator.timeScale;
    const simOptions: Parameters<typeof startSimulatorThread>[0] = { preset, timeScale, port: 0, host: '127.0.0.1' };
    if (options.target.model !== undefined) simOptions.model = options.target.model;
    if (options.simulator.config !== undefined) simOptions.config = options.simulator.config as never;
    const sim = await startSimulatorThread(simOptions);
    baseUrl = sim.url;
    simulator = { preset, timeScale };
    close = () => sim.close();
  } else {
    checkUrl(baseUrl);
  }
  const worker: WorkerTarget = {
    baseUrl,
    headers: { ...options.target.headers },
    timeoutMs: options.request.timeoutMs,
    stallTimeoutMs: options.request.stallTimeoutMs,
    stream: options.request.stream,
  };
  if (options.target.model !== undefined) worker.model = options.target.model;
  if (apiKey !== undefined) worker.apiKey = apiKey;
  return { displayUrl: stripCredentials(baseUrl), model: options.target.model, apiKey, simulator, worker, close };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The target must be an http(s) URL. */
function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `options.target.url: "${stripCredentials(url)}" is not a URL (expected e.g. "http://127.0.0.1:8000")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `options.target.url: "${stripCredentials(url)}" must start with http:// or https://`);
  }
}
