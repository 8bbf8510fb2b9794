/**
 * Token-length distributions in genai-bench's scenario notation, input then
 * output tokens:
 *
 *   D(100,100)              deterministic: 100 in, 100 out
 *   N(480,240)/(300,150)    normal: in mean 480 std 240, out mean 300 std 150
 *   U(50,100)/(200,300)     uniform integers: in 50..100, out 200..300 (inclusive)
 *
 * Draws are rounded to whole tokens and at least 1 (a normal draw below 1 is
 * clamped to 1, which raises the mean by ≪ 1 % for N(480,240)).
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { normal, type Rng } from '../executors/random.js';

export type LengthDistribution = { kind: 'fixed'; tokens: number } | { kind: 'normal'; mean: number; std: number } | { kind: 'uniform'; min: number; max: number };

export interface TokenLengths {
  input: LengthDistribution;
  output: LengthDistribution;
}

const NUMBER = String.raw`\s*(\d+(?:\.\d+)?)\s*`;
const PAIR = String.raw`\(${NUMBER},${NUMBER}\)`;
const NOTATION = new RegExp(String.raw`^\s*(?:D${PAIR}|([NU])${PAIR}\s*/\s*${PAIR})\s*$`, 'i');

/** What the notation must look like, for messages. */
export const TOKEN_LENGTHS_EXAMPLES = '"D(100,100)", "N(480,240)/(300,150)" or "U(50,100)/(200,300)"';

/** Parse the notation, or return the problem (without a path). */
export function tryParseTokenLengths(text: string): TokenLengths | string {
  const m = NOTATION.exec(text);
  if (m === null) return `${JSON.stringify(text)} is not a token-length distribution (expected ${TOKEN_LENGTHS_EXAMPLES})`;
  if (m[1] !== undefined) {
    const input = Number(m[1]);
    const output = Number(m[2]);
    if (!(input >= 1) || !(output >= 1)) return `${JSON.stringify(text)}: token counts must be at least 1`;
    return { input: { kind: 'fixed', tokens: Math.round(input) }, output: { kind: 'fixed', tokens: Math.round(output) } };
  }
  const kind = m[3]!.toUpperCase();
  const [a, b, c, d] = [m[4], m[5], m[6], m[7]].map(Number) as [number, number, number, number];
  if (kind === 'N') {
    if (!(a >= 1) || !(c >= 1)) return `${JSON.stringify(text)}: mean token counts must be at least 1`;
    return { input: { kind: 'normal', mean: a, std: b }, output: { kind: 'normal', mean: c, std: d } };
  }
  if (!(a >= 1) || !(c >= 1)) return `${JSON.stringify(text)}: token counts must be at least 1`;
  if (b < a || d < c) return `${JSON.stringify(text)}: a uniform range must be written (min,max) with min ≤ max`;
  return { input: { kind: 'uniform', min: Math.round(a), max: Math.round(b) }, output: { kind: 'uniform', min: Math.round(c), max: Math.round(d) } };
}

/** Parse the notation; throws LL_ERR_INVALID_OPTIONS naming `path`. */
export function parseTokenLengths(text: string, path = 'synthetic'): TokenLengths {
  const parsed = tryParseTokenLengths(text);
  if (typeof parsed === 'string') throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `${path}: ${parsed}`, { details: [`${path}: ${parsed}`] });
  return parsed;
}

/** Draw a whole number of tokens, ≥ 1. */
export function drawLength(dist: LengthDistribution, rng: Rng): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.tokens;
    case 'normal':
      return Math.max(1, Math.round(dist.mean + dist.std * normal(rng)));
    case 'uniform':
      return dist.min + Math.floor(rng() * (dist.max - dist.min + 1));
  }
}
