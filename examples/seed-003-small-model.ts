/**
 * A 125M model after server tuning: 5, 10 and 50 concurrent requests of 50
 * tokens, with the report's targets as thresholds (<3 s at 5 concurrent,
 * <20 s at 50). Reproduces seed report 003's table (total time, req/s) and
 * its pass/fail targets.
 *
 *   npx llmload run examples/seed-003-small-model.ts --sim-preset opt-125m
 *   npx llmload run examples/seed-003-small-model.ts --url http://127.0.0.1:8000 --model facebook/opt-125m
 */
import type { Options, VU } from 'llmload';

export const options: Options = {
  target: { model: 'facebook/opt-125m' },
  simulator: { preset: 'opt-125m' },
  scenarios: {
    sweep: { executor: 'concurrency-sweep', levels: [5, 10, 50], iterationsPerVu: 1, gracefulStop: '1m' },
  },
  thresholds: {
    'llm_e2e{level:5}': ['max<3000'],
    'llm_e2e{level:50}': ['max<20000'],
    llm_request_failed: ['rate==0'],
  },
};

export default async function (vu: VU) {
  await vu.completion({ prompt: 'Explain quantum computing in simple terms', max_tokens: 50 });
}
