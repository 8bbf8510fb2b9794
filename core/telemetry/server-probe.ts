/**
 * Asks the target about itself around a run: GET /v1/models, /version and
 * the engines' self-descriptions (server-config.ts) once before the load,
 * and GET /metrics (Prometheus text) before, every
 * `intervalMs` during, and once after. Everything here is best effort: a
 * server without these endpoints (or one that answers slowly) costs the run
 * at most one short timeout per scrape and leaves the report without the
 * server section. Scrapes never overlap, and the timer is unref'd.
 *
 * Memory stays bounded on any run length: past MAX_SCRAPES samples every
 * other one is dropped and the interval doubles.
 */
import type { WorkerTarget } from '../workers/messages.js';
import { httpText, type TextRequest } from './http-text.js';
import { parsePrometheusText } from './prometheus.js';
import { detectDialect } from './server-dialects.js';
import { llamaCppProps, ollamaShow, sglangServerInfo, tgiInfo, versionOf, vllmCacheConfig, type ServerConfig, type ServerSetting } from './server-config.js';

/** One /metrics scrape: epoch ms and the kept families' values. */
export interface MetricsScrape {
  /** When the answer arrived. */
  atMs: number;
  /** When it was asked for: counters cover a window's end only from a scrape asked for after it (covering.ts). */
  askedAtMs?: number;
  values: Record<string, number>;
}

/** A model as /v1/models lists it. */
export interface ServerModel {
  id: string;
  ownedBy: string | null;
  /** vLLM's max_model_len, when given. */
  maxModelLen: number | null;
  /** The weights the name points at (vLLM `root`), when given. */
  root: string | null;
}

/** What the server said about itself (the end line's `server`). */
export interface ServerSnapshot {
  /** null when /v1/models did not answer with a model list. */
  models: ServerModel[] | null;
  /** /version's `version`, when the server has one (vLLM). */
  version: string | null;
  /** Scrapes in time order: the first before the load, the last after it. Empty without /metrics. */
  scrapes: MetricsScrape[];
  /** Interval asked for between scrapes during the run, ms. */
  intervalMs: number;
  /** Why an endpoint gave nothing (one line each). */
  notes: string[];
  /** The engine and its settings, from what it publishes (server-config.ts); absent in files written before it was read. */
  config?: ServerConfig | null;
}

export interface ServerProbeOptions {
  /** Time between scrapes during the run, ms (default 1000). */
  intervalMs?: number;
  /** Per-request timeout, ms (default 2000). */
  timeoutMs?: number;
}

/** Most scrapes kept before thinning. */
const MAX_SCRAPES = 2000;
/** Unanswered scrapes in a row after which scraping stops. */
const MAX_MISSES = 5;

export class ServerProbe {
  readonly #target: WorkerTarget;
  readonly #timeoutMs: number;
  #intervalMs: number;
  readonly #requestedIntervalMs: number;
  readonly #scrapes: MetricsScrape[] = [];
  readonly #notes: string[] = [];
  #models: ServerModel[] | null = null;
  #version: string | null = null;
  #config: ServerConfig | null = null;
  /** Settings read from the first /metrics answer (vLLM's cache_config_info). */
  #metricsSettings: ServerSetting[] = [];
  #firstDialect: ReturnType<typeof detectDialect> = null;
  #metrics = true;
  #timer: NodeJS.Timeout | undefined;
  /** Scrapes in a row that got no answer; past MAX_MISSES the probe gives up (the target is gone). */
  #misses = 0;
  #inFlight: Promise<void> | null = null;

