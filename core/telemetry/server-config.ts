/**
 * The server's configuration, from what it publishes about itself, so a
 * report says what was measured without the user pasting `vllm serve` flags
 * by hand (every seed report opens with them):
 *
 * - vLLM: `/version`, `max_model_len` in `/v1/models` (read by the probe),
 *   and the labels of `vllm:cache_config_info` on `/metrics` (block size,
 *   GPU memory utilisation, GPU blocks, prefix caching, KV dtype);
 * - SGLang: `/get_server_info` (its server args: tp/dp size, quantization,
 *   context length, chunked prefill, max running requests, radix cache);
 * - llama.cpp server: `/props` (slots, context size, model path, build);
 * - TGI: `/info` (model, dtype, max input/total/batch tokens, version);
 * - Ollama: `/api/version`, and `/api/show` for the model (parameter size,
 *   quantization, context length).
 *
 * Only the named settings below are kept, never the whole answer: SGLang's
 * server args hold its `api_key`, and a report must not. Each reader is a
 * pure function of one answer, tested on recorded answers in
 * test/fixtures/servers/.
 */

export type ServerEngine = 'vLLM' | 'SGLang' | 'TGI' | 'llama.cpp' | 'Ollama';

/** One setting, as the report shows it. */
export interface ServerSetting {
  /** What it is, in words ('Tensor parallel size'). */
  name: string;
  value: string;
  /** Where it was read ('/props', 'vllm:cache_config_info'). */
  source: string;
}

