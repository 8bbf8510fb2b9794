/**
 * `llmload bench`: the workload a `vllm bench serve`-style command line asks
 * for, parsed and checked. Everything here is a usage error (exit 2) naming
 * the flag: nothing has been sent yet. The spec is then written out as a
 * scenario script (./bench-script.ts) and run by the same path as `llmload run`.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { tryParseTokenLengths, TOKEN_LENGTHS_EXAMPLES } from '../datasets/token-lengths.js';
import { parseDuration } from '../options/duration.js';

export type BenchDataset =
  | { kind: 'random'; inputLen: number; outputLen: number; rangeRatio: number; prefixLen: number }
  | { kind: 'synthetic'; spec: string; prefixLen: number }
  | { kind: 'sharegpt' | 'jsonl'; file: string; outputLen: number | null };

export type BenchLoad =
  /** Closed loop: `vus` users share `iterations` requests (or run for `duration`). */
  | { kind: 'closed'; vus: number; iterations: number | null; duration: string | null }
  /** One closed-loop level after another. */
  | { kind: 'sweep'; levels: number[]; iterations: number | null; duration: string | null }
  /** Open loop: arrivals at `rate`/s for `duration`, at most `maxVus` in flight. */
  | { kind: 'open'; rate: number; burstiness: number; duration: string; maxVus: number; preAllocatedVus: number };

export interface BenchSpec {
  url: string | null;
  model: string | null;
  endpoint: 'chat' | 'completions';
  dataset: BenchDataset;
  load: BenchLoad;
  seed: number;
  ignoreEos: boolean;
  extraBody: Record<string, unknown> | null;
  headers: Record<string, string>;
  /** SLO in ms, as `--goodput ttft:500 tpot:50 e2el:2000`. */
  goodput: { ttft?: number; tpot?: number; e2e?: number } | null;
  simPreset: string | null;
  timeScale: number | null;
}

/** The flags as yargs hands them over (undefined: not given). */
export interface BenchFlags {
  url?: string;
  model?: string;
  endpoint?: string;
  dataset?: string;
  'input-len'?: number;
  'output-len'?: number;
  'range-ratio'?: number;
  'prefix-len'?: number;
  'num-prompts'?: number;
  'request-rate'?: number | string;
  burstiness?: number;
  'max-concurrency'?: number;
  concurrency?: string;
  duration?: string;
  goodput?: string[];
  seed?: number;
  'ignore-eos'?: boolean;
  'extra-body'?: string;
  header?: string[];
  'sim-preset'?: string;
  'time-scale'?: number;
}

/** vLLM's defaults: `--dataset-name random --random-input-len 1024 --random-output-len 128 --num-prompts 1000`. */
export const BENCH_DEFAULTS = { inputLen: 1024, outputLen: 128, rangeRatio: 0, numPrompts: 1000, seed: 0 } as const;
/** VUs of an open-loop run without --max-concurrency: a cap, not a target (arrivals finding every VU busy are dropped and counted). */
const OPEN_LOOP_MAX_VUS = 1000;
const OPEN_LOOP_PREALLOCATED_VUS = 100;

export function usage(message: string): LlmloadError {
  return new LlmloadError(ErrorCode.USAGE, message);
}

function wholeNumber(flag: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw usage(`--${flag} must be a whole number ≥ ${min}, got ${String(value)}`);
  return value;
}

/** Turn the flags into a spec, refusing what makes no sense with the reason. */
export function benchSpec(flags: BenchFlags): BenchSpec {
  const endpoint = flags.endpoint ?? 'chat';
  if (endpoint !== 'chat' && endpoint !== 'completions') throw usage(`--endpoint must be chat or completions, got ${JSON.stringify(endpoint)}`);
  const seed = wholeNumber('seed', flags.seed, 0) ?? BENCH_DEFAULTS.seed;
  const numPrompts = wholeNumber('num-prompts', flags['num-prompts'], 1);
  const duration = flags.duration;
  if (duration !== undefined) {
    try {
      if (parseDuration(duration) <= 0) throw new Error('must be more than 0');
    } catch (error) {
      throw usage(`--duration ${JSON.stringify(duration)}: ${(error as Error).message} (e.g. 30s, 2m)`);
    }
    if (numPrompts !== undefined) throw usage('--num-prompts and --duration both say when the run ends: give one of them');
  }
  return {
    url: flags.url ?? null,
    model: flags.model ?? null,
    endpoint,
    dataset: datasetOf(flags),
    load: loadOf(flags, numPrompts, duration ?? null),
    seed,
    ignoreEos: flags['ignore-eos'] === true,
    extraBody: extraBodyOf(flags['extra-body']),
    headers: headersOf(flags.header ?? []),
    goodput: goodputOf(flags.goodput ?? []),
    simPreset: flags['sim-preset'] ?? null,
    timeScale: flags['time-scale'] ?? null,
  };
}