  private constructor(target: WorkerTarget, options: ServerProbeOptions) {
    this.#target = target;
    this.#intervalMs = Math.max(50, options.intervalMs ?? 1000);
    this.#requestedIntervalMs = this.#intervalMs;
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  /** Ask for the model list, the version and a first scrape, then scrape every interval. */
  static async start(target: WorkerTarget, options: ServerProbeOptions = {}): Promise<ServerProbe> {
    const probe = new ServerProbe(target, options);
    const [config] = await Promise.all([probe.#readConfig(), probe.#readModels(), probe.#readVersion(), probe.#scrape()]);
    probe.#config = probe.#settle(config);
    if (probe.#config?.engine === 'Ollama') await probe.#readOllamaModel(probe.#config);
    if (probe.#metrics) probe.#arm();
    return probe;
  }

  /** Stop scraping, take the last scrape, and return everything gathered. */
  async stop(): Promise<ServerSnapshot> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#inFlight !== null) await this.#inFlight;
    if (this.#metrics) await this.#scrape();
    return {
      models: this.#models,
      version: this.#version,
      scrapes: [...this.#scrapes],
      intervalMs: this.#requestedIntervalMs,
      notes: [...this.#notes],
      config: this.#config,
    };
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#scrape().finally(() => {
        this.#inFlight = null;
        if (this.#timer !== undefined && this.#metrics && this.#misses < MAX_MISSES) this.#arm();
      });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async #scrape(): Promise<void> {
    const askedAtMs = Date.now();
    const text = await this.#get('/metrics');
    this.#misses = text === null ? this.#misses + 1 : 0;
    if (text === null) {
      if (this.#scrapes.length === 0) {
        this.#metrics = false;
        this.#notes.push('/metrics: no answer, so no server-side metrics');
      }
      return;
    }
    const values = parsePrometheusText(text);
    if (this.#scrapes.length === 0) {
      this.#metricsSettings = vllmCacheConfig(text);
      this.#firstDialect = detectDialect(values);
    }
    if (Object.keys(values).length === 0 && this.#scrapes.length === 0) {
      this.#metrics = false;
      this.#notes.push('/metrics: no vLLM, SGLang, TGI or llama.cpp metrics in the answer');
      return;
    }
    this.#scrapes.push({ atMs: Date.now(), askedAtMs, values });
    if (this.#scrapes.length > MAX_SCRAPES) {
      // Keep the first (before the load) and every other one after it.
      const kept = this.#scrapes.filter((_, i) => i === 0 || i % 2 === 0);
      this.#scrapes.length = 0;
      this.#scrapes.push(...kept);
      this.#intervalMs *= 2;
    }
  }

  /** The first of SGLang's, llama.cpp's, TGI's and Ollama's self-descriptions that answers. */
  async #readConfig(): Promise<ServerConfig | null> {
    const json = async (path: string): Promise<unknown> => {
      const text = await this.#get(path);
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    };
    const [sglang, props, info, ollama] = await Promise.all([json('/get_server_info'), json('/props'), json('/info'), json('/api/version')]);
    const found = sglangServerInfo(sglang) ?? llamaCppProps(props) ?? tgiInfo(info);
    if (found !== null) return found;
    const version = versionOf(ollama);
    return version === null ? null : { engine: 'Ollama', version, settings: [] };
  }

  /** Join what /metrics said (vLLM) to what the config endpoints said. */
  #settle(config: ServerConfig | null): ServerConfig | null {
    if (config !== null) return { ...config, settings: [...config.settings, ...this.#metricsSettings] };
    if (this.#firstDialect === 'vllm' || this.#metricsSettings.length > 0) return { engine: 'vLLM', version: this.#version, settings: [...this.#metricsSettings] };
    return null;
  }

  /** Ollama: the served model's size, quantization and context length (POST /api/show). */
  async #readOllamaModel(config: ServerConfig): Promise<void> {
    const model = this.#target.model ?? this.#models?.[0]?.id;
    if (model === undefined) return;
    const text = await this.#get('/api/show', JSON.stringify({ model }));
    if (text === null) return;
    try {
      config.settings.push(...ollamaShow(JSON.parse(text) as unknown));
    } catch {
      // Not Ollama's answer after all: keep what /api/version said.
    }
  }

  async #readModels(): Promise<void> {
    const text = await this.#get('/v1/models');
    if (text === null) {
      this.#notes.push('/v1/models: no answer');
      return;
    }
    try {
      const body = JSON.parse(text) as { data?: unknown };
      if (!Array.isArray(body.data)) throw new Error('no data array');
      this.#models = body.data
        .filter((m): m is Record<string, unknown> => m !== null && typeof m === 'object')
        .map((m) => ({
          id: typeof m['id'] === 'string' || typeof m['id'] === 'number' ? String(m['id']) : '',
          ownedBy: typeof m['owned_by'] === 'string' ? m['owned_by'] : null,
          maxModelLen: typeof m['max_model_len'] === 'number' ? m['max_model_len'] : null,
          root: typeof m['root'] === 'string' ? m['root'] : null,
        }));
    } catch {
      this.#notes.push('/v1/models: not an OpenAI model list');
    }
  }

  async #readVersion(): Promise<void> {
    const text = await this.#get('/version');
    if (text === null) return;
    try {
      const body = JSON.parse(text) as { version?: unknown };
      if (typeof body.version === 'string') this.#version = body.version;
    } catch {
      // Not vLLM's /version: nothing to report.
    }
  }

  /** The body of a GET (a POST of `body` when given), or null on any failure (status, network, timeout). */
  #get(path: string, body?: string): Promise<string | null> {
    const headers: Record<string, string> = { ...this.#target.headers };
    if (this.#target.apiKey !== undefined) headers['authorization'] = `Bearer ${this.#target.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request: TextRequest = { headers, timeoutMs: this.#timeoutMs };
    if (body !== undefined) request.body = body;
    return httpText(this.#target.baseUrl.replace(/\/+$/, '') + path, request);
  }
}
