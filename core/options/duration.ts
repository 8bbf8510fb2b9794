/**
 * k6 durations: '30s', '1m30s', '500ms', '2h', '1.5s', '1d', '0', or a number
 * of milliseconds.
 *
 * The string grammar is Go's `time.ParseDuration` (which k6 uses) plus k6's
 * `d` for days: one or more `<decimal><unit>` terms, units ns, us/µs, ms, s, m,
 * h, d, no sign. The lone string "0" is allowed, as in Go. Every duration in
 * llmload is held in milliseconds; fractions of a millisecond are kept.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { describeValue } from './describe.js';

/** Milliseconds per unit. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign, as Go accepts
  μs: 1e-3, // U+03BC Greek mu, as Go accepts
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// µ (micro sign) and μ (Greek mu) as escapes: one non-ASCII character makes V8 hold the whole bundled command (dist/bundled/cli.cjs) as two-byte text.
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)/y;

/** What every "not a duration" message ends with. */
export const DURATION_EXAMPLES = '(expected e.g. "30s", "1m30s", "500ms")';

/** Parse a duration to milliseconds; undefined when `value` is not one (negative, NaN, '10x', ''). */
export function tryParseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (value === '0') return 0;
  if (value === '') return undefined;
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < value.length) {
    const match = TERM.exec(value);
    if (match === null) return undefined;
    const [, amount = '', unit = ''] = match;
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
  }
  // Round to whole nanoseconds so '1.1s' is 1100, not 1100.0000000000002.
  return Number.isFinite(total) ? Math.round(total * 1e6) / 1e6 : undefined;
}

/** The problem text for a value that is not a duration, without the path. */
export function durationProblem(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? `${value} is not a duration (durations can't be negative)` : `${value} is not a duration ${DURATION_EXAMPLES}`;
  }
  if (typeof value === 'string') return `${JSON.stringify(value)} is not a duration ${DURATION_EXAMPLES}`;
  return `expected a duration like "30s" or a number of milliseconds, got ${describeValue(value)}`;
}

/** Parse a duration to milliseconds or throw INVALID_OPTIONS naming `path`. */
export function parseDuration(value: unknown, path = 'duration'): number {
  const ms = tryParseDuration(value);
  if (ms === undefined) {
    const problem = `${path}: ${durationProblem(value)}`;
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, problem, { details: [problem] });
  }
  return ms;
}

/** Milliseconds of an already-validated duration, or `fallbackMs` when it is not set (undefined). */
export function msOrDefault(value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const parsed = tryParseDuration(value);
  if (parsed === undefined) {
    // Unreachable after validation: a bug if it happens.
    throw new LlmloadError(ErrorCode.ENGINE, `unvalidated duration reached the engine: ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * Format milliseconds the way k6 prints durations: '1m30s', '500ms', '1.5s', '2h'.
 * Trailing zero units are left out ('1m', not '1m0s'); inner ones stay ('1h0m30s').
 * The result always parses back to the same number.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms === 0) return '0s';
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0 || (hours > 0 && seconds > 0)) out += `${minutes}m`;
  if (seconds > 0) out += `${trim(seconds)}s`;
  return out;
}

/** Up to 6 decimals, without float noise or trailing zeros. */
function trim(n: number): string {
  return String(Number(n.toFixed(6)));
}
