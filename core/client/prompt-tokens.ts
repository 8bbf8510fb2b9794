/**
 * The client-side prompt token estimate of a request (`inputTokensClient`,
 * vLLM bench's `total_input`). Scripts usually send the same prompt texts
 * again and again, so estimates are memoised per text: V8 caches a string's
 * hash on the string, so a repeated prompt costs one Map lookup instead of a
 * regex pass over the whole text.
 */
import { countTextTokens } from '../tokens/counter.js';
import { CHAT_TOKENS_PER_MESSAGE, CHAT_TOKENS_PER_PROMPT, contentText } from '../tokens/estimate.js';

/** Texts remembered before the memo is cleared (bounds its memory). */
const MEMO_LIMIT = 2048;
/** Shorter texts are cheaper to estimate than to memoise. */
const MEMO_MIN_CHARS = 64;
const memo = new Map<string, number>();

/** countTextTokens (the thread's tokenizer, else the estimate), memoised. */
export function textTokens(text: string): number {
  if (text.length < MEMO_MIN_CHARS) return countTextTokens(text);
  let tokens = memo.get(text);
  if (tokens === undefined) {
    tokens = countTextTokens(text);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, tokens);
  }
  return tokens;
}

/** Same rule as estimateChatPromptTokens (core/tokens/estimate.ts), with memoised texts. */
export function chatPromptTokens(messages: ReadonlyArray<{ content?: unknown }>): number {
  if (!Array.isArray(messages)) return 0;
  let tokens = CHAT_TOKENS_PER_PROMPT;
  // Array.isArray narrows a ReadonlyArray to any[]: restore the element type.
  for (const message of messages as ReadonlyArray<{ content?: unknown }>) {
    tokens += CHAT_TOKENS_PER_MESSAGE + textTokens(contentText(message?.content));
  }
  return tokens;
}

/** A completion prompt: a string, or a batch of strings (summed). */
export function completionPromptTokens(prompt: unknown): number {
  if (typeof prompt === 'string') return textTokens(prompt);
  if (!Array.isArray(prompt)) return 0;
  let tokens = 0;
  for (const part of prompt) if (typeof part === 'string') tokens += textTokens(part);
  return tokens;
}

/** A raw `vu.stream()` body: OpenAI `messages` or `prompt`, TGI `inputs`, else 0. */
export function rawPromptTokens(body: unknown): number {
  if (body === null || typeof body !== 'object') return 0;
  const json = body as { messages?: unknown; prompt?: unknown; inputs?: unknown };
  if (Array.isArray(json.messages)) return chatPromptTokens(json.messages as { content?: unknown }[]);
  if (json.prompt !== undefined) return completionPromptTokens(json.prompt);
  if (typeof json.inputs === 'string') return textTokens(json.inputs);
  return 0;
}
