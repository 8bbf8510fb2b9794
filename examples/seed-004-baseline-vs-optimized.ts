/**
 * Baseline vs optimized server configuration: a min-latency level (2
 * concurrent users) and max-throughput levels, the same script run against
 * each server, then `llmload compare` for seed report 004's table 4.3
 * (output and total tok/s, E2E p50/p99, TTFT p50, with % change).
 *
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --url http://127.0.0.1:8010 --summary-export baseline.json
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --url http://127.0.0.1:8011 --summary-export optimized.json
 *   npx llmload compare baseline.json optimized.json
 *
 * Against the built-in simulator, compare two presets instead:
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --sim-preset qwen14b-awq --time-scale 5 --summary-export a.json
 */
import type { Options, VU } from 'llmload';

// A few lines of verse as prompts, as genai-bench's default (sonnet) dataset does.
const LINES = [
  'Shall I compare thee to a summer\u2019s day? Thou art more lovely and more temperate.',
  'When in disgrace with fortune and men\u2019s eyes, I all alone beweep my outcast state.',
  'Let me not to the marriage of true minds admit impediments. Love is not love.',
  'My mistress\u2019 eyes are nothing like the sun; coral is far more red than her lips\u2019 red.',
];

export const options: Options = {
  simulator: { preset: 'qwen14b-awq' },
  scenarios: {
    sweep: { executor: 'concurrency-sweep', levels: [2, 64, 160], duration: '60s', gracefulStop: '1m' },
  },
  thresholds: {
    llm_request_failed: ['rate<0.01'],
  },
};

export default async function (vu: VU) {
  const line = LINES[(vu.id + vu.iteration) % LINES.length]!;
  await vu.completion({ prompt: `Continue this poem for a few stanzas: ${line} (request ${vu.id}-${vu.iteration})`, max_tokens: 256 });
}
