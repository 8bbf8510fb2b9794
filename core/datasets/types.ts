/** What scripts get from `dataset()`: items to send, and how to build request bodies from them. */
import type { ChatBody, ChatMessage, CompletionBody } from '../client/request-types.js';

export interface DatasetItem {
  /** Position of the item in the dataset (0-based). */
  readonly index: number;
  /** The prompt text (for a conversation, its first user turn). */
  readonly prompt: string;
  /** Chat messages up to the first answer: an optional system message and the first user turn. */
  readonly messages: ChatMessage[];
  /** Every user turn of a multi-turn conversation (ShareGPT), in order; [prompt] otherwise. */
  readonly turns: string[];
  /** Prompt tokens: exact for synthetic items; counted by the client (tokenizer or estimate) for file items. */
  readonly inputTokens: number;
  /** Wanted output tokens (synthetic, a field of the row, the reference answer's length, or the dataset's outputTokens), or null. */
  readonly outputTokens: number | null;
  /** Tokens of the shared prefix the prompt starts with (synthetic datasets), else 0. */
  readonly prefixTokens: number;
  /** The row as read from the file ({} for synthetic items). */
  readonly data: Readonly<Record<string, unknown>>;
  /** A chat body: the messages, plus max_tokens = outputTokens and ignore_eos when the output length is known. */
  chat(extra?: Partial<ChatBody>): ChatBody;
  /** A completion body: the prompt, plus max_tokens = outputTokens and ignore_eos when the output length is known. */
  completion(extra?: Partial<CompletionBody>): CompletionBody;
}

/** The VU fields sampling reads. */
export interface DatasetVu {
  readonly id: number;
}

export interface Dataset {
  /** Items in the dataset; Infinity for a synthetic one (item k exists for every k). */
  readonly size: number;
  /**
   * The next item for this VU, by the dataset's sampling: 'sequential' (every call in the test
   * takes a different item until the dataset wraps), 'random' (seeded), 'per-vu' (VU k always
   * gets item k - 1, modulo the size).
   */
  next(vu?: DatasetVu): DatasetItem;
  /** Item `index` (modulo the size). */
  at(index: number): DatasetItem;
}
