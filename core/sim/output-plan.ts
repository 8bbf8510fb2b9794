/**
 * How many tokens an answer gets and why it ends, decided when the request
 * arrives so that the engine only has to count (engine.ts).
 *
 * Rules, as vLLM applies them:
 *  - ignore_eos: exactly max_tokens, finish_reason "length".
 *  - otherwise the answer's natural length (the preset's distribution, seeded
 *    per request), raised to min_tokens, capped at max_tokens; "length" when
 *    the cap cut it, "stop" when it ended by itself (EOS).
 *  - stop strings are checked on the text as it grows, from min_tokens on;
 *    the first match ends the answer with finish_reason "stop" and
 *    stop_reason set to the string; the stop string and anything after it
 *    are not sent (include_stop_str_in_output=false, vLLM's default).
 */
import type { OutputLengthDistribution } from './engine-config.js';
import { OutputText } from './output-text.js';
import { createRng, mixSeed, normal, type Rng } from './random.js';

export type FinishReason = 'stop' | 'length';

export interface OutputRequest {
  /** Resolved max_tokens (defaults applied), >= 1. */
  maxTokens: number;
  /** min_tokens, 0..maxTokens. */
  minTokens: number;
  ignoreEos: boolean;
  stop: readonly string[];
  /** Seeds both the natural length and the text. */
  seed: number;
}

export interface OutputPlan {
  /** Tokens to generate (usage.completion_tokens). */
  tokens: number;
  finishReason: FinishReason;
  /** The stop string that ended the answer (vLLM's stop_reason), else null. */
  stopReason: string | null;
  /** Characters of the generated text the client sees (the text is cut before a stop string); null = all of it. */
  visibleChars: number | null;
}

/** Draw a natural answer length, >= 1. */
export function naturalLength(dist: OutputLengthDistribution, rng: Rng): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.tokens;
    case 'uniform':
      return dist.min + Math.floor(rng() * (dist.max - dist.min + 1));
    case 'lognormal':
      return Math.max(1, Math.round(dist.median * Math.exp(dist.sigma * normal(rng))));
  }
}

/** Decide the answer's length and finish reason. Pure: same inputs, same plan. */
export function planOutput(dist: OutputLengthDistribution, req: OutputRequest): OutputPlan {
  let tokens: number;
  let finishReason: FinishReason;
  if (req.ignoreEos) {
    tokens = req.maxTokens;
    finishReason = 'length';
  } else {
    // A separate stream from the text's, so adding a stop string never changes the length drawn.
    const natural = Math.max(naturalLength(dist, createRng(mixSeed(req.seed, 0x1e46))), req.minTokens, 1);
    tokens = Math.min(natural, req.maxTokens);
    finishReason = natural >= req.maxTokens ? 'length' : 'stop';
  }
  if (req.stop.length === 0) return { tokens, finishReason, stopReason: null, visibleChars: null };
  const match = findStop(req, tokens);
  if (match === null) return { tokens, finishReason, stopReason: null, visibleChars: null };
  return { tokens: match.tokens, finishReason: 'stop', stopReason: match.stop, visibleChars: match.start };
}

/** First stop-string match completed by a token at or after min_tokens, within `limit` tokens. */
function findStop(req: OutputRequest, limit: number): { tokens: number; stop: string; start: number } | null {
  const text = new OutputText(req.seed);
  let all = '';
  const from = Math.max(1, req.minTokens);
  for (let i = 1; i <= limit; i++) {
    const before = all.length;
    all += text.next();
    if (i < from) continue;
    let best: { stop: string; start: number } | null = null;
    for (const stop of req.stop) {
      if (stop.length === 0) continue;
      // Only matches that end inside the new token's text: earlier ones were before min_tokens.
      const at = all.indexOf(stop, Math.max(0, before - stop.length + 1));
      if (at >= 0 && at + stop.length > before && (best === null || at < best.start)) best = { stop, start: at };
    }
    if (best !== null) return { tokens: i, ...best };
  }
  return null;
}
