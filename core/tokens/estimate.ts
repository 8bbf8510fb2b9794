/**
 * The fixed token-count rule llmload uses when a server reports no usage, and
 * the rule the built-in simulator counts by (so against the simulator the
 * estimate is exact).
 *
 * A text is split the way GPT-2-style byte-level BPE pre-tokenizers split it
 * (contractions, an optional leading space plus a run of letters, runs of up to
 * three digits, an optional space plus a run of other symbols, whitespace), and
 * each piece counts one token, except that a letter run longer than
 * LONG_WORD_CHARS counts one token per LONG_WORD_CHARS characters (long words
 * are several BPE merges). On English prose this lands within ~10-15% of real
 * tokenizers; it is an estimate, and outputs mark it as one.
 */

/** Letters per token beyond which a single word counts as several tokens. */
const LONG_WORD_CHARS = 10;

// One alternative per piece kind; `u` for Unicode letter/number classes.
const PIECE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+/gu;

/** Estimated token count of a text (0 for the empty string). */
export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0;
  let tokens = 0;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) {
    const piece = m[0];
    const letters = piece.charCodeAt(0) === 32 ? piece.length - 1 : piece.length;
    tokens += letters > LONG_WORD_CHARS ? Math.ceil(letters / LONG_WORD_CHARS) : 1;
  }
  return tokens;
}

/** Tokens a chat template adds per message (role markers) and once per prompt (assistant header). */
export const CHAT_TOKENS_PER_MESSAGE = 4;
export const CHAT_TOKENS_PER_PROMPT = 3;

/** Estimated prompt tokens of a chat request: each message's content plus template overhead. */
export function estimateChatPromptTokens(messages: ReadonlyArray<{ content?: unknown }>): number {
  let tokens = CHAT_TOKENS_PER_PROMPT;
  for (const message of messages) {
    tokens += CHAT_TOKENS_PER_MESSAGE + estimateTextTokens(contentText(message.content));
  }
  return tokens;
}

/** The text of a message's content: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      text += (part as { text: string }).text;
    }
  }
  return text;
}
