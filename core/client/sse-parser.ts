/**
 * Incremental Server-Sent Events parser over raw response bytes.
 *
 * Contract: `feed()` accepts the body in chunks split anywhere (inside a
 * line, inside a multi-byte UTF-8 character, between CR and LF) and calls
 * `sink.onEvent(data, type)` once per complete event, in order; `end()` flushes
 * at end of stream. Follows the WHATWG HTML "event stream interpretation"
 * rules (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * lines end with CRLF, LF or a lone CR; a line starting with ':' is a comment;
 * `data` lines are joined with LF; an empty line dispatches the event; a
 * leading BOM is skipped. `id` and `retry` are ignored (we never reconnect).
 *
 * Hot path: this runs once per network chunk of every stream. Per chunk, one
 * native byte search finds the last line terminator (`lastIndexOf` on the
 * Buffer; CR and LF bytes never occur inside a multi-byte UTF-8 sequence, so
 * cutting there never splits a character) and one native call decodes the
 * whole lines before it. Lines are then found with the string `indexOf`
 * builtin and fields compared by char code; a `data` value is a slice of the
 * decoded chunk (V8 shares the characters, no copy), so an event with one
 * `data` line allocates one small string object and `[DONE]` none. Bytes
 * after the last terminator are copied into a carry buffer that the parser
 * keeps and reuses, and joined with the next chunk before decoding.
 *
 * Decoding each chunk once, rather than each event separately, matters when
 * the server writes faster than we read and many events share one chunk: the
 * per-call overhead of decoding and of Buffer#indexOf is paid per chunk, not
 * per event (see test/bench/sse-parser.ts).
 */

/** Receives one complete event. `data` is the joined data lines; `type` is the `event` field or 'message'. */
export interface SseSink {
  onEvent(data: string, type: string): void;
}

/** The OpenAI stream terminator as a shared constant, so that `data === DONE` compares by identity first. */
export const DONE = '[DONE]';

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
/** U+FEFF, what a UTF-8 BOM decodes to. */
const BOM = 0xfeff;
const DEFAULT_TYPE = 'message';

export class SseParser {
  #sink: SseSink;
  /** Bytes after the last line terminator seen ([0, #carryLen)); the buffer is kept and reused. */
  #carry: Buffer | null = null;
  #carryLen = 0;
  /** The decoded text ended with CR: a LF at the start of the next one belongs to it. */
  #skipLf = false;
  /** A CR has been seen: take the slower path that looks for lone-CR line ends. */
  #crSeen = false;
  /** Still before the first character (a BOM may need skipping). */
  #first = true;
  /** Data of the event being built; null when it has no data line yet. */
  #data: string | null = null;
  #type: string = DEFAULT_TYPE;

  constructor(sink: SseSink) {
    this.#sink = sink;
  }

