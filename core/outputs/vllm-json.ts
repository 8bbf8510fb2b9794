/**
 * `--out vllm-json=FILE`: the result file of `vllm bench serve --save-result
 * --save-detailed`, one JSON object per line (as its --append-result writes
 * them): one line per sweep level or rate-sweep rate, else one for the run.
 * Dashboards fed with vLLM's files read llmload's.
 *
 * The figures are llmload's own, from the rows its summary and report show
 * (same records, same modelled time, same numpy percentiles): the aggregates
 * are the row's, and the per-request arrays are its counted requests in the
 * order they started, in seconds as vLLM keeps them. What differs from vLLM
 * is said in README ("Results other tools read"): duration is the row's
 * window (first request start → last request end), start_times are epoch
 * seconds, generated_texts are empty (llmload does not keep answers).
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { RequestRecord } from '../client/types.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { TAG_LEVEL, TAG_RATE, TAG_SCENARIO } from '../metrics/builtin.js';
import { endedAtMs, outcomeOf, streamedItlMs, streamedTtftMs } from '../metrics/record-values.js';
import type { LatencySummary, RequestStatsRow } from '../metrics/request-stats.js';
import { readResultsFile, type RunResults } from '../report/results-file.js';

/** Per-request arrays of one row, seconds as vLLM keeps them. */
interface RowRequests {
  input_lens: number[];
  output_lens: number[];
  ttfts: number[];
  itls: number[][];
  latencies: number[];
  start_times: number[];
  queue_times: number[];
  generated_texts: string[];
  errors: string[];
  /** [start, end] of successful requests, ms, for the peak figures. */
  spans: Array<{ start: number; end: number; tokens: number[] }>;
  /** The API of the row's first request: vLLM's backend name follows it. */
  api: string | null;
}

/** Write FILE from a closed results.ndjson; returns the number of lines (rows). */
export async function writeVllmJsonFromResults(resultsPath: string, path: string): Promise<number> {
  let lines: string[];
  try {
    const results = await readResultsFile(resultsPath);
    const rows = vllmRows(results);
    const requests = await rowRequests(resultsPath, results, rows);
    lines = rows.map((row, i) => JSON.stringify(vllmResult(results, row, requests[i]!)));
  } catch (error) {
    if (error instanceof LlmloadError) throw error;
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot make ${path} (--out vllm-json): ${(error as Error).message}`, { cause: error });
  }
  try {
    await writeFile(path, lines.map((line) => line + '\n').join(''));
  } catch (error) {
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${path} (--out vllm-json): ${(error as Error).message}`, { cause: error });
  }
  return lines.length;
}

/** The rows a vLLM result is written for: sweep levels, else rate-sweep rates, else the whole run. */
export function vllmRows(results: RunResults): RequestStatsRow[] {
  const levels = results.registry.groupRows('level');
  if (levels.length > 0) return levels;
  const rates = results.registry.groupRows('rate');
  if (rates.length > 0) return rates;
  return [results.registry.total.row()];
}

function matches(row: RequestStatsRow, tags: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(row.tags)) if (tags[key] !== value) return false;
  return true;
}

