// Each preset against its seed report: the report's experiment run in virtual time must land within 20%
// of every figure the report gives, and saturate where the report shows saturation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveEngineConfig } from '../../core/sim/engine-config.js';
import { PRESET_NAMES, presets } from '../../core/sim/presets.js';
import { simulateClosedLoop, summarize } from '../../core/sim/simulate.js';
import { SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, runSeed000, runSeed001, runSeed002, runSeed003, runSeed004 } from './seed-experiments.js';

const TOLERANCE = 0.2;

function within(actual: number, expected: number, what: string): void {
  const off = actual / expected - 1;
  assert.ok(Math.abs(off) <= TOLERANCE, `${what}: simulated ${actual.toFixed(3)} vs seed ${expected} (${(off * 100).toFixed(1)}%)`);
}

test('every preset is a valid config', () => {
  for (const name of PRESET_NAMES) resolveEngineConfig(presets[name]);
});

test('qwen32b-awq-4x2080ti reproduces seed 000 (1/2/5/10 users, distinct prompts)', () => {
  const levels = runSeed000(presets['qwen32b-awq-4x2080ti']);
  for (const { level, summary } of levels) {
    within(summary.p50LatencyS, SEED_000.p50LatencyS[level]!, `p50 latency at ${level} users`);
    within(summary.requestRate, SEED_000.requestRate[level]!, `req/s at ${level} users`);
    assert.ok(summary.meanOutputTokens >= 1300 && summary.meanOutputTokens <= 1600, `~1,300-1,600 output tokens, got ${summary.meanOutputTokens}`);
  }
  // Distinct prompts: the prefix cache never helps.
  for (const { result } of levels) assert.is(result.counters.prefixHits, 0);
  const one = levels[0]!.summary;
  const ten = levels[3]!.summary;
  // Alone: ~52 tok/s single stream (seed: ~1,300 tokens in ~25 s).
  within(one.meanOutputTokens / one.p50LatencyS, 52, 'single-stream tok/s');
  // Batching speedup at 10 users: 10 sequential requests vs 10 concurrent.
  within((10 * one.p50LatencyS) / ten.p50LatencyS, SEED_000.batchingSpeedupAt10, 'batching speedup at 10 users');
  // Sub-linear: each level gains less per user than the one before.
  const perUser = levels.map((l) => l.summary.requestRate / l.level);
  for (let i = 1; i < perUser.length; i++) assert.ok(perUser[i]! < perUser[i - 1]!, 'throughput per user falls as users rise');
});

test('qwen14b-awq reproduces seed 002 (40/60/80 at once, max_tokens 200) and peaks near 60', () => {
  const levels = runSeed002(presets['qwen14b-awq']);
  for (const { level, summary, result } of levels) {
    within(summary.makespanS, SEED_002.totalTimeS[level]!, `total time at ${level}`);
    within(summary.meanLatencyS, SEED_002.meanLatencyS[level]!, `mean latency at ${level}`);
    within(summary.requestRate, SEED_002.requestRate[level]!, `req/s at ${level}`);
    within(summary.outputTokenRate, SEED_002.outputTokenRate[level]!, `output tok/s at ${level}`);
    within(result.counters.prefixHits / result.counters.prefixQueries, SEED_002.prefixCacheHitRate, `prefix cache hit rate at ${level}`);
    assert.is(result.counters.preemptions, 0, 'no memory pressure');
  }
  const [c40, c60, c80] = levels.map((l) => l.summary) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>, ReturnType<typeof summarize>];
  assert.ok(c60.outputTokenRate > 1.3 * c40.outputTokenRate, 'throughput still grows from 40 to 60');
  assert.ok(c80.outputTokenRate <= 1.02 * c60.outputTokenRate, 'flat or lower at 80: saturated');
  // Past the batch cap, TTFT jumps (requests queue for a free slot).
  assert.ok(c80.meanTtftS > 5 * c60.meanTtftS, `TTFT at 80 (${c80.meanTtftS}) vs 60 (${c60.meanTtftS})`);
  assert.is(levels[2]!.result.maxRunning, presets['qwen14b-awq'].maxNumSeqs);
});

test('opt-125m reproduces seed 003 (5/10/50 at once, 50 tokens): flat ~23-24 req/s', () => {
  const levels = runSeed003(presets['opt-125m']);
  for (const { level, summary } of levels) {
    within(summary.makespanS, SEED_003.totalTimeS[level]!, `total time at ${level}`);
    within(summary.requestRate, SEED_003.requestRate[level]!, `req/s at ${level}`);
  }
  const rates = levels.map((l) => l.summary.requestRate);
  assert.ok(Math.max(...rates) / Math.min(...rates) < 1.1, `throughput flat across 5-50: ${rates.map((r) => r.toFixed(1)).join(', ')}`);
  // The seed's target: < 3 s at 5 concurrent, < 20 s at 50.
  assert.ok(levels[0]!.summary.makespanS < 3);
  assert.ok(levels[2]!.summary.makespanS < 20);
});