  /** Parse one chunk of the body. */
  feed(buf: Buffer): void {
    const len = buf.length;
    if (len === 0) return;
    let cut = buf.lastIndexOf(LF);
    // Lines may also end with a lone CR: once the stream has shown a CR, cut after the last of either.
    if (cut === -1 || this.#crSeen) cut = Math.max(cut, buf.lastIndexOf(CR));
    if (cut === -1) {
      // No line ends in this chunk: keep it all for later.
      this.#keep(buf, 0, len);
      return;
    }
    let text: string;
    if (this.#carryLen > 0) {
      this.#keep(buf, 0, cut + 1);
      // No encoding argument: Buffer#toString goes straight to its UTF-8 decoder.
      text = (this.#carry as Buffer).toString(undefined, 0, this.#carryLen);
      this.#carryLen = 0;
    } else {
      text = buf.toString(undefined, 0, cut + 1);
    }
    if (cut + 1 < len) this.#keep(buf, cut + 1, len);
    this.#lines(text, false);
  }

  /**
   * End of stream. The spec discards an event that no blank line terminated;
   * we deliver it (and a final unterminated line), because a server that
   * closed the response normally has sent all it meant to.
   */
  end(): void {
    if (this.#carryLen > 0) {
      const text = (this.#carry as Buffer).toString(undefined, 0, this.#carryLen);
      this.#carryLen = 0;
      this.#lines(text, true);
    }
    if (this.#data !== null) this.#dispatch();
  }

  /** Append buf[start, end) to the carry (copied: the chunk may be a view into a buffer that is reused). */
  #keep(buf: Buffer, start: number, end: number): void {
    const need = this.#carryLen + end - start;
    let carry = this.#carry;
    if (carry === null || carry.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(256, need * 2));
      if (carry !== null) carry.copy(grown, 0, 0, this.#carryLen);
      this.#carry = carry = grown;
    }
    buf.copy(carry, this.#carryLen, start, end);
    this.#carryLen = need;
  }

  /** Interpret `text`: whole lines, each ended by CR, LF or CRLF; at end of stream the last may be unterminated. */
  #lines(text: string, last: boolean): void {
    const n = text.length;
    let pos = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    if (this.#first) {
      this.#first = false;
      if (text.charCodeAt(pos) === BOM) pos++;
    }
    if (!last && !this.#crSeen && text.indexOf('\r', pos) === -1) {
      // LF only (the usual case): every line ends at the next LF, and the text ends with one.
      while (pos < n) {
        if (text.charCodeAt(pos) === LF) {
          this.#blank();
          pos++;
          continue;
        }
        const lf = text.indexOf('\n', pos);
        this.#line(text, pos, lf);
        pos = lf + 1;
      }
      return;
    }
    this.#crSeen = true;
    while (pos < n) {
      let lf = text.indexOf('\n', pos);
      const cr = text.indexOf('\r', pos);
      if (lf === -1) lf = n;
      if (cr !== -1 && cr < lf) {
        // "CR LF", or a lone CR: either ends the line.
        this.#line(text, pos, cr);
        if (cr + 1 < n) pos = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        else {
          this.#skipLf = true;
          pos = n;
        }
      } else {
        this.#line(text, pos, lf);
        pos = lf + 1;
      }
    }
  }

  /** Interpret the line text[start, end) (terminator excluded). */
  #line(text: string, start: number, end: number): void {
    if (start === end) {
      this.#blank();
      return;
    }
    const c0 = text.charCodeAt(start);
    // "If the line starts with a U+003A COLON character: ignore the line."
    if (c0 === COLON) return;
    // Fast path: the field name is exactly `data`.
    if (
      c0 === 100 &&
      end - start >= 4 &&
      text.charCodeAt(start + 1) === 97 &&
      text.charCodeAt(start + 2) === 116 &&
      text.charCodeAt(start + 3) === 97 &&
      (end - start === 4 || text.charCodeAt(start + 4) === COLON)
    ) {
      let v = start + 5;
      if (v > end) v = end;
      // "If value starts with a U+0020 SPACE character, remove it from value."
      else if (v < end && text.charCodeAt(v) === SPACE) v++;
      // "Append the field value to the data buffer, then append a single U+000A LINE FEED":
      // the final LF is removed again at dispatch, so keep the joined form directly.
      const value = end - v === 6 && text.startsWith(DONE, v) ? DONE : text.slice(v, end);
      this.#data = this.#data === null ? value : `${this.#data}\n${value}`;
      return;
    }
    this.#otherField(text, start, end);
  }

  /** "If the line is empty (a blank line): dispatch the event." */
  #blank(): void {
    if (this.#data !== null) this.#dispatch();
    else this.#type = DEFAULT_TYPE;
  }

  /** Any field other than `data`: only `event` matters here. */
  #otherField(text: string, start: number, end: number): void {
    let colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) colon = end;
    if (colon - start !== 5 || !text.startsWith('event', start)) return;
    let v = colon + 1;
    if (v < end && text.charCodeAt(v) === SPACE) v++;
    this.#type = v >= end ? '' : text.slice(v, end);
  }

  #dispatch(): void {
    const data = this.#data as string;
    const type = this.#type === '' ? DEFAULT_TYPE : this.#type;
    this.#data = null;
    this.#type = DEFAULT_TYPE;
    this.#sink.onEvent(data, type);
  }
}