export interface ServerConfig {
  engine: ServerEngine | null;
  version: string | null;
  settings: ServerSetting[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function shown(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return null;
}

/** Settings from `fields` ([key, name] pairs) present in `body`. */
function pick(body: Json, fields: ReadonlyArray<readonly [string, string]>, source: string): ServerSetting[] {
  const out: ServerSetting[] = [];
  for (const [key, name] of fields) {
    const value = shown(body[key]);
    // Two spellings of one setting (TGI's max_input_length and max_input_tokens): the first wins.
    if (value !== null && !out.some((s) => s.name === name)) out.push({ name, value, source });
  }
  return out;
}

const VLLM_CACHE_FIELDS = [
  ['block_size', 'KV block size (tokens)'],
  ['cache_dtype', 'KV cache dtype'],
  ['gpu_memory_utilization', 'GPU memory utilisation'],
  ['num_gpu_blocks', 'GPU KV blocks'],
  ['num_cpu_blocks', 'CPU KV blocks'],
  ['enable_prefix_caching', 'Prefix caching'],
  ['swap_space', 'Swap space (GiB)'],
  ['cpu_offload_gb', 'CPU offload (GiB)'],
] as const;

/** vLLM's `vllm:cache_config_info{…} 1` labels, from /metrics text; [] when absent. */
export function vllmCacheConfig(metricsText: string): ServerSetting[] {
  const at = metricsText.search(/^vllm:cache_config_info\{/m);
  if (at === -1) return [];
  const end = metricsText.indexOf('\n', at);
  const labels = parseLabels(metricsText.slice(at, end === -1 ? metricsText.length : end));
  return pick(labels, VLLM_CACHE_FIELDS, 'vllm:cache_config_info');
}

/** The labels of one Prometheus sample line (`name{a="1",b="x\"y"} 1`), unescaped. */
export function parseLabels(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  const open = line.indexOf('{');
  if (open === -1) return out;
  re.lastIndex = open;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

const SGLANG_FIELDS = [
  ['model_path', 'Model path'],
  ['tp_size', 'Tensor parallel size'],
  ['dp_size', 'Data parallel size'],
  ['pp_size', 'Pipeline parallel size'],
  ['quantization', 'Quantization'],
  ['dtype', 'dtype'],
  ['kv_cache_dtype', 'KV cache dtype'],
  ['context_length', 'Max model length'],
  ['chunked_prefill_size', 'Chunked prefill size'],
  ['max_prefill_tokens', 'Max prefill tokens'],
  ['max_running_requests', 'Max running requests'],
  ['max_total_tokens', 'Max total tokens'],
  ['mem_fraction_static', 'GPU memory fraction'],
  ['schedule_policy', 'Schedule policy'],
  ['disable_radix_cache', 'Radix cache disabled'],
  ['attention_backend', 'Attention backend'],
  ['speculative_algorithm', 'Speculative decoding'],
] as const;

/** SGLang's /get_server_info. */
export function sglangServerInfo(body: unknown): ServerConfig | null {
  if (!isObject(body)) return null;
  // Newer versions nest the args; older ones return them flat.
  const args = isObject(body['server_args']) ? body['server_args'] : body;
  if (!('tp_size' in args) && !('model_path' in args)) return null;
  return { engine: 'SGLang', version: shown(body['version']), settings: pick(args, SGLANG_FIELDS, '/get_server_info') };
}

/** llama.cpp server's /props. */
export function llamaCppProps(body: unknown): ServerConfig | null {
  if (!isObject(body) || !('total_slots' in body || 'default_generation_settings' in body)) return null;
  const settings: ServerSetting[] = pick(body, [['model_path', 'Model path']], '/props');
  const defaults = body['default_generation_settings'];
  const nCtx = isObject(defaults) ? shown(defaults['n_ctx']) : null;
  if (nCtx !== null) settings.push({ name: 'Context size (per slot)', value: nCtx, source: '/props' });
  settings.push(...pick(body, [['total_slots', 'Slots (parallel requests)']], '/props'));
  return { engine: 'llama.cpp', version: shown(body['build_info']), settings };
}

const TGI_FIELDS = [
  ['model_id', 'Model'],
  ['model_sha', 'Model revision'],
  ['model_dtype', 'dtype'],
  ['model_device_type', 'Device'],
  ['max_input_tokens', 'Max input tokens'],
  ['max_input_length', 'Max input tokens'],
  ['max_total_tokens', 'Max total tokens'],
  ['max_batch_total_tokens', 'Max batch total tokens'],
  ['max_concurrent_requests', 'Max concurrent requests'],
  ['max_waiting_tokens', 'Max waiting tokens'],
  ['waiting_served_ratio', 'Waiting served ratio'],
] as const;

/** TGI's /info. */
export function tgiInfo(body: unknown): ServerConfig | null {
  if (!isObject(body) || typeof body['model_id'] !== 'string' || !('max_total_tokens' in body)) return null;
  const settings = pick(body, TGI_FIELDS, '/info');
  const sha = shown(body['sha']);
  if (sha !== null) settings.push({ name: 'Build', value: sha, source: '/info' });
  return { engine: 'TGI', version: shown(body['version']), settings };
}

/** Ollama's /api/show for one model (details and model_info). */
export function ollamaShow(body: unknown): ServerSetting[] {
  if (!isObject(body)) return [];
  const settings: ServerSetting[] = [];
  const details = body['details'];
  if (isObject(details)) {
    settings.push(
      ...pick(
        details,
        [
          ['family', 'Model family'],
          ['parameter_size', 'Parameters'],
          ['quantization_level', 'Quantization'],
          ['format', 'Weights format'],
        ],
        '/api/show',
      ),
    );
  }
  const info = body['model_info'];
  if (isObject(info)) {
    const key = Object.keys(info).find((k) => k.endsWith('.context_length'));
    const ctx = key === undefined ? null : shown(info[key]);
    if (ctx !== null) settings.push({ name: 'Model context length', value: ctx, source: '/api/show' });
  }
  return settings;
}

/** Ollama's /api/version (`{"version":"0.5.7"}`); vLLM's /version has the same shape, so the caller decides. */
export function versionOf(body: unknown): string | null {
  return isObject(body) ? shown(body['version']) : null;
}
