/**
 * Collects a response body that is read whole: a non-stream JSON response
 * (no limit) or an HTTP error body (only the first `limit` bytes are kept;
 * the rest is read and dropped so that the connection stays usable).
 */
export class BodyCollector {
  #parts: Buffer[] = [];
  #bytes = 0;
  readonly #limit: number;

  /** `limit` in bytes; Infinity keeps everything. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  add(chunk: Buffer): void {
    const room = this.#limit - this.#bytes;
    if (room <= 0) return;
    // Copy what we keep: the chunk may be a view into a buffer that is reused.
    const kept = chunk.length <= room ? Buffer.from(chunk) : Buffer.from(chunk.subarray(0, room));
    this.#parts.push(kept);
    this.#bytes += kept.length;
  }

  /** The kept bytes decoded as UTF-8 (a character cut at the limit becomes U+FFFD). */
  text(): string {
    const parts = this.#parts;
    if (parts.length === 0) return '';
    if (parts.length === 1) return (parts[0] as Buffer).toString('utf8');
    return Buffer.concat(parts, this.#bytes).toString('utf8');
  }
}
