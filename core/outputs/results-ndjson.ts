/**
 * Writes raw results as NDJSON (one JSON object per line) as they arrive, so a
 * crash or Ctrl-C loses nothing that finished. Lines: `{"type":"request",…}`
 * per request (RequestRecord), `{"type":"sample",…}` per custom-metric or check
 * sample, `{"type":"health",…}` per load generator thread and interval, one `{"type":"meta",…}` line first describing the run, and, when
 * the run got to its end, one `{"type":"end",…}` line last with what the
 * report needs beyond the records (threshold results, options, server info:
 * core/report/run-end.ts), so `llmload report` can rebuild the whole report.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { makeDirSync } from './make-dir.js';
import { dirname } from 'node:path';
import type { RequestRecord } from '../client/types.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { llmloadVersion } from '../loading/version.js';
import type { HealthReading } from '../metrics/load-generator.js';
import type { SampleTuple } from '../workers/messages.js';

// llm_load_delivered is one sample per arrival; its per-row sums go in the end line (`load`) instead.
const ENGINE_SAMPLES = new Set(['iterations', 'iteration_duration', 'interrupted_iterations', 'iteration_errors', 'llm_load_delivered']);

export class ResultsWriter {
  readonly path: string;
  readonly #stream: WriteStream;
  #error: Error | undefined;
  #lines = 0;

  constructor(path: string, meta: Record<string, unknown>) {
    this.path = path;
    try {
      makeDirSync(dirname(path));
    } catch (error) {
      throw new LlmloadError(ErrorCode.OUTPUT, `cannot create the folder for ${path}: ${(error as Error).message}`, { cause: error });
    }
    this.#stream = createWriteStream(path, { flags: 'w' });
    this.#stream.on('error', (error) => (this.#error ??= error));
    this.#stream.write(JSON.stringify({ type: 'meta', format: 'llmload-results', version: 1, llmloadVersion: llmloadVersion(), ...meta }) + '\n');
  }

  /** Request lines written so far. */
  get lines(): number {
    return this.#lines;
  }

  /** Append one batch as a single write (cheaper than one write per line). */
  writeBatch(records: readonly RequestRecord[], samples: readonly SampleTuple[]): void {
    let chunk = '';
    for (const record of records) chunk += JSON.stringify(record) + '\n';
    for (const [name, type, value, tags, isTime] of samples) {
      // Per-iteration engine counters add nothing the request lines don't say; custom metrics and checks stay.
      if (ENGINE_SAMPLES.has(name)) continue;
      // isTime only when set: a time Trend's report shows its values as durations.
      chunk += `{"type":"sample","metric":${JSON.stringify(name)},"metricType":"${type}","value":${value}${isTime ? ',"isTime":true' : ''},"tags":${JSON.stringify(tags)}}\n`;
    }
    this.#lines += records.length;
    if (chunk.length > 0) this.#stream.write(chunk);
  }

  /** Append one `{"type":"health",…}` line: a load generator thread's reading (core/metrics/load-generator.ts). */
  writeHealth(reading: HealthReading): void {
    this.#stream.write(JSON.stringify({ type: 'health', ...reading }) + '\n');
  }

  /** Append the closing `{"type":"end",…}` line (once, just before close). */
  writeEnd(end: Record<string, unknown>, redact: (text: string) => string = (text) => text): void {
    this.#stream.write(redact(JSON.stringify({ ...end, type: 'end' })) + '\n');
  }

  /** Flush and close; throws LL_ERR_OUTPUT if any write failed. */
  async close(): Promise<void> {
    this.#stream.end();
    // finished(), not end()'s callback: a failed last write is reported after that callback.
    await finished(this.#stream).catch((error: Error) => (this.#error ??= error));
    if (this.#error) throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${this.path}: ${this.#error.message}`, { cause: this.#error });
  }
}
