/**
 * The simulated engine's settings: one flat record, named after the vLLM
 * flags they model where there is one (max_num_seqs → maxNumSeqs), with the
 * step-time model's coefficients beside them.
 *
 * A preset (presets.ts) is a complete EngineConfig; users override single
 * keys (`config: { maxNumSeqs: 64 }`, `--config maxNumSeqs=64`).
 * `resolveEngineConfig` validates the overrides once, reports every problem,
 * and returns a frozen config that the engine trusts.
 */
import { ErrorCode, LlmloadError } from '../errors.js';

/** How long an answer runs when neither ignore_eos nor a stop string decides it (before capping at max_tokens). */
export type OutputLengthDistribution =
  /** Every answer has exactly `tokens` tokens. */
  | { kind: 'fixed'; tokens: number }
  /** Uniform integer in [min, max]. */
  | { kind: 'uniform'; min: number; max: number }
  /** Log-normal with the given median (tokens) and sigma (of the log). */
  | { kind: 'lognormal'; median: number; sigma: number };

/** The simulated GPUs behind the engine (core/sim/gpu-model.ts): what a DCGM exporter would report. */
export interface GpuProfile {
  /** modelName label, e.g. 'NVIDIA GeForce RTX 2080 Ti'. */
  name: string;
  /** GPUs serving the model (tensor parallelism): each reports the same figures. */
  count: number;
  /** Memory per GPU, MiB. */
  memoryMiB: number;
  /** Power of an idle GPU, W. */
  idleWatts: number;
  /** Power of a GPU busy for a whole interval, W. */
  peakWatts: number;
}

export interface EngineConfig {
  /** Served model id: what GET /v1/models lists and what requests must name. */
  model: string;
  /** Longest prompt + output a request may have, in tokens (vLLM --max-model-len). */
  maxModelLen: number;
  /** Most sequences in the running batch (vLLM --max-num-seqs). */
  maxNumSeqs: number;
  /** Tokens computed per step, decodes and prefill chunks together (vLLM --max-num-batched-tokens). */
  maxNumBatchedTokens: number;
  /** Longest waiting queue; a request arriving to a full queue gets HTTP 429. */
  maxWaiting: number;
  /** Tokens per KV-cache block (vLLM --block-size). */
  blockSize: number;
  /** KV-cache capacity in blocks (what vLLM computes from GPU memory). */
  numGpuBlocks: number;
  /** Reuse cached KV blocks of identical prompt prefixes (vLLM --enable-prefix-caching). */
  enablePrefixCaching: boolean;
  /** Step time: fixed cost per step, in ms. */
  stepBaseMs: number;
  /** Step time: added per scheduled sequence, in ms. */
  stepPerSeqMs: number;
  /** Step time: added per token of context (prompt + output so far) of each scheduled sequence, in ms. */
  stepPerContextTokenMs: number;
  /** Step time: added per prompt token computed in the step (uncached prefill), in ms. */
  prefillPerTokenMs: number;
  /** Natural answer length when the request does not force one. */
  outputLength: OutputLengthDistribution;
  /** max_tokens when a request gives none; null = vLLM's rule, max_model_len minus the prompt. */
  defaultMaxTokens: number | null;
  /** Tokens per SSE chunk (1 = one chunk per token, as vLLM without speculative decoding). */
  tokensPerChunk: number;
  /** Retry-After (seconds) sent with a 429 for a full queue. */
  retryAfterSeconds: number;
  /** The GPUs' power and memory model; an override may give only some of its keys. */
  gpu: GpuProfile;
}

type Check = (value: unknown) => string | null;

const positiveInt: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? null : `must be a positive integer, got ${show(v)}`);
const nonNegative: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : `must be a number >= 0, got ${show(v)}`);
const boolean: Check = (v) => (typeof v === 'boolean' ? null : `must be true or false, got ${show(v)}`);
const nonEmptyString: Check = (v) => (typeof v === 'string' && v.length > 0 ? null : `must be a non-empty string, got ${show(v)}`);

/** One validator per key; the key set is also the set of accepted keys. */
const CHECKS: Readonly<Record<keyof EngineConfig, Check>> = {
  model: nonEmptyString,
  maxModelLen: positiveInt,
  maxNumSeqs: positiveInt,
  maxNumBatchedTokens: positiveInt,
  maxWaiting: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? null : `must be an integer >= 0, got ${show(v)}`),
  blockSize: positiveInt,
  numGpuBlocks: positiveInt,
  enablePrefixCaching: boolean,
  stepBaseMs: nonNegative,
  stepPerSeqMs: nonNegative,
  stepPerContextTokenMs: nonNegative,
  prefillPerTokenMs: nonNegative,
  outputLength: checkOutputLength,
  defaultMaxTokens: (v) => (v === null ? null : positiveInt(v) === null ? null : `must be a positive integer or null, got ${show(v)}`),
  tokensPerChunk: positiveInt,
  retryAfterSeconds: nonNegative,
  gpu: checkGpu,
};

