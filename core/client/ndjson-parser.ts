/**
 * Incremental newline-delimited JSON splitter (Ollama, some TGI and llama.cpp
 * endpoints): one JSON value per LF-terminated line, an optional CR before the
 * LF, blank lines skipped. Like the SSE parser it accepts chunks split
 * anywhere and decodes each line once; it hands out the line's text and leaves
 * JSON.parse to the caller, through the same sink interface.
 */
import type { SseSink } from './sse-parser.js';

const LF = 10;
const CR = 13;
const NDJSON_TYPE = 'ndjson';

export class NdjsonParser {
  #sink: SseSink;
  #carry: Buffer | null = null;

  constructor(sink: SseSink) {
    this.#sink = sink;
  }

  /** Parse one chunk of the body. */
  feed(chunk: Buffer): void {
    let buf = chunk;
    if (this.#carry !== null) {
      buf = Buffer.concat([this.#carry, chunk]);
      this.#carry = null;
    }
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      const lf = buf.indexOf(LF, pos);
      if (lf === -1) {
        const rest = Buffer.allocUnsafe(len - pos);
        buf.copy(rest, 0, pos, len);
        this.#carry = rest;
        return;
      }
      this.#line(buf, pos, lf);
      pos = lf + 1;
    }
  }

  /** End of stream: a last line without LF still counts. */
  end(): void {
    const carry = this.#carry;
    if (carry === null) return;
    this.#carry = null;
    this.#line(carry, 0, carry.length);
  }

  #line(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end--;
    // Skip blank (whitespace-only) lines without decoding them.
    while (start < end && (buf[start] === 32 || buf[start] === 9)) start++;
    if (start === end) return;
    this.#sink.onEvent(buf.toString('utf8', start, end), NDJSON_TYPE);
  }
}