async function rowRequests(resultsPath: string, results: RunResults, rows: readonly RequestStatsRow[]): Promise<RowRequests[]> {
  const out: RowRequests[] = rows.map(() => ({
    input_lens: [],
    output_lens: [],
    ttfts: [],
    itls: [],
    latencies: [],
    start_times: [],
    queue_times: [],
    generated_texts: [],
    errors: [],
    spans: [],
    api: null,
  }));
  const records: Array<{ row: number; record: RequestRecord }> = [];
  const lines = createInterface({ input: createReadStream(resultsPath, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.startsWith('{"type":"request"')) continue;
    const measured = JSON.parse(line) as RequestRecord;
    // The records the rows count: not warm-up or cool-down, not cut off by llmload itself.
    if (measured.excluded !== undefined || outcomeOf(measured) === 'interrupted') continue;
    const record = results.time.scaled ? results.time.record(measured) : measured;
    const row = rows.findIndex((r) => matches(r, record.tags));
    if (row >= 0) records.push({ row, record });
  }
  records.sort((a, b) => a.record.startedAt - b.record.startedAt);
  for (const { row, record } of records) {
    const into = out[row]!;
    into.api ??= record.api;
    const ok = record.ok;
    const ttft = streamedTtftMs(record);
    const itl = streamedItlMs(record);
    into.input_lens.push(record.inputTokens);
    into.output_lens.push(ok ? record.outputTokens : 0);
    into.ttfts.push(ok && ttft !== null ? ttft / 1000 : 0);
    into.itls.push(ok ? itl.map((gap) => gap / 1000) : []);
    into.latencies.push(ok && record.e2eMs !== null ? record.e2eMs / 1000 : 0);
    into.start_times.push(record.startedAt / 1000);
    into.queue_times.push(Math.max(0, record.startedAt - record.scheduledAt) / 1000);
    into.generated_texts.push('');
    into.errors.push(ok ? '' : (record.error ?? record.failure ?? 'failed'));
    if (ok) {
      const tokens: number[] = [];
      if (ttft !== null) {
        let at = record.startedAt + ttft;
        tokens.push(at);
        for (const gap of itl) tokens.push((at += gap));
      }
      into.spans.push({ start: record.startedAt, end: endedAtMs(record), tokens });
    }
  }
  return out;
}

/** vLLM's peak figures: the busiest whole second of output tokens from the first start, and the most requests in flight at once. */
function peaks(spans: RowRequests['spans']): { tokens: number; concurrent: number } {
  if (spans.length === 0) return { tokens: 0, concurrent: 0 };
  const origin = Math.min(...spans.map((s) => s.start));
  const buckets = new Map<number, number>();
  for (const span of spans) for (const at of span.tokens) buckets.set(Math.floor((at - origin) / 1000), (buckets.get(Math.floor((at - origin) / 1000)) ?? 0) + 1);
  const events = spans.flatMap((s) => [[s.start, 1] as const, [s.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let concurrent = 0;
  for (const [, delta] of events) concurrent = Math.max(concurrent, (current += delta));
  return { tokens: Math.max(0, ...buckets.values()), concurrent };
}

function latencyKeys(name: string, summary: LatencySummary | null): Record<string, number> {
  // vLLM writes 0 for a metric without samples (np.mean(x or 0)).
  return {
    [`mean_${name}_ms`]: summary?.avg ?? 0,
    [`median_${name}_ms`]: summary?.p50 ?? 0,
    [`std_${name}_ms`]: summary?.std ?? 0,
    [`p99_${name}_ms`]: summary?.p99 ?? 0,
  };
}

/** The scenario's settings vLLM records: the rate (or 'inf' in closed loop), burstiness and the concurrency cap. */
function traffic(results: RunResults, row: RequestStatsRow): { request_rate: number | 'inf'; burstiness: number; max_concurrency: number | null } {
  const scenarios = results.end?.options.scenarios ?? {};
  // The whole run's row has no scenario tag: it is the one scenario's when there is only one.
  const name = row.tags[TAG_SCENARIO] ?? (Object.keys(scenarios).length === 1 ? Object.keys(scenarios)[0]! : '');
  const scenario = (scenarios[name] ?? {}) as Record<string, unknown>;
  const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const rateTag = row.tags[TAG_RATE];
  const rate = rateTag !== undefined ? Number(rateTag) : num(scenario['rate']);
  const distribution = scenario['distribution'];
  const burstiness = distribution === 'gamma' ? (num(scenario['burstiness']) ?? 1) : 1;
  const level = row.tags[TAG_LEVEL];
  const maxConcurrency = level !== undefined ? Number(level) : (num(scenario['maxVUs']) ?? num(scenario['vus']));
  return { request_rate: rate === null ? 'inf' : rate, burstiness, max_concurrency: maxConcurrency };
}

export function vllmResult(results: RunResults, row: RequestStatsRow, requests: RowRequests): Record<string, unknown> {
  const meta = results.meta;
  const started = typeof meta?.startedAt === 'string' ? new Date(meta.startedAt) : new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${started.getFullYear()}${pad(started.getMonth() + 1)}${pad(started.getDate())}-${pad(started.getHours())}${pad(started.getMinutes())}${pad(started.getSeconds())}`;
  const { spans, api, ...perRequest } = requests;
  const backend = api === 'chat' ? 'openai-chat' : 'openai';
  const peak = peaks(spans);
  return {
    date,
    endpoint_type: backend,
    backend,
    label: row.tags[TAG_LEVEL] !== undefined ? `level ${row.tags[TAG_LEVEL]}` : row.tags[TAG_RATE] !== undefined ? `rate ${row.tags[TAG_RATE]}` : null,
    model_id: meta?.model ?? null,
    tokenizer_id: null,
    num_prompts: row.requests,
    ...traffic(results, row),
    duration: (row.window?.durationMs ?? 0) / 1000,
    completed: row.successful,
    failed: row.failed,
    total_input_tokens: row.inputTokens,
    total_output_tokens: row.outputTokens,
    request_throughput: row.requestsPerSec ?? 0,
    request_goodput: row.goodputPerSec,
    output_throughput: row.outputTokensPerSec ?? 0,
    total_token_throughput: row.totalTokensPerSec ?? 0,
    ...perRequest,
    max_output_tokens_per_s: peak.tokens,
    max_concurrent_requests: peak.concurrent,
    ...latencyKeys('ttft', row.ttft),
    ...latencyKeys('tpot', row.tpot),
    ...latencyKeys('itl', row.itl),
    ...latencyKeys('e2el', row.e2e),
  };
}