/** Names of every EngineConfig key, for messages and the CLI. */
export const ENGINE_CONFIG_KEYS = Object.keys(CHECKS) as ReadonlyArray<keyof EngineConfig>;

function checkGpu(v: unknown): string | null {
  const expected = 'must be { name, count, memoryMiB, idleWatts, peakWatts } with idleWatts <= peakWatts';
  if (v === null || typeof v !== 'object') return `${expected}, got ${show(v)}`;
  const g = v as Record<string, unknown>;
  const problems = [
    nonEmptyString(g['name']),
    positiveInt(g['count']),
    positiveInt(g['memoryMiB']),
    nonNegative(g['idleWatts']),
    nonNegative(g['peakWatts']),
    Object.keys(g).every((k) => ['name', 'count', 'memoryMiB', 'idleWatts', 'peakWatts'].includes(k)) ? null : 'unknown key',
    (g['idleWatts'] as number) <= (g['peakWatts'] as number) ? null : 'idle above peak',
  ];
  return problems.every((p) => p === null) ? null : `${expected}, got ${show(v)}`;
}

function checkOutputLength(v: unknown): string | null {
  const expected = 'must be {kind:"fixed",tokens} | {kind:"uniform",min,max} | {kind:"lognormal",median,sigma}';
  if (v === null || typeof v !== 'object') return `${expected}, got ${show(v)}`;
  const d = v as Record<string, unknown>;
  const int = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x > 0;
  switch (d['kind']) {
    case 'fixed':
      return int(d['tokens']) && Object.keys(d).length === 2 ? null : `${expected}, got ${show(v)}`;
    case 'uniform':
      return int(d['min']) && int(d['max']) && (d['min'] as number) <= (d['max'] as number) && Object.keys(d).length === 3
        ? null
        : `${expected} with 0 < min <= max, got ${show(v)}`;
    case 'lognormal':
      return int(d['median']) && typeof d['sigma'] === 'number' && d['sigma'] >= 0 && Object.keys(d).length === 3 ? null : `${expected} with sigma >= 0, got ${show(v)}`;
    default:
      return `${expected}, got ${show(v)}`;
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  try {
    return `${JSON.stringify(v)} (${v === null ? 'null' : typeof v})`;
  } catch {
    return String(v);
  }
}

/**
 * Apply overrides to a complete base config: rejects unknown keys, checks
 * every value and the cross-key rules, and throws one SIM_CONFIG error that
 * lists every problem. The result is frozen.
 */
export function resolveEngineConfig(base: EngineConfig, overrides: Readonly<Record<string, unknown>> = {}): EngineConfig {
  const problems: string[] = [];
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(CHECKS, key)) {
      problems.push(`config.${key} is not a simulator setting (valid: ${ENGINE_CONFIG_KEYS.join(', ')})`);
    }
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(CHECKS, key)) continue;
    // gpu: { idleWatts: 0 } changes one figure of the preset's GPUs.
    merged[key] = key === 'gpu' && value !== null && typeof value === 'object' ? { ...(merged[key] as object), ...value } : value;
  }
  for (const key of ENGINE_CONFIG_KEYS) {
    const problem = CHECKS[key](merged[key]);
    if (problem !== null) problems.push(`config.${key} ${problem}`);
  }
  if (problems.length === 0) {
    const c = merged as unknown as EngineConfig;
    // vLLM refuses to start when one full-length request cannot fit in the KV cache; so do we.
    if (c.blockSize * c.numGpuBlocks < c.maxModelLen) {
      problems.push(
        `config.numGpuBlocks × config.blockSize (${c.numGpuBlocks} × ${c.blockSize} = ${c.numGpuBlocks * c.blockSize} tokens) ` +
          `must hold at least config.maxModelLen (${c.maxModelLen}) tokens`,
      );
    }
    if (c.defaultMaxTokens !== null && c.defaultMaxTokens >= c.maxModelLen) {
      problems.push(`config.defaultMaxTokens (${c.defaultMaxTokens}) must be less than config.maxModelLen (${c.maxModelLen})`);
    }
  }
  if (problems.length > 0) {
    throw new LlmloadError(ErrorCode.SIM_CONFIG, problems.length === 1 ? `invalid simulator config: ${problems[0]}` : `invalid simulator config (${problems.length} problems)`, {
      details: problems,
    });
  }
  // Copy the distribution so that freezing never touches the caller's object.
  const result = {
    ...merged,
    outputLength: Object.freeze({ ...(merged['outputLength'] as OutputLengthDistribution) }),
    gpu: Object.freeze({ ...(merged['gpu'] as GpuProfile) }),
  };
  return Object.freeze(result as unknown as EngineConfig);
}
