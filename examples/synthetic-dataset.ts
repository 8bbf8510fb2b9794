/**
 * Realistic prompts without a dataset file: genai-bench's token-length
 * notation, N(480,240)/(300,150) = input tokens normal with mean 480 and
 * std 240, output tokens normal with mean 300 and std 150. Every prompt is
 * different (no accidental prefix-cache hits), requests ask for exactly the
 * drawn output length (max_tokens with ignore_eos), and 20 requests per
 * second arrive on a fixed schedule.
 *
 * Set PREFIX=256 to give half of the prompts the same 256-token prefix (a
 * shared system prompt) and watch the server's prefix-cache hit rate rise.
 *
 *   npx llmload run examples/synthetic-dataset.ts
 *   npx llmload run examples/synthetic-dataset.ts -e PREFIX=256
 *   npx llmload run examples/synthetic-dataset.ts --url http://127.0.0.1:8000 --model meta-llama/Llama-3.1-8B-Instruct
 */
import { check, dataset } from 'llmload';
import type { Options, VU } from 'llmload';

const prefix = Number(process.env['PREFIX'] ?? 0);

const prompts = dataset({
  synthetic: 'N(480,240)/(300,150)',
  seed: 42,
  ...(prefix > 0 ? { sharedPrefix: { tokens: prefix, fraction: 0.5 } } : {}),
});

export const options: Options = {
  scenarios: {
    synthetic: { executor: 'constant-arrival-rate', rate: 20, duration: '30s', preAllocatedVUs: 50, maxVUs: 200 },
  },
  thresholds: {
    llm_request_failed: ['rate<0.01'],
    dropped_iterations: ['count==0'],
  },
};

export default async function (vu: VU) {
  const item = prompts.next(vu);
  // /v1/completions: the server counts exactly item.inputTokens (chat adds its template on top).
  const res = await vu.completion(item.completion());
  check(res, { 'answer has the requested length': (r) => !r.ok || r.outputTokens === item.outputTokens });
}
