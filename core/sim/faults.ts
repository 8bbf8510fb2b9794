/**
 * Fault injection: which requests misbehave, and how.
 *
 * Two triggers:
 *  - per request, a header (kinds as below; parameters optional):
 *        x-llmload-sim-fault: stall;after=5;seconds=2
 *        x-llmload-sim-fault: keepAlive;seconds=0.2, reset;after=10
 *    Several faults are separated by commas. Kind and parameter names are
 *    case-insensitive and may use '-' or '_' (slow-headers = slowHeaders).
 *  - as rates in the simulator options: `faults: { http500: 0.01, reset: 0.02,
 *    seed: 1 }`. Each request draws once from a generator seeded with `seed`,
 *    in arrival order, so the same seed and the same request order give the
 *    same faults; at most one rate fault hits a request (rates must sum <= 1).
 *
 * Kinds (parameters: after = output tokens sent first; seconds = wall-clock
 * seconds, not divided by timeScale, because faults exist to exercise a
 * client's real timers):
 *   http500, http503, http400  the request fails at once with that status and a vLLM-shaped error body
 *   http429                    at once, status 429 with Retry-After: seconds (default retryAfterSeconds)
 *   error                      HTTP 200, then after `after` tokens `data: {"error": {...}}` and `data: [DONE]`
 *   reset                      after `after` tokens the TCP connection is reset (RST)
 *   stall                      after `after` tokens no byte is sent for `seconds`, then the stream resumes
 *   malformed                  after `after` tokens one `data:` line carries invalid JSON; the stream goes on
 *   slowHeaders                nothing (not even the status line) is sent for `seconds`
 *   keepAlive                  a `: keep-alive` comment line right after the headers and every `seconds`
 * A mid-stream fault whose `after` is at or past the answer's length fires
 * before the last token, so it is always observable.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { createRng, type Rng } from './random.js';

export const FAULT_KINDS = ['http500', 'http503', 'http429', 'http400', 'error', 'reset', 'stall', 'malformed', 'slowHeaders', 'keepAlive'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The request header that triggers faults per request. */
export const FAULT_HEADER = 'x-llmload-sim-fault';

/** Rates per kind (0..1) plus the parameters rate-drawn faults use. */
export interface FaultConfig {
  http500?: number;
  http503?: number;
  http429?: number;
  http400?: number;
  error?: number;
  reset?: number;
  stall?: number;
  malformed?: number;
  slowHeaders?: number;
  keepAlive?: number;
  /** Seed of the draw (default: the simulator's seed). */
  seed?: number;
  /** Output tokens sent before a mid-stream fault (default 1). */
  afterTokens?: number;
  /** Stall length, s (default 2). */
  stallSeconds?: number;
  /** Delay before the status line, s (default 2). */
  slowHeadersSeconds?: number;
  /** Interval of keep-alive comments, s (default 1). */
  keepAliveSeconds?: number;
  /** Retry-After of an injected 429, s (default 1). */
  retryAfterSeconds?: number;
}

/** One fault to apply to one request. */
export interface Fault {
  kind: FaultKind;
  /** Output tokens sent before a mid-stream fault fires. */
  after: number;
  /** stall: length; slowHeaders: delay; keepAlive: interval; http429: Retry-After. Wall-clock seconds. */
  seconds: number;
}

const PARAM_KEYS = ['seed', 'afterTokens', 'stallSeconds', 'slowHeadersSeconds', 'keepAliveSeconds', 'retryAfterSeconds'] as const;

interface FaultDefaults {
  afterTokens: number;
  stallSeconds: number;
  slowHeadersSeconds: number;
  keepAliveSeconds: number;
  retryAfterSeconds: number;
}

const DEFAULTS: FaultDefaults = {
  afterTokens: 1,
  stallSeconds: 2,
  slowHeadersSeconds: 2,
  keepAliveSeconds: 1,
  retryAfterSeconds: 1,
};

