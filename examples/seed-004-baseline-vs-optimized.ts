/**
 * Baseline vs optimized server configuration, as seed report 004 measured it
 * with genai-bench (Qwen2.5-14B-Instruct, TP=2 on 2× RTX 4090, vLLM 0.13):
 * a min-latency test (2 concurrent users, 10 requests) and max-throughput
 * tests (192 and 512 concurrent users, 1,024 requests each; the seed's
 * baseline peaked at 192, the optimized server at 512), the same script run
 * against each server, then `llmload compare` for table 4.3 (output and total
 * tok/s, E2E p50/p99, TTFT p50, with % change). Tables 4.1 and 4.2 are the
 * levels of each run's report (max-throughput levels; the level-2 row with
 * E2E mean/p50/min/max).
 *
 * Against the built-in simulator, the seed's two servers are presets
 * (core/sim/PRESETS.md): bf16 with vLLM's defaults, and FP8 with chunked
 * prefill 4096 and up to 1,024 running requests. About a minute each:
 *
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --sim-preset qwen14b-2x4090-baseline --time-scale 10 --report seed-004/baseline
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --sim-preset qwen14b-2x4090-optimized --time-scale 10 --report seed-004/optimized
 *   npx llmload compare seed-004/baseline seed-004/optimized
 *
 * One setting at a time, as a what-if (any key of `llmload sim --config`):
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --sim-preset qwen14b-2x4090-baseline --sim-config maxNumBatchedTokens=4096 --time-scale 10 --report seed-004/baseline-4096
 *
 * Against the real servers (the seed's ports):
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --url http://127.0.0.1:8010 --report seed-004/baseline
 *   npx llmload run examples/seed-004-baseline-vs-optimized.ts --url http://127.0.0.1:8011 --report seed-004/optimized
 *
 * Times in the options are the server's: at --time-scale N the wait before
 * the max-throughput test runs N× faster too. -e CONCURRENCY=192 and
 * -e REQUESTS=256 run a shorter max-throughput test.
 */
import { dataset } from 'llmload';
import type { Options, VU } from 'llmload';

// genai-bench's default dataset is sonnet.txt: its prompts are lines of the sonnets, drawn at random
// until the prompt has the input length of the traffic scenario. These are some of those lines.
const SONNET = [
  "Shall I compare thee to a summer's day?",
  'Thou art more lovely and more temperate:',
  'Rough winds do shake the darling buds of May,',
  "And summer's lease hath all too short a date;",
  'Sometime too hot the eye of heaven shines,',
  "And often is his gold complexion dimm'd;",
  'But thy eternal summer shall not fade,',
  'Nor lose possession of that fair thou ownest;',
  "When, in disgrace with fortune and men's eyes,",
  'I all alone beweep my outcast state,',
  'And trouble deaf heaven with my bootless cries,',
  'And look upon myself and curse my fate,',
  'Let me not to the marriage of true minds',
  'Admit impediments. Love is not love',
  'Which alters when it alteration finds,',
  'Or bends with the remover to remove.',
  "My mistress' eyes are nothing like the sun;",
  "Coral is far more red than her lips' red;",
  'If snow be white, why then her breasts are dun;',
  'If hairs be wires, black wires grow on her head.',
  'When I do count the clock that tells the time,',
  'And see the brave day sunk in hideous night;',
  'When forty winters shall besiege thy brow,',
  "And dig deep trenches in thy beauty's field,",
];

// Token lengths in genai-bench's notation: input ~20 words of verse (~27 tokens with the chat
// template: the seed's total tok/s is 1.10× its output tok/s) and 256-token answers (its
// min-latency answers: 105 tok/s × 4.85 s ÷ 2 users), asked for exactly (max_tokens, ignore_eos).
const lengths = dataset({ synthetic: 'N(20,6)/(256,4)', seed: 4 });

/** A prompt of about `words` words: sonnet lines from a drawn one on, cut to length. */
function sonnetPrompt(index: number, words: number): string {
  const out: string[] = [];
  for (let line = (index * 7) % SONNET.length; out.length < words; line = (line + 1) % SONNET.length) out.push(...SONNET[line]!.split(' '));
  return out.slice(0, words).join(' ');
}

const REQUESTS = Number(process.env['REQUESTS'] ?? '1024');
const CONCURRENCY = (process.env['CONCURRENCY'] ?? '192,512').split(',').map(Number);

export const options: Options = {
  scenarios: {
    // genai-bench --num-concurrency 2 --max-requests-per-run 10.
    'min-latency': { executor: 'concurrency-sweep', levels: [2], iterations: 10, maxDuration: '5m' },
    // genai-bench --num-concurrency N --max-requests-per-run 1024, after the min-latency test (10 answers of ~5 s by 2 users: < 40 s).
    'max-throughput': {
      executor: 'concurrency-sweep',
      levels: CONCURRENCY,
      iterations: REQUESTS,
      maxDuration: '30m',
      startTime: '40s',
    },
  },
  thresholds: {
    llm_request_failed: ['rate<0.01'],
  },
};

export default async function (vu: VU) {
  const item = lengths.next(vu);
  await vu.chat({ messages: [{ role: 'user', content: sonnetPrompt(item.index, item.inputTokens) }], max_tokens: item.outputTokens ?? 256, ignore_eos: true });
}
