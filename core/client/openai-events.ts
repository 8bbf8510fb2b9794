/**
 * What one parsed event (or a whole non-stream body) says: generated text,
 * whether it bears a token (METRICS.md `t_first` / `t_i`), finish reason,
 * usage, or an error object. Pure functions over JSON.parse output, writing
 * into a caller-owned accumulator so that nothing is allocated per event
 * beyond the string concatenation of the text itself.
 */
import type { Usage } from './types.js';

/** What an event carried: nothing token-bearing, reasoning only, or content/tool calls. */
export const NO_TOKEN = 0;
export const REASONING_TOKEN = 1;
export const CONTENT_TOKEN = 2;
export type TokenKind = typeof NO_TOKEN | typeof REASONING_TOKEN | typeof CONTENT_TOKEN;

/** The generated output of one request, built up event by event. */
export interface Accumulator {
  text: string;
  reasoning: string;
  /** Concatenated tool-call arguments (they count as output tokens). */
  toolArgs: string;
  finishReason: string | null;
  usage: Usage | null;
}

interface ToolCallJson {
  function?: { arguments?: unknown } | null;
}
interface MessageJson {
  content?: unknown;
  reasoning_content?: unknown;
  reasoning?: unknown;
  tool_calls?: unknown;
}
interface ChoiceJson {
  delta?: MessageJson | null;
  message?: MessageJson | null;
  text?: unknown;
  finish_reason?: unknown;
}
/** The fields of an OpenAI-style chunk or response that llmload reads. */
interface ChunkJson {
  choices?: unknown;
  usage?: unknown;
  error?: unknown;
  object?: unknown;
  message?: unknown;
  detail?: unknown;
}

/** A fresh, empty accumulator. */
export function newAccumulator(): Accumulator {
  return { text: '', reasoning: '', toolArgs: '', finishReason: null, usage: null };
}

/**
 * Read one streamed chunk: chat (`choices[0].delta`) or completions
 * (`choices[0].text`), plus `usage` when present (the usage chunk has
 * `choices: []`; with vLLM's continuous usage every chunk has one, the last wins).
 */
export function readStreamChunk(chunk: unknown, acc: Accumulator): TokenKind {
  const json = chunk as ChunkJson;
  const usage = json.usage;
  if (usage !== undefined && usage !== null && typeof usage === 'object') acc.usage = usage;
  const choices = json.choices;
  if (!Array.isArray(choices) || choices.length === 0) return NO_TOKEN;
  const choice = choices[0] as ChoiceJson | null | undefined;
  if (choice === null || typeof choice !== 'object') return NO_TOKEN;
  const finish = choice.finish_reason;
  if (typeof finish === 'string') acc.finishReason = finish;
  const delta = choice.delta;
  if (delta !== undefined && delta !== null) return readMessage(delta, acc);
  const text = choice.text;
  if (typeof text === 'string' && text.length > 0) {
    acc.text += text;
    return CONTENT_TOKEN;
  }
  return NO_TOKEN;
}

/** Read a whole non-stream response: `choices[0].message` (chat) or `choices[0].text` (completions), and usage. */
export function readFullResponse(body: unknown, acc: Accumulator): TokenKind {
  const json = body as ChunkJson;
  const usage = json.usage;
  if (usage !== undefined && usage !== null && typeof usage === 'object') acc.usage = usage;
  const choices = json.choices;
  if (!Array.isArray(choices) || choices.length === 0) return NO_TOKEN;
  const choice = choices[0] as ChoiceJson | null | undefined;
  if (choice === null || typeof choice !== 'object') return NO_TOKEN;
  if (typeof choice.finish_reason === 'string') acc.finishReason = choice.finish_reason;
  const message = choice.message;
  if (message !== undefined && message !== null) return readMessage(message, acc);
  if (typeof choice.text === 'string' && choice.text.length > 0) {
    acc.text += choice.text;
    return CONTENT_TOKEN;
  }
  return NO_TOKEN;
}

