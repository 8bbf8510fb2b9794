/**
 * A 32B model on 4 GPUs: concurrency sweep 1/2/5/10 users, every user a
 * different prompt (so the prefix cache cannot flatter the server), long code
 * generations, a check on the output. Reproduces seed report 000's table
 * (users, success, req/s, p50/p95 latency) and its batching speedup.
 *
 *   npx llmload run examples/seed-000-concurrency-sweep.ts --sim-preset qwen32b-awq-4x2080ti --time-scale 20
 *   npx llmload run examples/seed-000-concurrency-sweep.ts --url http://127.0.0.1:8000 --model Qwen/Qwen2.5-Coder-32B-Instruct-AWQ
 */
import { check } from 'llmload';
import type { Options, VU } from 'llmload';

const PROMPTS = [
  'Generate a page to show a list of tasks with a search bar and paging.',
  'Create a member management screen with a grid and an edit form.',
  'Build a product inventory list screen with filters by category.',
  'Make an order history screen with a date range filter and totals.',
  'Generate a customer support ticket board grouped by status.',
  'Create an employee directory with photos, departments and search.',
  'Build a project timeline screen with milestones and owners.',
  'Generate an invoice list with status badges and a detail panel.',
  'Create a warehouse stock transfer form with validation rules.',
  'Build a meeting room booking calendar with conflict warnings.',
];

// The screen template and retrieved snippets sent with every request (~1,100 tokens), as the
// seed's "xframe5-list v4 (80 lines + dynamic RAG)". Each request starts with its own user prompt,
// so no two prompts share a first block and the prefix cache cannot help.
const TEMPLATE = Array.from(
  { length: 45 },
  (_, i) => `<Column id="col${i}" name="field_${i}" width="${80 + (i % 7) * 10}" align="${i % 2 ? 'left' : 'right'}" sortable="true"/>`,
).join('\n');

export const options: Options = {
  target: { model: 'Qwen/Qwen2.5-Coder-32B-Instruct-AWQ' },
  simulator: { preset: 'qwen32b-awq-4x2080ti' },
  scenarios: {
    sweep: { executor: 'concurrency-sweep', levels: [1, 2, 5, 10], iterationsPerVu: 1, gracefulStop: '5m', maxDuration: '30m' },
  },
  thresholds: {
    llm_request_failed: ['rate<0.01'],
    'llm_e2e{level:1}': ['p(95)<60000'],
  },
};

export default async function (vu: VU) {
  // Each VU sends its own prompt: user N always asks prompt N.
  const prompt = PROMPTS[(vu.id - 1) % PROMPTS.length]!;
  const res = await vu.chat({
    messages: [
      {
        role: 'user',
        content: `${prompt}\nAnswer with an xFrame5 XML layout, then its JavaScript.\n\nUse this list template:\n${TEMPLATE}`,
      },
    ],
    max_tokens: 1600,
    temperature: 0,
  });
  check(res, { 'output has xml': (r) => r.text.includes('<') || r.outputTokens > 1000 });
}
