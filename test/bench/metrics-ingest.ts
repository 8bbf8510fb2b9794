/**
 * Micro benchmark of MetricsRegistry.addRecord, the controller's per-request
 * hot path, with 64-token streamed records (63 ITL gaps each).
 *
 *   npx tsc -p tsconfig.json && node dist/test/bench/metrics-ingest.js
 *
 * Prints ns per record and ns per ITL sample for each scenario. Records are
 * built once; each round feeds them to a fresh registry and checks the counts
 * so the work cannot be optimised away.
 */
import type { RequestRecord } from '../../core/client/types.js';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';

const TOKENS = 64;
const RECORDS = 20_000;
const ROUNDS = 7;

function makeRecords(tagSets: number): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const itlMs = Array.from({ length: TOKENS - 1 }, (_, k) => 20 + ((i * 31 + k * 7) % 50) / 10);
    const level = String([1, 2, 5, 10, 20, 40, 60, 80][i % tagSets]);
    records.push({
      type: 'request',
      scenario: 'sweep',
      tags: { scenario: 'sweep', level, name: 'chat' },
      vu: i % 80,
      iteration: i,
      api: 'chat',
      stream: true,
      ok: i % 50 !== 0,
      failure: i % 50 !== 0 ? null : 'http_5xx',
      error: null,
      status: i % 50 !== 0 ? 200 : 503,
      finishReason: 'length',
      outputTokens: TOKENS,
      inputTokens: 120,
      inputTokensClient: 118,
      cachedTokens: 0,
      tokensSource: 'usage',
      chunks: TOKENS,
      outputChars: 256,
      scheduledAt: 1_000 + i * 10,
      startedAt: 1_000 + i * 10,
      ttfbMs: 30,
      ttftMs: 80 + (i % 40),
      ttfcMs: 80 + (i % 40),
      e2eMs: 80 + (i % 40) + itlMs.reduce((a, b) => a + b, 0),
      itlMs,
    });
  }
  return records;
}

interface Scenario {
  name: string;
  tagSets: number;
  submetrics: string[];
}

const scenarios: Scenario[] = [
  { name: 'one tag set, no submetrics', tagSets: 1, submetrics: [] },
  { name: '8 levels, no submetrics', tagSets: 8, submetrics: [] },
  {
    name: '8 levels, 4 threshold submetrics',
    tagSets: 8,
    submetrics: ['llm_ttft{level:10}', 'llm_itl{level:10}', 'llm_e2e{scenario:sweep}', 'llm_output_token_throughput{level:20}'],
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

console.log(`addRecord, ${RECORDS} records of ${TOKENS} tokens (${TOKENS - 1} ITL samples), median of ${ROUNDS} rounds`);
for (const scenario of scenarios) {
  const records = makeRecords(scenario.tagSets);
  const successful = records.filter((r) => r.ok).length;
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const registry = new MetricsRegistry();
    for (const key of scenario.submetrics) registry.addSubmetric(key);
    const start = process.hrtime.bigint();
    for (let i = 0; i < records.length; i++) registry.addRecord(records[i]!);
    const elapsed = Number(process.hrtime.bigint() - start);
    const itl = registry.get('llm_itl')!.sink as TrendSink;
    if (itl.count !== successful * (TOKENS - 1)) throw new Error(`expected ${successful * (TOKENS - 1)} ITL samples, got ${itl.count}`);
    if (round > 0) perRound.push(elapsed); // round 0 warms up the JIT
  }
  const ns = median(perRound);
  const perRecord = ns / RECORDS;
  const perSample = ns / (successful * (TOKENS - 1));
  console.log(`  ${scenario.name.padEnd(36)} ${perRecord.toFixed(0).padStart(6)} ns/record  ${perSample.toFixed(1).padStart(5)} ns/ITL sample (all work / ITL samples)`);
}

// The trend alone: what one ITL sample costs below and above the raw cap.
for (const [label, rawCap] of [
  ['TrendSink.add, raw samples', 100_000_000],
  ['TrendSink.add, HDR histogram', 0],
] as const) {
  const values = Float64Array.from({ length: 1_000_000 }, (_, i) => 20 + (i % 997) / 10);
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const trend = new TrendSink({ rawCap });
    const start = process.hrtime.bigint();
    for (let i = 0; i < values.length; i++) trend.add(values[i]!);
    const elapsed = Number(process.hrtime.bigint() - start);
    if (trend.count !== values.length) throw new Error('lost samples');
    if (round > 0) perRound.push(elapsed);
  }
  console.log(`  ${label.padEnd(36)} ${(median(perRound) / values.length).toFixed(1).padStart(6)} ns/sample`);
}