/** Normalise a kind or parameter name: case-insensitive, '-' and '_' ignored. */
function norm(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

const KIND_BY_NORM = new Map<string, FaultKind>(FAULT_KINDS.map((k) => [norm(k), k]));

/** The kind named `name` (any case, '-'/'_' ignored), or undefined. */
export function faultKindOf(name: string): FaultKind | undefined {
  return KIND_BY_NORM.get(norm(name));
}

/** Decides each request's faults: from its header, else from the configured rates. */
export class FaultPlan {
  readonly #defaults: FaultDefaults;
  readonly #rates: ReadonlyArray<readonly [FaultKind, number]>;
  readonly #rng: Rng | null;

  constructor(config: FaultConfig | undefined, fallbackSeed: number) {
    const c = validateFaultConfig(config ?? {});
    this.#defaults = {
      afterTokens: c.afterTokens ?? DEFAULTS.afterTokens,
      stallSeconds: c.stallSeconds ?? DEFAULTS.stallSeconds,
      slowHeadersSeconds: c.slowHeadersSeconds ?? DEFAULTS.slowHeadersSeconds,
      keepAliveSeconds: c.keepAliveSeconds ?? DEFAULTS.keepAliveSeconds,
      retryAfterSeconds: c.retryAfterSeconds ?? DEFAULTS.retryAfterSeconds,
    };
    this.#rates = FAULT_KINDS.flatMap((k) => {
      const rate = c[k];
      return rate !== undefined && rate > 0 ? [[k, rate] as const] : [];
    });
    this.#rng = this.#rates.length > 0 ? createRng(c.seed ?? fallbackSeed) : null;
  }

  /**
   * Faults for the next request. The rate draw happens for every request
   * (header or not) so one request's header never shifts the others' faults.
   * Throws FaultHeaderError for a malformed header.
   */
  next(header: string | undefined): Fault[] {
    const drawn = this.#draw();
    if (header !== undefined && header.trim() !== '') return this.parseHeader(header);
    return drawn === null ? [] : [this.#fault(drawn, undefined, undefined)];
  }

  #draw(): FaultKind | null {
    if (this.#rng === null) return null;
    let u = this.#rng();
    for (const [kind, rate] of this.#rates) {
      if (u < rate) return kind;
      u -= rate;
    }
    return null;
  }

  #fault(kind: FaultKind, after: number | undefined, seconds: number | undefined): Fault {
    const d = this.#defaults;
    const defaultSeconds =
      kind === 'stall' ? d.stallSeconds : kind === 'slowHeaders' ? d.slowHeadersSeconds : kind === 'keepAlive' ? d.keepAliveSeconds : kind === 'http429' ? d.retryAfterSeconds : 0;
    return { kind, after: after ?? d.afterTokens, seconds: seconds ?? defaultSeconds };
  }

  /** Parse the fault header (syntax in the module comment). */
  parseHeader(header: string): Fault[] {
    const faults: Fault[] = [];
    for (const item of header.split(',')) {
      const [name = '', ...params] = item.split(';').map((s) => s.trim());
      if (name === '') continue;
      const kind = faultKindOf(name);
      if (kind === undefined) {
        throw new FaultHeaderError(`${FAULT_HEADER}: unknown fault '${name}' (valid: ${FAULT_KINDS.join(', ')})`);
      }
      let after: number | undefined;
      let seconds: number | undefined;
      for (const param of params) {
        if (param === '') continue;
        const eq = param.indexOf('=');
        const key = norm(eq < 0 ? param : param.slice(0, eq));
        const raw = eq < 0 ? '' : param.slice(eq + 1).trim();
        const value = Number(raw);
        if (raw === '' || !Number.isFinite(value) || value < 0) {
          throw new FaultHeaderError(`${FAULT_HEADER}: '${param}' in '${item.trim()}' needs a number >= 0`);
        }
        if (key === 'after') {
          if (!Number.isInteger(value)) throw new FaultHeaderError(`${FAULT_HEADER}: after must be a whole number of tokens, got '${raw}'`);
          after = value;
        } else if (key === 'seconds') seconds = value;
        else throw new FaultHeaderError(`${FAULT_HEADER}: unknown parameter '${param}' in '${item.trim()}' (valid: after, seconds)`);
      }
      faults.push(this.#fault(kind, after, seconds));
    }
    return faults;
  }
}

/** A malformed fault header; the server answers 400 with this message. */
export class FaultHeaderError extends Error {
  override readonly name = 'FaultHeaderError';
}

/** Check a FaultConfig: known keys, rates in [0, 1] summing to <= 1, parameters >= 0. Throws SIM_CONFIG listing every problem. */
export function validateFaultConfig(config: FaultConfig): FaultConfig {
  const problems: string[] = [];
  if (config === null || typeof config !== 'object') {
    throw new LlmloadError(ErrorCode.SIM_CONFIG, `faults must be an object, got ${String(config)}`);
  }
  let sum = 0;
  for (const [key, value] of Object.entries(config) as Array<[string, unknown]>) {
    if ((FAULT_KINDS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) problems.push(`faults.${key} must be a rate in [0, 1], got ${String(value)}`);
      else sum += value;
    } else if ((PARAM_KEYS as readonly string[]).includes(key)) {
      const integer = key === 'seed' || key === 'afterTokens';
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
        problems.push(`faults.${key} must be ${integer ? 'an integer' : 'a number'} >= 0, got ${String(value)}`);
      }
    } else {
      problems.push(`faults.${key} is not a fault setting (valid: ${[...FAULT_KINDS, ...PARAM_KEYS].join(', ')})`);
    }
  }
  if (sum > 1 + 1e-9) problems.push(`fault rates sum to ${sum}; at most one fault hits a request, so they must sum to <= 1`);
  if (problems.length > 0) {
    throw new LlmloadError(ErrorCode.SIM_CONFIG, problems.length === 1 ? `invalid simulator faults: ${problems[0]}` : `invalid simulator faults (${problems.length} problems)`, {
      details: problems,
    });
  }
  return config;
}
