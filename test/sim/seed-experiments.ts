/**
 * The seed reports' experiments, run in virtual time against a preset.
 * Each function reproduces one report's protocol and returns, per level, the
 * figures the report tabulates. Shared by presets.test.ts (assertions) and
 * by anyone recalibrating a preset.
 */
import type { EngineConfig } from '../../core/sim/engine-config.js';
import { planOutput } from '../../core/sim/output-plan.js';
import { chatPromptTokens, completionPromptTokens } from '../../core/sim/prompt-tokens.js';
import { mixSeed } from '../../core/sim/random.js';
import { simulateArrivals, simulateClosedLoop, summarize, type RunSummary, type SimulationResult } from '../../core/sim/simulate.js';

/** Hashes for a prompt that shares no block with any other (the seed-000 protocol: a distinct prompt per request). */
export function distinctPromptHashes(promptTokens: number, blockSize: number, salt: string): string[] {
  return Array.from({ length: Math.floor(promptTokens / blockSize) }, (_, j) => `${salt}#${j}`);
}

/** Output tokens the preset gives a request with this seed (no stop strings). */
export function outputTokensFor(config: EngineConfig, maxTokens: number, seed: number, ignoreEos = false): number {
  return planOutput(config.outputLength, { maxTokens, minTokens: 0, ignoreEos, stop: [], seed }).tokens;
}

export interface LevelResult {
  level: number;
  summary: RunSummary;
  result: SimulationResult;
}

/**
 * Seed 000: N users (1, 2, 5, 10), each sending a different long prompt
 * (template + RAG, ~1,200 tokens) and getting a ~1,300-1,500-token answer;
 * closed loop, `rounds` requests per user.
 */
export const SEED_000 = {
  levels: [1, 2, 5, 10],
  promptTokens: 1200,
  maxTokens: 4096,
  rounds: 2,
  /** Seed figures: p50 latency (s) and throughput (req/s) per level. */
  p50LatencyS: { 1: 25.1, 2: 27.9, 5: 43.5, 10: 62.9 } as Record<number, number>,
  requestRate: { 1: 0.04, 2: 0.07, 5: 0.12, 10: 0.15 } as Record<number, number>,
  batchingSpeedupAt10: 3.8,
};

export function runSeed000(config: EngineConfig): LevelResult[] {
  return SEED_000.levels.map((level) => {
    const result = simulateClosedLoop(config, {
      users: level,
      requestsPerUser: SEED_000.rounds,
      request: (user, k) => ({
        promptTokens: SEED_000.promptTokens,
        blockHashes: distinctPromptHashes(SEED_000.promptTokens, config.blockSize, `000/${level}/${user}/${k}`),
        outputTokens: outputTokensFor(config, SEED_000.maxTokens, mixSeed(level * 1000 + user, k)),
      }),
    });
    return { level, summary: summarize(result), result };
  });
}

/**
 * Seed 002: N (40, 60, 80) copies of the same short chat prompt sent at once,
 * max_tokens 200; total time, mean latency, req/s, output tok/s.
 */
export const SEED_002 = {
  levels: [40, 60, 80],
  prompt: 'Write a short paragraph explaining why GPUs are good for AI.',
  maxTokens: 200,
  totalTimeS: { 40: 3.39, 60: 2.99, 80: 4.14 } as Record<number, number>,
  meanLatencyS: { 40: 2.46, 60: 2.05, 80: 2.48 } as Record<number, number>,
  requestRate: { 40: 11.81, 60: 20.09, 80: 19.34 } as Record<number, number>,
  outputTokenRate: { 40: 1467.89, 60: 2529.38, 80: 2427.98 } as Record<number, number>,
  prefixCacheHitRate: 0.77,
};

export function runSeed002(config: EngineConfig): LevelResult[] {
  const prompt = chatPromptTokens([{ role: 'user', content: SEED_002.prompt }], config.blockSize);
  return SEED_002.levels.map((level) => {
    const result = simulateArrivals(
      config,
      Array.from({ length: level }, (_, i) => ({
        arrivalMs: 0,
        promptTokens: prompt.count,
        blockHashes: prompt.blockHashes,
        outputTokens: outputTokensFor(config, SEED_002.maxTokens, mixSeed(2000 + level, i)),
      })),
    );
    return { level, summary: summarize(result), result };
  });
}

/** Seed 003: N (5, 10, 50) identical completion requests at once, max_tokens 50; total time and req/s. */
export const SEED_003 = {
  levels: [5, 10, 50],
  prompt: 'Explain quantum computing in simple terms',
  maxTokens: 50,
  totalTimeS: { 5: 0.217, 10: 0.415, 50: 2.115 } as Record<number, number>,
  requestRate: { 5: 23.05, 10: 24.09, 50: 23.64 } as Record<number, number>,
};

export function runSeed003(config: EngineConfig): LevelResult[] {
  const prompt = completionPromptTokens(SEED_003.prompt, config.blockSize);
  return SEED_003.levels.map((level) => {
    const result = simulateArrivals(
      config,
      Array.from({ length: level }, (_, i) => ({
        arrivalMs: 0,
        promptTokens: prompt.count,
        blockHashes: prompt.blockHashes,
        outputTokens: outputTokensFor(config, SEED_003.maxTokens, mixSeed(3000 + level, i)),
      })),
    );
    return { level, summary: summarize(result), result };
  });
}
