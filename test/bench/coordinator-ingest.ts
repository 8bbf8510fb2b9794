/**
 * Micro benchmark of a split test's coordinator's per-request work, step by
 * step, on runner reports as the coordinator case of `npm run bench` sends
 * them: 64-token streamed records (63 ITL gaps with distinct values), a
 * report of 8 batches of 3 records (a heartbeat of one runner).
 *
 *   npm run build && node dist/test/bench/coordinator-ingest.js
 *
 * Steps: "parse", the report's JSON body parsed as the coordinator's server
 * does, and its records unpacked (core/distributed/wire-records.ts); "ingest",
 * LiveMetrics.ingest of its batches (what a one-process controller does too).
 * "parse, decimal ITL" is the same body with the gaps as JSON numbers (the
 * wire before protocol 3), for comparison. Prints µs per record for each,
 * median of 7 rounds.
 */
import type { RequestRecord } from '../../core/client/types.js';
import { fromWire, toWire, type WireMsg } from '../../core/distributed/wire-records.js';
import { validateOptions } from '../../core/options/index.js';
import { LiveMetrics } from '../../core/run/live-metrics.js';
import type { BatchMsg, SampleTuple } from '../../core/workers/messages.js';

const TOKENS = 64;
const PER_BATCH = 3;
const BATCHES_PER_REPORT = 8;
const REPORTS = 400;
const ROUNDS = 7;

function makeBatch(b: number): BatchMsg {
  const records: RequestRecord[] = [];
  const samples: SampleTuple[] = [];
  const tags = { scenario: 'load' };
  for (let i = 0; i < PER_BATCH; i++) {
    const n = b * PER_BATCH + i;
    const itlMs = Array.from({ length: TOKENS - 1 }, (_, k) => 5 + ((n * 7919 + k * 104729) % 1000) / 997 + 1e-7 * k);
    const ttftMs = 20 + (n % 37) / 3;
    const e2eMs = ttftMs + itlMs.reduce((a, v) => a + v, 0);
    records.push({
      type: 'request',
      scenario: 'load',
      tags,
      vu: n % 64,
      iteration: Math.floor(n / 64),
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
      inputTokens: 9,
      inputTokensClient: 9,
      cachedTokens: null,
      tokensSource: 'usage',
      chunks: TOKENS + 2,
      outputChars: TOKENS * 4,
      connectMs: 0,
      blockedMs: 0.01,
    });
    samples.push(['iterations', 'counter', 1, tags, false], ['iteration_duration', 'trend', e2eMs + 0.3, tags, true]);
  }
  return { cmd: 'BATCH', workerIndex: 0, records, samples, activeVus: 8, streamedTokens: TOKENS * PER_BATCH };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const reports = Array.from({ length: REPORTS }, (_, r) => Array.from({ length: BATCHES_PER_REPORT }, (_, b) => makeBatch(r * BATCHES_PER_REPORT + b)));
const packed = reports.map((messages) => Buffer.from(JSON.stringify({ index: 0, seq: 1, messages: toWire(messages), events: [] })));
const decimal = reports.map((messages) => Buffer.from(JSON.stringify({ index: 0, seq: 1, messages, events: [] })));
const records = REPORTS * BATCHES_PER_REPORT * PER_BATCH;
const options = validateOptions({ scenarios: { load: { executor: 'constant-vus', vus: 64, duration: '10s' } } });
const times = { 'parse, decimal ITL': [] as number[], parse: [] as number[], ingest: [] as number[] };
for (let round = 0; round <= ROUNDS; round++) {
  const live = new LiveMetrics(options, false);
  let t = process.hrtime.bigint();
  for (const body of decimal) JSON.parse(body.toString('utf8'));
  const parseDecimal = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  const parsed = packed.map((body) => (JSON.parse(body.toString('utf8')) as { messages: WireMsg[] }).messages.map(fromWire));
  const parse = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  for (const messages of parsed) for (const msg of messages) if (msg.cmd === 'BATCH') live.ingest(msg);
  const ingest = Number(process.hrtime.bigint() - t);
  if (live.registry.total.successful !== records) throw new Error(`expected ${records} requests, got ${live.registry.total.successful}`);
  if (round === 0) continue; // JIT warm-up
  times['parse, decimal ITL'].push(parseDecimal);
  times.parse.push(parse);
  times.ingest.push(ingest);
}
console.log(`coordinator, ${records} records of ${TOKENS} tokens, reports of ${BATCHES_PER_REPORT} batches of ${PER_BATCH}, median of ${ROUNDS} rounds`);
console.log(
  `report body: ${(packed[0]!.length / (BATCHES_PER_REPORT * PER_BATCH)).toFixed(0)} bytes per record (decimal ITL: ${(decimal[0]!.length / (BATCHES_PER_REPORT * PER_BATCH)).toFixed(0)})`,
);
for (const [step, ns] of Object.entries(times)) console.log(`  ${step.padEnd(20)} ${(median(ns) / records / 1000).toFixed(2).padStart(7)} µs per record`);