test('qwen32b-awq-longctx reproduces seed 001 (~20 tok/s per request, initial and continuous phases)', () => {
  const { initial, continuous } = runSeed001(presets['qwen32b-awq-longctx']);
  within(initial.meanTimeS, SEED_001.initial.timeS, 'initial: mean total time');
  within(initial.meanTokensPerS, SEED_001.initial.tokensPerS, 'initial: mean tokens/s per request');
  within(continuous.meanTimeS, SEED_001.continuous.timeS, 'continuous: mean total time');
  within(continuous.meanTokensPerS, SEED_001.continuous.tokensPerS, 'continuous: mean tokens/s per request');
  // The seed's shape: 4 users barely slow each other (tokens/s per request within 10 % of one user alone).
  assert.ok(continuous.meanTokensPerS > 0.9 * initial.meanTokensPerS, `continuous ${continuous.meanTokensPerS} vs initial ${initial.meanTokensPerS} tok/s`);
  assert.is(continuous.result.maxRunning, SEED_001.users);
});

test('qwen14b-2x4090-baseline and -optimized reproduce seed 004 (tables 4.1-4.3)', () => {
  const runs = { baseline: runSeed004(presets['qwen14b-2x4090-baseline']), optimized: runSeed004(presets['qwen14b-2x4090-optimized']) };
  for (const name of ['baseline', 'optimized'] as const) {
    const seed = SEED_004[name];
    const [c2, ...max] = runs[name];
    within(c2!.e2eP50Ms, seed.e2eP50Ms, `${name}: E2E p50 at 2 users`);
    within(c2!.outputTokPerS, seed.minLatencyTokPerS, `${name}: output tok/s at 2 users`);
    const best = max.find((l) => l.users === seed.bestLevel)!;
    within(best.outputTokPerS, seed.maxOutputTokPerS, `${name}: output tok/s at ${seed.bestLevel} users`);
    within(best.totalTokPerS, seed.maxTotalTokPerS, `${name}: total tok/s at ${seed.bestLevel} users`);
    // The best level is the one with the most output (the baseline is flat past its batch limit).
    assert.ok(Math.max(...max.map((l) => l.outputTokPerS)) <= 1.05 * best.outputTokPerS, `${name}: best level ${seed.bestLevel}`);
  }
  const best = (name: 'baseline' | 'optimized'): number => runs[name].find((l) => l.users === SEED_004[name].bestLevel)!.outputTokPerS;
  // Table 4.3: +104.5 % max throughput, -30.3 % E2E p50 at 2 users.
  within(best('optimized') / best('baseline'), SEED_004.optimized.maxOutputTokPerS / SEED_004.baseline.maxOutputTokPerS, 'max throughput, optimized ÷ baseline');
  within(runs.optimized[0]!.e2eP50Ms / runs.baseline[0]!.e2eP50Ms, SEED_004.optimized.e2eP50Ms / SEED_004.baseline.e2eP50Ms, 'E2E p50 at 2 users, optimized ÷ baseline');
  // TTFT at max throughput: the optimized server's is calibrated; the baseline's users queue for a batch slot.
  const ttft = (name: 'baseline' | 'optimized'): number => runs[name].find((l) => l.users === SEED_004[name].bestLevel)!.ttftP50Ms;
  within(ttft('optimized'), SEED_004.optimized.ttftP50Ms, 'optimized: TTFT p50 at 512 users');
  assert.ok(ttft('baseline') > 2 * ttft('optimized'), `baseline TTFT p50 ${ttft('baseline')} ms vs optimized ${ttft('optimized')} ms`);
});

test('fast: TTFT of a few ms and ~1 ms per token, for tests', () => {
  const result = simulateClosedLoop(presets.fast, {
    users: 8,
    requestsPerUser: 3,
    request: (u, k) => ({ promptTokens: 200, blockHashes: [`${u}-${k}`], outputTokens: 100 }),
  });
  for (const r of result.requests) {
    assert.ok(r.ttftMs >= 1 && r.ttftMs < 5, `ttft ${r.ttftMs} ms`);
    const tpot = (r.e2eMs - r.ttftMs) / (r.outputTokens - 1);
    assert.ok(tpot >= 1 && tpot < 1.1, `tpot ${tpot} ms`);
  }
});

test.run();