function datasetOf(flags: BenchFlags): BenchDataset {
  const text = flags.dataset ?? 'random';
  const inputLen = wholeNumber('input-len', flags['input-len'], 1);
  const outputLen = wholeNumber('output-len', flags['output-len'], 1);
  const prefixLen = wholeNumber('prefix-len', flags['prefix-len'], 0) ?? 0;
  const rangeRatio = flags['range-ratio'];
  if (rangeRatio !== undefined && !(rangeRatio >= 0 && rangeRatio < 1)) throw usage(`--range-ratio must be in [0, 1), got ${String(rangeRatio)}`);
  if (text === 'random') {
    return { kind: 'random', inputLen: inputLen ?? BENCH_DEFAULTS.inputLen, outputLen: outputLen ?? BENCH_DEFAULTS.outputLen, rangeRatio: rangeRatio ?? 0, prefixLen };
  }
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  const onlyRandom = (flag: string, given: unknown): void => {
    if (given !== undefined) throw usage(`--${flag} applies to --dataset random, not ${kind}`);
  };
  onlyRandom('input-len', inputLen);
  onlyRandom('range-ratio', rangeRatio);
  switch (kind) {
    case 'synthetic': {
      onlyRandom('output-len', outputLen);
      const parsed = tryParseTokenLengths(rest);
      if (typeof parsed === 'string') throw usage(`--dataset synthetic:${rest}: ${parsed} (e.g. ${TOKEN_LENGTHS_EXAMPLES})`);
      return { kind: 'synthetic', spec: rest, prefixLen };
    }
    case 'sharegpt':
    case 'jsonl':
      onlyRandom('prefix-len', flags['prefix-len']);
      if (rest === '') throw usage(`--dataset ${kind}: name the file, e.g. --dataset ${kind}:prompts.${kind === 'jsonl' ? 'jsonl' : 'json'}`);
      return { kind, file: rest, outputLen: outputLen ?? null };
    default:
      throw usage(`--dataset ${JSON.stringify(text)}: expected random, sharegpt:FILE, jsonl:FILE or synthetic:SPEC (e.g. synthetic:'N(480,240)/(300,150)')`);
  }
}

function loadOf(flags: BenchFlags, numPrompts: number | undefined, duration: string | null): BenchLoad {
  const maxConcurrency = wholeNumber('max-concurrency', flags['max-concurrency'], 1);
  const rate = requestRate(flags['request-rate']);
  const burstiness = flags.burstiness;
  if (burstiness !== undefined && !(burstiness > 0 && Number.isFinite(burstiness))) throw usage(`--burstiness must be a number > 0, got ${String(burstiness)}`);
  if (burstiness !== undefined && rate === null) throw usage('--burstiness shapes the gaps between arrivals: it needs a finite --request-rate');
  if (flags.concurrency !== undefined) {
    if (rate !== null)
      throw usage('--request-rate and --concurrency contradict each other: a concurrency sweep is closed-loop (each user sends when its last answer is in); give one of them');
    if (maxConcurrency !== undefined) throw usage('--max-concurrency and --concurrency: a sweep sets the concurrency of each level; give one of them');
    const levels = flags.concurrency.split(',').map((part) => Number(part.trim()));
    if (levels.length === 0 || levels.some((level) => !Number.isInteger(level) || level < 1)) {
      throw usage(`--concurrency ${JSON.stringify(flags.concurrency)}: expected whole numbers ≥ 1 separated by commas, e.g. 1,2,4,8`);
    }
    return { kind: 'sweep', levels, iterations: duration === null ? (numPrompts ?? BENCH_DEFAULTS.numPrompts) : null, duration };
  }
  if (rate !== null) {
    const runFor = duration ?? `${formatSeconds((numPrompts ?? BENCH_DEFAULTS.numPrompts) / rate)}s`;
    const maxVus = maxConcurrency ?? OPEN_LOOP_MAX_VUS;
    return { kind: 'open', rate, burstiness: burstiness ?? 1, duration: runFor, maxVus, preAllocatedVus: Math.min(maxVus, OPEN_LOOP_PREALLOCATED_VUS) };
  }
  if (duration !== null) return { kind: 'closed', vus: maxConcurrency ?? 1, iterations: null, duration };
  const iterations = numPrompts ?? BENCH_DEFAULTS.numPrompts;
  // vLLM with an infinite rate and no cap sends every prompt at once.
  return { kind: 'closed', vus: Math.min(maxConcurrency ?? iterations, iterations), iterations, duration: null };
}

/** A finite rate, or null for vLLM's default `inf` (closed loop). */
function requestRate(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  if (value === 'inf' || value === Number.POSITIVE_INFINITY) return null;
  const rate = Number(value);
  if (!(rate > 0) || !Number.isFinite(rate)) throw usage(`--request-rate must be a number of requests per second > 0 (or inf), got ${JSON.stringify(value)}`);
  return rate;
}

function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

function extraBodyOf(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usage(`--extra-body is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw usage('--extra-body must be a JSON object, e.g. \'{"temperature":0}\'');
  return value as Record<string, unknown>;
}

function headersOf(items: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usage(`--header ${JSON.stringify(item)}: expected NAME=VALUE, e.g. --header x-request-source=bench`);
    headers[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return headers;
}

const GOODPUT_KEYS = { ttft: 'ttft', tpot: 'tpot', e2el: 'e2e' } as const;

function goodputOf(items: readonly string[]): BenchSpec['goodput'] {
  if (items.length === 0) return null;
  const slo: NonNullable<BenchSpec['goodput']> = {};
  for (const item of items.flatMap((i) => i.split(/[\s,]+/)).filter((i) => i !== '')) {
    const [key = '', value = ''] = item.split(':');
    const ms = Number(value);
    if (!(key in GOODPUT_KEYS) || !(ms > 0)) throw usage(`--goodput ${JSON.stringify(item)}: expected KEY:MS with KEY ttft, tpot or e2el, e.g. --goodput ttft:500 tpot:50`);
    slo[GOODPUT_KEYS[key as keyof typeof GOODPUT_KEYS]] = ms;
  }
  return slo;
}