/** Content, reasoning (`reasoning_content`, or `reasoning` in newer vLLM) and tool calls of a delta or message. */
function readMessage(message: MessageJson, acc: Accumulator): TokenKind {
  let kind: TokenKind = NO_TOKEN;
  let reasoning = message.reasoning_content;
  if (typeof reasoning !== 'string' || reasoning.length === 0) reasoning = message.reasoning;
  if (typeof reasoning === 'string' && reasoning.length > 0) {
    acc.reasoning += reasoning;
    kind = REASONING_TOKEN;
  }
  const content = message.content;
  if (typeof content === 'string' && content.length > 0) {
    acc.text += content;
    kind = CONTENT_TOKEN;
  }
  const toolCalls = message.tool_calls;
  if (Array.isArray(toolCalls) && toolCalls.length > 0) {
    for (const call of toolCalls as (ToolCallJson | null)[]) {
      const args = call?.function?.arguments;
      if (typeof args === 'string') acc.toolArgs += args;
    }
    kind = CONTENT_TOKEN;
  }
  return kind;
}

/**
 * The server's message when the value is an error object, else null:
 * OpenAI `{"error":{"message":…}}`, vLLM `{"object":"error","message":…}`,
 * TGI/Ollama `{"error":"…"}`, FastAPI `{"detail":…}` (only when `detail` is
 * the sole field, so that a chunk with a `detail` field of its own is not an error).
 */
export function errorMessageOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const json = value as ChunkJson;
  const error = json.error;
  if (typeof error === 'string') return error;
  if (error !== undefined && error !== null && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    return typeof message === 'string' ? message : JSON.stringify(error);
  }
  if (json.object === 'error') return typeof json.message === 'string' ? json.message : 'error';
  if (json.detail !== undefined && Object.keys(json).length === 1) {
    return typeof json.detail === 'string' ? json.detail : JSON.stringify(json.detail);
  }
  return null;
}

/**
 * Default text extractor of `vu.stream()` for events that are not OpenAI
 * chunks: TGI `/generate_stream` (`token.text`; a special token such as EOS
 * is a token but adds no text), Ollama `/api/chat` (`message.content`) and
 * `/api/generate` (`response`).
 */
export function nativeTextOf(event: unknown): string | undefined {
  if (event === null || typeof event !== 'object') return undefined;
  const json = event as { token?: { text?: unknown; special?: unknown } | null; message?: unknown; response?: unknown };
  const token = json.token;
  if (token !== undefined && token !== null && typeof token === 'object') {
    if (token.special === true) return '';
    return typeof token.text === 'string' ? token.text : undefined;
  }
  const message = json.message;
  if (message !== null && typeof message === 'object') {
    const content = (message as { content?: unknown }).content;
    return typeof content === 'string' && content.length > 0 ? content : undefined;
  }
  const response = json.response;
  return typeof response === 'string' && response.length > 0 ? response : undefined;
}

/** The default `textOf` of `vu.stream()`: OpenAI chat/completions deltas, then the native shapes. */
export function defaultTextOf(event: unknown): string | undefined {
  if (event !== null && typeof event === 'object' && Array.isArray((event as ChunkJson).choices)) {
    const acc = newAccumulator();
    const kind = readStreamChunk(event, acc);
    return kind === NO_TOKEN ? undefined : acc.reasoning + acc.text + acc.toolArgs;
  }
  return nativeTextOf(event);
}

/**
 * Token counts reported by non-OpenAI servers, as a Usage: Ollama's final
 * event (`eval_count`, `prompt_eval_count`), TGI's `details.generated_tokens`.
 */
export function nativeUsageOf(event: unknown): Usage | null {
  if (event === null || typeof event !== 'object') return null;
  const json = event as { eval_count?: unknown; prompt_eval_count?: unknown; details?: unknown };
  if (typeof json.eval_count === 'number') {
    const usage: Usage = { completion_tokens: json.eval_count };
    if (typeof json.prompt_eval_count === 'number') usage.prompt_tokens = json.prompt_eval_count;
    return usage;
  }
  const details = json.details;
  if (details !== null && typeof details === 'object') {
    const generated = (details as { generated_tokens?: unknown }).generated_tokens;
    if (typeof generated === 'number') return { completion_tokens: generated };
  }
  return null;
}
