/**
 * A 14B AWQ model on one GPU: the same short chat prompt at 40, 60 and 80
 * concurrent requests, max 200 tokens. Reproduces seed report 002's table
 * (total time, average latency, req/s, tok/s), its sweet spot near 60 and its
 * prefix-cache hit rate (~77 %; the simulator gives 82-84 %).
 *
 * Prefix caching helps here on purpose: every request sends the same prompt,
 * so all but the first reuse its cached KV blocks. The prompt goes through the
 * chat template (/v1/chat/completions), which makes it 19 tokens: one full
 * 16-token KV block is shared. As a bare completion prompt it would be 12
 * tokens, shorter than one block, and nothing could be cached (hit rate 0 %).
 *
 *   npx llmload run examples/seed-002-sweet-spot.ts --sim-preset qwen14b-awq
 *   npx llmload run examples/seed-002-sweet-spot.ts --url http://127.0.0.1:8001 --model Qwen/Qwen2.5-14B-Instruct-AWQ
 *
 * The simulator runs in real time here (about 15 s); the prefix-cache figures are the same at any --time-scale.
 */
import type { Options, VU } from 'llmload';

export const options: Options = {
  target: { model: 'Qwen/Qwen2.5-14B-Instruct-AWQ' },
  simulator: { preset: 'qwen14b-awq' },
  scenarios: {
    // One wave of N simultaneous requests per level, as the seed's script sent them.
    sweep: { executor: 'concurrency-sweep', levels: [40, 60, 80], iterationsPerVu: 1, gracefulStop: '2m' },
  },
  thresholds: {
    llm_request_failed: ['rate==0'],
  },
};

// Every VU sends one request per level: a wave of N at once, all with the same prompt.
export default async function (vu: VU) {
  await vu.chat({ messages: [{ role: 'user', content: 'Write a short paragraph explaining why GPUs are good for AI.' }], max_tokens: 200 });
}
