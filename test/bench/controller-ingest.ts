/**
 * Micro benchmark of the controller's per-request work, step by step, on the
 * batches a worker ships: 256-token streamed records (255 ITL gaps with
 * realistic, distinct values), 512 per batch, as in the ingest case of
 * `npm run bench`.
 *
 *   npm run build && node dist/test/bench/controller-ingest.js
 *
 * Steps: a batch through a MessagePort ("clone": the structured clone, both
 * sides; the ITL arrays arrive as arrays of boxed numbers), LiveMetrics.ingest
 * (registry: trends, groups, submetrics, time series), ResultsWriter.writeBatch
 * (NDJSON lines). Prints µs per record and ns per ITL gap for each, median of
 * 7 rounds over 16 batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { RequestRecord } from '../../core/client/types.js';
import { ResultsWriter } from '../../core/outputs/results-ndjson.js';
import { LiveMetrics } from '../../core/run/live-metrics.js';
import { validateOptions } from '../../core/options/index.js';
import type { BatchMsg, SampleTuple } from '../../core/workers/messages.js';

const TOKENS = 256;
const PER_BATCH = 512;
const BATCHES = 16;
const ROUNDS = 7;

function makeBatch(b: number): BatchMsg {
  const records: RequestRecord[] = [];
  const samples: SampleTuple[] = [];
  const tags = { scenario: 'bench' };
  for (let i = 0; i < PER_BATCH; i++) {
    const n = b * PER_BATCH + i;
    // Distinct doubles, as performance.now() differences are.
    const itlMs = Array.from({ length: TOKENS - 1 }, (_, k) => 19.5 + ((n * 7919 + k * 104729) % 1000) / 997 + 1e-7 * k);
    const ttftMs = 100 + (n % 37) / 3;
    const e2eMs = ttftMs + itlMs.reduce((a, v) => a + v, 0);
    records.push({
      type: 'request',
      scenario: 'bench',
      tags,
      vu: n % 512,
      iteration: Math.floor(n / 512),
      api: 'chat',
      stream: true,
      ok: true,
      failure: null,
      error: null,
      status: 200,
      scheduledAt: 1.79e12 + n * 3.1,
      startedAt: 1.79e12 + n * 3.1,
      ttfbMs: 1.2,
      ttftMs,
      ttfcMs: ttftMs,
      e2eMs,
      itlMs,
      finishReason: 'length',
      outputTokens: TOKENS,
      inputTokens: 29,
      inputTokensClient: 27,
      cachedTokens: null,
      tokensSource: 'usage',
      chunks: TOKENS,
      outputChars: TOKENS * 4,
      connectMs: 0,
      blockedMs: 0.01,
    });
    samples.push(['iterations', 'counter', 1, tags, false], ['iteration_duration', 'trend', e2eMs + 0.3, tags, true]);
  }
  return { cmd: 'BATCH', workerIndex: b % 2, records, samples, activeVus: 512, streamedTokens: 0 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const batches = Array.from({ length: BATCHES }, (_, b) => makeBatch(b));
const records = BATCHES * PER_BATCH;
const gaps = records * (TOKENS - 1);
const options = validateOptions({
  scenarios: { bench: { executor: 'per-vu-iterations', vus: 512, iterations: 16 } },
  thresholds: { llm_ttft: ['p(95)<60000'], 'llm_itl{scenario:bench}': ['p(99)<60000'], llm_request_failed: ['rate<0.01'] },
});
const { port1, port2 } = new MessageChannel();
/** Through a real MessagePort (structured clone both ways), read back synchronously. */
function send(batch: BatchMsg): BatchMsg {
  port1.postMessage(batch);
  return receiveMessageOnPort(port2)!.message as BatchMsg;
}
const dir = mkdtempSync(join(tmpdir(), 'llmload-bench-'));
const times = { clone: [] as number[], ingest: [] as number[], write: [] as number[] };
try {
  for (let round = 0; round <= ROUNDS; round++) {
    const live = new LiveMetrics(options, true);
    const writer = new ResultsWriter(join(dir, `r${round}.ndjson`), { script: 'bench' });
    let t = process.hrtime.bigint();
    const cloned = batches.map((batch) => send(batch));
    const clone = Number(process.hrtime.bigint() - t);
    t = process.hrtime.bigint();
    for (const batch of cloned) live.ingest(batch);
    const ingest = Number(process.hrtime.bigint() - t);
    t = process.hrtime.bigint();
    for (const batch of cloned) writer.writeBatch(batch.records, batch.samples);
    const write = Number(process.hrtime.bigint() - t);
    await writer.close();
    if (live.registry.total.successful !== records) throw new Error(`expected ${records} requests, got ${live.registry.total.successful}`);
    if (round === 0) continue; // JIT warm-up
    times.clone.push(clone);
    times.ingest.push(ingest);
    times.write.push(write);
  }
} finally {
  port1.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`controller, ${records} records of ${TOKENS} tokens in batches of ${PER_BATCH}, median of ${ROUNDS} rounds`);
for (const [step, ns] of Object.entries(times)) {
  const m = median(ns);
  console.log(`  ${step.padEnd(8)} ${(m / records / 1000).toFixed(2).padStart(7)} µs/record ${(m / gaps).toFixed(1).padStart(6)} ns/ITL gap`);
}
