/**
 * Capacity planning with open-loop load: how many requests per second does
 * this deployment serve within its SLOs, and where does it break?
 *
 * A rate-sweep first measures one request at a time (the synchronous rate)
 * and everything at once (the maximum throughput), then offers Poisson
 * arrivals at 5 rates between the two, each for 30 s after a 5 s warm-up.
 * Arrivals do not wait for the server (no coordinated omission): when it
 * falls behind, the wait shows in llm_ttft_sched (measured from when each
 * request was meant to be sent) and the sweep stops at the first rate where
 * the queue grows without bound. Prompts are synthetic, 512 ± 128 tokens in
 * and 256 ± 64 out, all different so that the prefix cache flatters nothing.
 *
 *   npx llmload run examples/open-loop-capacity.ts                  # built-in simulator (qwen14b-awq preset)
 *   npx llmload run examples/open-loop-capacity.ts --url http://127.0.0.1:8000 --model Qwen/Qwen2.5-14B-Instruct-AWQ
 */
import { dataset } from 'llmload';
import type { Options, VU } from 'llmload';

const prompts = dataset({ synthetic: 'N(512,128)/(256,64)', seed: 1 });

export const options: Options = {
  target: { url: process.env['LLM_URL'] },
  simulator: { preset: 'qwen14b-awq', timeScale: 4 },
  scenarios: {
    capacity: {
      executor: 'rate-sweep',
      rates: 5,
      duration: '30s',
      measureDuration: '20s',
      warmup: '5s',
      maxVUs: 256,
      distribution: 'poisson',
      stopOnSaturation: true,
      gracefulStop: '30s',
    },
  },
  slo: { ttft: 1000, tpot: 60, e2e: 20000 },
  thresholds: {
    // A sweep that stops at saturation may send too few requests to show a failure rate under 1 % at 95 %:
    // reported inconclusive, not failed, so that the sweep's table is the verdict.
    llm_request_failed: [{ threshold: 'rate<0.01', inconclusive: 'pass' }],
    // Per rate, e.g. 'llm_ttft_sched{rate:2.5}': ['p(95)<1000'] once the rates are known.
    llm_goodput_ratio: ['rate>0.5'],
  },
};

export default async function (vu: VU) {
  await vu.chat(prompts.next(vu).chat());
}
