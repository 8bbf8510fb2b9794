/**
 * How many users does this deployment hold within its SLOs? A capacity search
 * answers it directly instead of a table of guessed levels: it probes 2, 4, 8,
 * … concurrent users until fewer than 95 % of requests meet options.slo, then
 * bisects between the last passing and the first failing load down to 1 user.
 * Each probe's attainment carries a 95 % Wilson interval: a probe whose
 * interval straddles 95 % runs again (up to maxProbeDuration) and otherwise
 * says "indeterminate" instead of guessing. The answer is the metric
 * llm_capacity, which the threshold below gates on (exit 99 under 12 users).
 *
 * Against the built-in simulator the engine runs 16 sequences at once, so the
 * capacity is about 16 users: above it requests queue for a slot and miss the
 * E2E SLO. It runs 10× faster than real time and finishes in about a minute.
 *
 *   npx llmload run examples/capacity-search.ts
 *   npx llmload run examples/capacity-search.ts --url http://127.0.0.1:8000 --model Qwen/Qwen2.5-14B-Instruct-AWQ
 */
import type { Options, VU } from 'llmload';

export const options: Options = {
  target: { url: process.env['LLM_URL'] },
  simulator: {
    preset: 'fast',
    timeScale: 10,
    config: { maxNumSeqs: 16, stepBaseMs: 20, stepPerSeqMs: 1, prefillPerTokenMs: 0, tokensPerChunk: 1, outputLength: { kind: 'fixed', tokens: 64 } },
  },
  // What "meets the SLOs" means for each request (modelled server time against the simulator).
  slo: { ttft: '1s', e2e: '3s' },
  scenarios: {
    capacity: {
      executor: 'capacity-search',
      mode: 'concurrency',
      start: 2,
      max: 64,
      tolerance: 1,
      attainment: 0.95,
      confidence: 0.95,
      // Modelled server time, as every duration here: 3 s of real time a probe at 10×.
      probeDuration: '30s',
      maxProbeDuration: '90s',
      gracefulStop: '10s',
    },
  },
  thresholds: {
    llm_capacity: ['value>=12'],
  },
};

export default async function (vu: VU) {
  await vu.chat({ messages: [{ role: 'user', content: `Summarise the benefits of continuous batching (user ${vu.id}).` }], max_tokens: 64 });
}
