/**
 * `--out csv=FILE`: one row per finished request, for spreadsheets and
 * pandas. Written from results.ndjson when the run ends (streamed, so memory
 * does not grow with the run). Times are milliseconds; `started_at` is ISO
 * 8601 UTC. Text cells that a spreadsheet would run as a formula (leading
 * `=`, `+`, `-`, `@`) are prefixed with `'`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import type { RequestRecord } from '../client/types.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { tpotMs } from '../metrics/record-values.js';

export const CSV_COLUMNS = [
  'started_at',
  'scenario',
  'level',
  'stage',
  'vu',
  'iteration',
  'api',
  'stream',
  'ok',
  'failure',
  'status',
  'ttfb_ms',
  'ttft_ms',
  'ttfc_ms',
  'e2e_ms',
  'tpot_ms',
  'itl_mean_ms',
  'itl_max_ms',
  'chunks',
  'output_tokens',
  'input_tokens',
  'cached_tokens',
  'tokens_source',
  'output_chars',
  'finish_reason',
  'error',
  'tags',
] as const;

/** One request as CSV cells, in CSV_COLUMNS order. */
export function csvRow(record: RequestRecord): string[] {
  const itl = record.itlMs;
  let sum = 0;
  let max: number | null = null;
  for (const gap of itl) {
    sum += gap;
    if (max === null || gap > max) max = gap;
  }
  const { scenario: _scenario, level, stage, ...otherTags } = record.tags;
  return [
    new Date(record.startedAt).toISOString(),
    text(record.scenario),
    text(level ?? ''),
    text(stage ?? ''),
    String(record.vu),
    String(record.iteration),
    record.api,
    String(record.stream),
    String(record.ok),
    record.failure ?? '',
    String(record.status),
    ms(record.ttfbMs),
    ms(record.ttftMs),
    ms(record.ttfcMs),
    ms(record.e2eMs),
    ms(tpotMs(record)),
    itl.length === 0 ? '' : ms(sum / itl.length),
    ms(max),
    String(record.chunks),
    String(record.outputTokens),
    String(record.inputTokens),
    record.cachedTokens === null ? '' : String(record.cachedTokens),
    record.tokensSource,
    String(record.outputChars),
    text(record.finishReason ?? ''),
    text(record.error ?? ''),
    Object.keys(otherTags).length === 0 ? '' : text(JSON.stringify(otherTags)),
  ];
}

/** Cells joined into one CSV line (RFC 4180 quoting). */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',') + '\r\n';
}

/** Convert a results file's request lines to CSV; returns the number of rows. */
export async function writeCsvFromResults(resultsPath: string, csvPath: string): Promise<number> {
  const out = createWriteStream(csvPath);
  let failed: Error | undefined;
  out.on('error', (error) => (failed ??= error));
  let rows = 0;
  try {
    out.write(csvLine(CSV_COLUMNS));
    const lines = createInterface({ input: createReadStream(resultsPath, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (!line.startsWith('{"type":"request"')) continue;
      // A stream that has failed never drains: stop rather than wait forever (the process
      // would end with exit 13 and no message).
      if (failed !== undefined || out.errored !== null) break;
      if (!out.write(csvLine(csvRow(JSON.parse(line) as RequestRecord)))) await once(out, 'drain');
      rows++;
    }
  } catch (error) {
    failed ??= error as Error;
  }
  out.end();
  // finished() reports a write error even when it comes after end()'s callback would have run.
  await finished(out).catch((error: Error) => (failed ??= error));
  if (failed !== undefined) throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${csvPath} (--out csv): ${failed.message}`, { cause: failed });
  return rows;
}

function ms(value: number | null): string {
  return value === null ? '' : String(Math.round(value * 1000) / 1000);
}

/** A text cell, defused for spreadsheets. */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
