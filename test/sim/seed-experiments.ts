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

/**
 * Seed 001: four coding tasks with answers of their own length; an initial
 * phase (each task once, alone, answers capped at 360 tokens) then 4 users
 * cycling through the tasks, 7 requests each. Lengths are each task's mean
 * (examples/seed-001-task-mix.ts draws them log-normal around the median).
 */
export const SEED_001 = {
  promptTokens: 40,
  /** Mean answer tokens per task: architecture design, code completion, code review, debugging. */
  taskTokens: [814, 346, 280, 663],
  initialCap: 360,
  users: 4,
  requestsPerUser: 7,
  /** Seed figures: mean total time (s) and mean tokens/s per request, per phase. */
  initial: { timeS: 13.99, tokensPerS: 20.41 },
  continuous: { timeS: 25.53, tokensPerS: 21.52 },
};

export interface PhaseResult {
  /** Mean total time of a request, s. */
  meanTimeS: number;
  /** Mean of each request's output tokens ÷ total time. */
  meanTokensPerS: number;
  result: SimulationResult;
}

function phase(result: SimulationResult): PhaseResult {
  const times = result.requests.map((r) => r.e2eMs / 1000);
  const rates = result.requests.map((r) => r.outputTokens / (r.e2eMs / 1000));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { meanTimeS: mean(times), meanTokensPerS: mean(rates), result };
}

export function runSeed001(config: EngineConfig): { initial: PhaseResult; continuous: PhaseResult } {
  const tasks = SEED_001.taskTokens;
  const initial = simulateClosedLoop(config, {
    users: 1,
    requestsPerUser: tasks.length,
    request: (_user, k) => ({
      promptTokens: SEED_001.promptTokens,
      blockHashes: distinctPromptHashes(SEED_001.promptTokens, config.blockSize, `001/i/${k}`),
      outputTokens: Math.min(SEED_001.initialCap, tasks[k]!),
    }),
  });
  const continuous = simulateClosedLoop(config, {
    users: SEED_001.users,
    requestsPerUser: SEED_001.requestsPerUser,
    request: (user, k) => ({
      promptTokens: SEED_001.promptTokens,
      blockHashes: distinctPromptHashes(SEED_001.promptTokens, config.blockSize, `001/c/${user}/${k}`),
      outputTokens: tasks[(user + k) % tasks.length]!,
    }),
  });
  return { initial: phase(initial), continuous: phase(continuous) };
}

/**
 * Seed 004 (genai-bench): a min-latency test (2 users, 10 requests) and
 * max-throughput tests (1,024 requests at 192 and at 512 users), ~27-token
 * prompts and 252-260-token answers, closed loop.
 */
export const SEED_004 = {
  promptTokens: 27,
  outputTokens: 256,
  minLatency: { users: 2, requests: 10 },
  maxThroughput: { levels: [192, 512], requests: 1024 },
  /** Seed figures per configuration: table 4.2 (c=2) and 4.1 (at the configuration's best concurrency). */
  baseline: { e2eP50Ms: 4853.96, minLatencyTokPerS: 105.28, bestLevel: 192, maxOutputTokPerS: 1172.5, maxTotalTokPerS: 1292.4, ttftP50Ms: 5330 },
  optimized: { e2eP50Ms: 3380.91, minLatencyTokPerS: 151.26, bestLevel: 512, maxOutputTokPerS: 2397.85, maxTotalTokPerS: 2668.99, ttftP50Ms: 525.6 },
};

export interface Seed004Level {
  users: number;
  outputTokPerS: number;
  totalTokPerS: number;
  e2eP50Ms: number;
  ttftP50Ms: number;
}

export function runSeed004(config: EngineConfig): Seed004Level[] {
  const levels = [SEED_004.minLatency.users, ...SEED_004.maxThroughput.levels];
  return levels.map((users) => {
    const requests = users === SEED_004.minLatency.users ? SEED_004.minLatency.requests : SEED_004.maxThroughput.requests;
    const result = simulateClosedLoop(config, {
      users,
      requestsPerUser: Math.ceil(requests / users),
      request: (user, k) => ({
        promptTokens: SEED_004.promptTokens,
        blockHashes: distinctPromptHashes(SEED_004.promptTokens, config.blockSize, `004/${users}/${user}/${k}`),
        // ±4 tokens, as the example's N(…)/(256,4): without it the batch would run in lockstep waves.
        outputTokens: SEED_004.outputTokens - 4 + (mixSeed(users * 7919 + user, k) % 9),
      }),
    });
    const seconds = result.makespanMs / 1000;
    const output = result.requests.reduce((sum, r) => sum + r.outputTokens, 0);
    const input = result.requests.reduce((sum, r) => sum + r.promptTokens, 0);
    const p50 = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      users,
      outputTokPerS: output / seconds,
      totalTokPerS: (output + input) / seconds,
      e2eP50Ms: p50(result.requests.map((r) => r.e2eMs)),
      ttftP50Ms: p50(result.requests.map((r) => r.ttftMs)),
    };
  });
}
