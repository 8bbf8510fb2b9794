/**
 * Decides what the test talks to: the URL from flags or options, or, when
 * there is none, a built-in simulator started for this run on its own thread
 * (so it does not share the controller's event loop). Also resolves the API
 * key from the environment; the key stays in memory and is never printed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { SimulatorOptions } from '../sim/index.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { httpsRequest } from '../loading/lazy-https.js';
import { stripCredentials } from '../outputs/redact.js';
import type { ResolvedOptions } from '../options/index.js';
import type { WorkerTarget } from '../workers/messages.js';
import { scheduleScale } from '../executors/time-scale.js';

export interface ResolvedTarget {
  /** The base URL without credentials, for output. */
  displayUrl: string;
  model: string | undefined;
  apiKey: string | undefined;
  /** Models the server lists on /v1/models (empty when it has no such endpoint). */
  serverModels: string[];
  /** Set when llmload started a simulator for this run. */
  simulator: { preset: string; timeScale: number } | undefined;
  worker: WorkerTarget;
  close(): Promise<void>;
}

/** `clockScale`: modelled ms per real ms for timeouts and sleeps (default: the script's simulator scale, 1 against a server). */
export async function resolveTarget(options: ResolvedOptions, env: NodeJS.ProcessEnv, clockScale: number = scheduleScale(options)): Promise<ResolvedTarget> {
  const apiKeyEnv = options.target.apiKeyEnv;
  const apiKey = apiKeyEnv === undefined ? undefined : nonEmpty(env[apiKeyEnv]);
  let baseUrl = options.target.url;
  let simulator: ResolvedTarget['simulator'];
  let close = async (): Promise<void> => {};
  if (baseUrl === undefined) {
    const preset = options.simulator.preset;
    const timeScale = options.simulator.timeScale;
    const simOptions: SimulatorOptions = { preset, timeScale, port: 0, host: '127.0.0.1' };
    if (options.target.model !== undefined) simOptions.model = options.target.model;
    if (options.simulator.config !== undefined) simOptions.config = options.simulator.config;
    // Loaded only when needed: a run against a real server never pays for the simulator's modules.
    const { startSimulatorThread } = await import('../sim/index.js');
    const sim = await startSimulatorThread(simOptions);
    baseUrl = sim.url;
    simulator = { preset, timeScale };
    close = () => sim.close();
  } else {
    checkUrl(baseUrl);
  }
  const headers: Record<string, string> = { ...options.target.headers };
  if (apiKey !== undefined) headers['authorization'] = `Bearer ${apiKey}`;
  const serverModels = await preflight(baseUrl, headers);
  // Like `vllm bench serve`: with no model named, use the first one the server lists.
  const model = options.target.model ?? serverModels[0];
  const worker: WorkerTarget = {
    baseUrl,
    headers: { ...options.target.headers },
    timeoutMs: options.request.timeoutMs,
    stallTimeoutMs: options.request.stallTimeoutMs,
    stream: options.request.stream,
    timeScale: clockScale,
  };
  if (model !== undefined) worker.model = model;
  if (apiKey !== undefined) worker.apiKey = apiKey;
  return { displayUrl: stripCredentials(baseUrl), model, apiKey, serverModels, simulator, worker, close };
}

/** How long the target may take to answer the preflight request. */
const PREFLIGHT_TIMEOUT_MS = 10_000;

/**
 * Ask the target for its models before any VU starts. A connection failure is
 * fatal (there is nothing to measure); any HTTP answer, even an error, proves
 * the server is there (not every server has /v1/models: TGI, Ollama).
 */
async function preflight(baseUrl: string, headers: Record<string, string>): Promise<string[]> {
  const url = `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/models`;
  let response: IncomingMessage;
  try {
    response = await get(url, headers, PREFLIGHT_TIMEOUT_MS);
  } catch (error) {
    const err = error as { code?: string; message?: string };
    const reason = err.code === 'ETIMEDOUT' ? `no answer within ${PREFLIGHT_TIMEOUT_MS / 1000} s` : `${err.code ?? ''} ${err.message ?? ''}`.trim();
    throw new LlmloadError(ErrorCode.TARGET_UNREACHABLE, `cannot reach the target ${stripCredentials(baseUrl)}: ${reason}`, {
      hint: isCertificateError(err.code)
        ? "the server's TLS certificate is not trusted here (self-signed, an unknown CA, expired or for another host): give Node its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem"
        : 'check --url / options.target.url and that the server is running; without a URL, llmload starts its built-in simulator',
    });
  }
  const status = response.statusCode ?? 0;
  let text = '';
  try {
    for await (const chunk of response) {
      text += String(chunk);
      if (text.length > 1 << 20) break; // a model list is small; never buffer a runaway body
    }
  } catch {
    return [];
  }
  if (status < 200 || status >= 300) return [];
  try {
    const body = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}

/**
 * One GET with node:http(s): the preflight runs once, before any VU, and node's own client
 * keeps undici's module graph off the start-up path (undici loads in the workers instead).
 */
function get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest() : httpRequest;
    const req = send(url, { method: 'GET', headers, agent: false }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/** Node's codes for a TLS certificate the client would not accept (OpenSSL's verify errors and the host check). */
function isCertificateError(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
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
