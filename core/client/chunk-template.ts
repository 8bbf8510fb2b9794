/**
 * A cheaper, exact reading of the events of one stream that differ only in
 * their text. An OpenAI-compatible server writes every token of an answer as
 * the same JSON with another `content` (or completions `text`) string:
 *
 *   {"id":"chatcmpl-7","object":"chat.completion.chunk",…,"delta":{"content":" the"},…}
 *
 * Once one event of the stream has been read with JSON.parse, the text
 * before and after its content string is the stream's template; a later
 * event that is that prefix, a string body with nothing JSON would unescape
 * (no `"`, `\` or control character), and that suffix is the same JSON
 * with another text, so its content is the slice between: no parse and no
 * object tree per event. Anything else (escapes, a finish or usage chunk,
 * an error, another shape) is not a match and goes to JSON.parse as before.
 *
 * Why a match is exact: the template is only kept when the learned event
 * adds its text and nothing else (no reasoning, tool calls, finish reason,
 * usage or error), and when the same prefix and suffix around a different
 * one-letter text also parse to an event that adds exactly that letter.
 * The two texts differ in one JSON string token; a token read as the text
 * both times is the content value itself (a key, or any other value, could
 * not turn two different letters into the text), so any other safe text in
 * its place is read as that text and the rest of the event is unchanged.
 */
import { CONTENT_TOKEN, errorMessageOf, newAccumulator, readStreamChunk, type Accumulator } from './openai-events.js';

/** The text around an event's content string; the content lies between, with no JSON escape in it. */
export interface ChunkTemplate {
  readonly prefix: string;
  readonly suffix: string;
}

const QUOTE = 34;
const BACKSLASH = 92;
/** Code units from 0x20 on may appear unescaped in a JSON string, except `"` and `\`. */
const FIRST_PLAIN = 32;

/**
 * The template of `data`, an event that JSON.parse read as `event`, or null when the event does
 * not add text alone or its text cannot be told apart from the JSON around it.
 */
export function learnChunkTemplate(data: string, event: unknown): ChunkTemplate | null {
  const text = textAlone(event);
  if (text === null || !isPlain(text, 0, text.length)) return null;
  const quoted = data.lastIndexOf(`"${text}"`);
  if (quoted === -1) return null;
  const at = quoted + 1;
  // Another text in the same place must parse to an event that adds that text alone.
  const probe = text === 'x' ? 'y' : 'x';
  // A new string, not slices of `data`: the template outlives the chunk `data` was cut from.
  const joined = data.slice(0, at) + probe + data.slice(at + text.length);
  let probed: unknown;
  try {
    probed = JSON.parse(joined);
  } catch {
    return null;
  }
  if (textAlone(probed) !== probe) return null;
  return { prefix: joined.slice(0, at), suffix: joined.slice(at + probe.length) };
}

/**
 * The content of `data` when it is the template's event with another text (non-empty, nothing
 * escaped), else null. Allocates nothing but the returned slice.
 */
export function contentByTemplate(data: string, template: ChunkTemplate): string | null {
  const { prefix, suffix } = template;
  const end = data.length - suffix.length;
  if (end <= prefix.length || !data.startsWith(prefix) || !data.endsWith(suffix) || !isPlain(data, prefix.length, end)) return null;
  return data.slice(prefix.length, end);
}

/** The text an event adds when it adds nothing else (and is no error), else null. */
function textAlone(event: unknown): string | null {
  if (errorMessageOf(event) !== null) return null;
  const acc: Accumulator = newAccumulator();
  if (readStreamChunk(event, acc) !== CONTENT_TOKEN) return null;
  if (acc.reasoning !== '' || acc.toolArgs !== '' || acc.finishReason !== null || acc.usage !== null) return null;
  return acc.text;
}

/** text[start, end) holds nothing that a JSON string would have escaped. */
function isPlain(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < FIRST_PLAIN || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}
