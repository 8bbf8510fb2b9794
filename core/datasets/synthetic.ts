/**
 * Synthetic prompts with exact token counts: item k of a synthetic dataset
 * is a pure function of (seed, k), so every worker builds the same items
 * without sharing anything.
 *
 * A prompt of n tokens is n words from ./words.ts separated by single
 * spaces: one token per word under core/tokens/estimate.ts, which is also
 * how the built-in simulator counts, so its usage.prompt_tokens is exactly n
 * for /v1/completions. A chat request adds the template's tokens on top
 * (CHAT_TOKENS_PER_PROMPT + CHAT_TOKENS_PER_MESSAGE = 7 for one user message
 * under the same rule), as every server's usage does: the distribution is
 * that of the prompt text, as in genai-bench and `vllm bench serve`.
 *
 * Words are drawn at random per item, so by default no two prompts share a
 * KV block and a prefix cache gets no hits (seed 000: "each user sent a
 * different prompt to prevent artificial caching benefits"). A shared prefix
 * puts the same first words in front of the prompts that get it, so cache
 * hits can be had deliberately: prefix / input tokens of each such prompt.
 */
import { createRng, mixSeed, type Rng } from '../executors/random.js';
import { drawLength, type TokenLengths } from './token-lengths.js';
import { WORDS } from './words.js';

export interface SharedPrefix {
  /** Tokens of the shared prefix (capped at the prompt's own length). */
  tokens: number;
  /** Share of prompts that start with it, 0..1. */
  fraction: number;
}

export interface SyntheticSpec {
  lengths: TokenLengths;
  seed: number;
  prefix: SharedPrefix | null;
}

export interface SyntheticItem {
  prompt: string;
  inputTokens: number;
  outputTokens: number;
  /** Tokens of the shared prefix this prompt starts with (0 when it has none). */
  prefixTokens: number;
}

/** `count` words drawn from `rng`, joined by single spaces: exactly `count` tokens. */
export function randomWords(rng: Rng, count: number): string {
  const words = new Array<string>(count);
  for (let i = 0; i < count; i++) words[i] = WORDS[Math.floor(rng() * WORDS.length)]!;
  return words.join(' ');
}

export class SyntheticPrompts {
  readonly spec: SyntheticSpec;
  /** The shared prefix's words, drawn once. */
  readonly #prefixWords: string[];

  constructor(spec: SyntheticSpec) {
    this.spec = spec;
    const prefixRng = createRng(mixSeed(spec.seed, 0x7072_6566)); // 'pref'
    this.#prefixWords = spec.prefix === null ? [] : randomWords(prefixRng, spec.prefix.tokens).split(' ');
  }

  /** Item k (any k ≥ 0). */
  item(k: number): SyntheticItem {
    const rng = createRng(mixSeed(this.spec.seed, k));
    const inputTokens = drawLength(this.spec.lengths.input, rng);
    const outputTokens = drawLength(this.spec.lengths.output, rng);
    const prefix = this.spec.prefix;
    const prefixTokens = prefix !== null && rng() < prefix.fraction ? Math.min(prefix.tokens, inputTokens) : 0;
    const own = randomWords(rng, inputTokens - prefixTokens);
    const head = prefixTokens > 0 ? this.#prefixWords.slice(0, prefixTokens).join(' ') : '';
    const prompt = head === '' ? own : own === '' ? head : `${head} ${own}`;
    return { prompt, inputTokens, outputTokens, prefixTokens };
  }
}
