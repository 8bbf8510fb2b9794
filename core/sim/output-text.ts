/**
 * Deterministic output text: the same seed gives the same words, and every
 * token is exactly one token under core/tokens/estimate.ts, so that
 * estimateTextTokens(whole answer) equals usage.completion_tokens.
 *
 * Tokens are: a word of at most 10 ASCII letters with a leading space
 * (" model"), the first word of the answer or of a paragraph without it
 * ("The"), a full stop ("."), or a paragraph break ("\n\n", only right after
 * a full stop). Two punctuation or two whitespace tokens are never adjacent,
 * since the estimate's pre-tokenizer would merge them into one piece.
 */
import { createRng, type Rng } from './random.js';

const WORDS = (
  'the model server batch token request user queue memory cache layer prompt answer output input ' +
  'system latency speed time step block engine scheduler decode prefill stream chunk value result ' +
  'data graph kernel device cluster network storage buffer thread worker process signal metric ' +
  'and of to in for with on at by from as is are was be can will may should each every more less ' +
  'this that these those when while after before because which where how why what only also then ' +
  'fast slow large small first last next other same long short high low full empty new old good ' +
  'run load test check build write read send keep hold take give make find show move serve scale ' +
  'grows drops waits starts stops holds fills frees limits returns measures reports improves ' +
  'throughput capacity pressure bandwidth precision attention sequence context window parallel'
).split(' ');

const LOWER = WORDS.map((w) => ` ${w}`);
const CAPITAL = WORDS.map((w) => (w[0] as string).toUpperCase() + w.slice(1));
const SPACED_CAPITAL = CAPITAL.map((w) => ` ${w}`);

/** Shortest and longest sentence, in words. */
const SENTENCE_MIN = 6;
const SENTENCE_MAX = 16;
/** Chance that a sentence ends its paragraph. */
const PARAGRAPH_END = 0.25;

type Position = 'start' | 'sentence-start' | 'in-sentence' | 'after-stop';

/** One answer's token stream. */
export class OutputText {
  readonly #rng: Rng;
  #position: Position = 'start';
  #wordsLeft = 0;

  constructor(seed: number) {
    this.#rng = createRng(seed);
  }

  /** The next token's text. */
  next(): string {
    const rng = this.#rng;
    switch (this.#position) {
      case 'start':
        this.#beginSentence();
        return CAPITAL[pick(rng, CAPITAL.length)] as string;
      case 'sentence-start':
        this.#beginSentence();
        return SPACED_CAPITAL[pick(rng, SPACED_CAPITAL.length)] as string;
      case 'after-stop':
        if (rng() < PARAGRAPH_END) {
          this.#position = 'start';
          return '\n\n';
        }
        this.#position = 'sentence-start';
        return this.next();
      case 'in-sentence':
        if (this.#wordsLeft === 0) {
          this.#position = 'after-stop';
          return '.';
        }
        this.#wordsLeft--;
        return LOWER[pick(rng, LOWER.length)] as string;
    }
  }

  /** The first `count` tokens, joined. */
  take(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) text += this.next();
    return text;
  }

  #beginSentence(): void {
    this.#position = 'in-sentence';
    this.#wordsLeft = SENTENCE_MIN - 1 + pick(this.#rng, SENTENCE_MAX - SENTENCE_MIN + 1);
  }
}

function pick(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
