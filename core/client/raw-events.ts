/**
 * How `vu.stream()` reads one event of a non-OpenAI (or OpenAI) stream:
 * OpenAI chunks with the full chat/completions rules, else the script's
 * `textOf`, else the native shapes (TGI, Ollama) or a plain-text event.
 * Usage comes from `usage`, or from Ollama's and TGI's own counts.
 */
import { CONTENT_TOKEN, NO_TOKEN, nativeTextOf, nativeUsageOf, readStreamChunk, type Accumulator, type TokenKind } from './openai-events.js';

/** The script's text extractor: undefined for an event that carries no token. */
export type TextOf = (event: unknown) => string | undefined;

/** Read one raw-stream event into `acc`. A throwing `textOf` propagates (the caller turns it into a failure). */
export function readRawEvent(event: unknown, textOf: TextOf | null, acc: Accumulator): TokenKind {
  const isObject = event !== null && typeof event === 'object';
  if (textOf === null && isObject && 'choices' in event) return readStreamChunk(event, acc);
  if (isObject) {
    const usage = (event as { usage?: unknown }).usage;
    if (usage !== null && typeof usage === 'object') acc.usage = usage;
    else acc.usage = nativeUsageOf(event) ?? acc.usage;
  }
  let text: string | undefined;
  if (textOf !== null) text = textOf(event);
  else if (typeof event === 'string') text = event.length > 0 ? event : undefined;
  else text = nativeTextOf(event);
  if (text === undefined) return NO_TOKEN;
  acc.text += text;
  return CONTENT_TOKEN;
}

/** NDJSON streams (Ollama) mark their last event with `done: true`. */
export function isDoneMarker(event: unknown): boolean {
  return event !== null && typeof event === 'object' && (event as { done?: unknown }).done === true;
}
