/**
 * Prompt tokens as the simulator sees them: a count (always the fixed rule in
 * core/tokens/estimate.ts, so a client's estimate equals the simulator's
 * usage) and the chained hashes of its full KV blocks (for prefix caching).
 *
 * For hashing, the text is cut into pieces with the same rule the estimate
 * counts by; a chat prompt adds the template's marker pieces around each
 * message (CHAT_TOKENS_PER_MESSAGE) and the assistant header
 * (CHAT_TOKENS_PER_PROMPT). Block j's hash covers every piece before the end
 * of block j, so two prompts share leading hashes exactly as long as they
 * share leading blocks, like vLLM's block hashes (hash of parent + tokens).
 */
import { contentText, estimateChatPromptTokens, estimateTextTokens } from '../tokens/estimate.js';
import { hashString } from './random.js';

/** Same pieces as core/tokens/estimate.ts (GPT-2-style pre-tokenizer). */
const PIECE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+/gu;
/** Same as estimate.ts: a letter run longer than this counts one token per this many letters. */
const LONG_WORD_CHARS = 10;

export interface PromptTokens {
  /** Token count (estimateTextTokens / estimateChatPromptTokens). */
  count: number;
  /** Chained hashes of the full blocks, floor(count / blockSize) of them. */
  blockHashes: string[];
}

/** Cut a text into token pieces, one string per counted token. */
export function textPieces(text: string, out: string[] = []): string[] {
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) {
    const piece = m[0];
    const letters = piece.charCodeAt(0) === 32 ? piece.length - 1 : piece.length;
    if (letters <= LONG_WORD_CHARS) {
      out.push(piece);
      continue;
    }
    // Several tokens for a long word: split into LONG_WORD_CHARS-letter parts (the leading space rides on the first).
    const parts = Math.ceil(letters / LONG_WORD_CHARS);
    const offset = piece.length - letters;
    for (let k = 0; k < parts; k++) {
      out.push(piece.slice(k === 0 ? 0 : offset + k * LONG_WORD_CHARS, offset + (k + 1) * LONG_WORD_CHARS));
    }
  }
  return out;
}

/** Chained hashes of each full block of `pieces`. `salt` separates unrelated prompt kinds (chat vs completion). */
export function blockHashes(pieces: readonly string[], blockSize: number, salt: string): string[] {
  const hashes: string[] = [];
  let parent = salt;
  const full = Math.floor(pieces.length / blockSize);
  for (let j = 0; j < full; j++) {
    // A separator between pieces keeps ["ab","c"] and ["a","bc"] apart.
    parent = hashString(`${parent}\u0000${pieces.slice(j * blockSize, (j + 1) * blockSize).join('\u0001')}`);
    hashes.push(parent);
  }
  return hashes;
}

/** Make the piece list exactly `count` long (the count rule wins if the two ever disagree). */
function fit(pieces: string[], count: number): string[] {
  if (pieces.length > count) pieces.length = count;
  while (pieces.length < count) pieces.push('\u0002');
  return pieces;
}

/** Tokens of a /v1/completions prompt given as text. */
export function completionPromptTokens(prompt: string, blockSize: number): PromptTokens {
  const count = estimateTextTokens(prompt);
  const pieces = fit(textPieces(prompt), count);
  return { count, blockHashes: blockHashes(pieces, blockSize, 'completion') };
}

/** Tokens of a /v1/completions prompt given as token ids. */
export function tokenIdPromptTokens(ids: readonly number[], blockSize: number): PromptTokens {
  return { count: ids.length, blockHashes: blockHashes(ids.map(String), blockSize, 'ids') };
}

/** Tokens of a /v1/chat/completions prompt: the messages plus template overhead. */
export function chatPromptTokens(messages: ReadonlyArray<{ role?: unknown; content?: unknown }>, blockSize: number): PromptTokens {
  const count = estimateChatPromptTokens(messages);
  const pieces: string[] = [];
  for (const message of messages) {
    const role = typeof message.role === 'string' ? message.role : '';
    // CHAT_TOKENS_PER_MESSAGE (4) markers: start, role, newline … end. If the rule's constants change,
    // fit() pads or trims so hashes stay prefix-consistent and the count still follows the rule.
    pieces.push('<|im_start|>', role, '\n');
    textPieces(contentText(message.content), pieces);
    pieces.push('<|im_end|>');
  }
  // CHAT_TOKENS_PER_PROMPT markers: the assistant header.
  pieces.push('<|im_start|>', 'assistant', '\n');
  return { count, blockHashes: blockHashes(fit(pieces, count), blockSize, 'chat') };
}
