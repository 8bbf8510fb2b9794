/**
 * One model, four kinds of coding task, an "initial load" phase (one request
 * of each kind, cold) and a "continuous" phase (users working steadily).
 * Reproduces seed report 001: total time and tokens/s per phase and per task
 * (mean/median/min/max), with per-task rows from the `name` tag. Run it once
 * per server context-length setting and put the runs side by side with
 * `llmload compare`:
 *
 *   npx llmload run examples/seed-001-task-mix.ts --time-scale 20 -e QUICK=1   # simulator, about 40 s
 *   npx llmload run examples/seed-001-task-mix.ts --url http://127.0.0.1:8000 -e CONTEXT=41200
 */
import { check } from 'llmload';
import type { Options, VU } from 'llmload';

const TASKS: Array<{ name: string; prompt: string; maxTokens: number }> = [
  { name: 'architecture-design', prompt: 'Design the module structure of a multi-tenant billing service. Explain each module.', maxTokens: 900 },
  { name: 'code-completion', prompt: 'Complete this TypeScript function that merges two sorted arrays: function merge(a: number[], b: number[]) {', maxTokens: 300 },
  { name: 'code-review', prompt: 'Review this code and list concrete problems: for (var i = 0; i <= items.length; i++) total += items[i].price;', maxTokens: 400 },
  { name: 'debugging', prompt: 'A Node.js server leaks memory under load when clients disconnect mid-stream. How do you find the cause?', maxTokens: 700 },
];

// QUICK=1 shortens the phases for a quick look against the time-scaled simulator.
const QUICK = process.env['QUICK'] === '1';

export const options: Options = {
  target: { model: 'Qwen/Qwen2.5-Coder-32B-Instruct-AWQ' },
  simulator: { preset: 'qwen32b-awq-4x2080ti' },
  tags: { context: process.env['CONTEXT'] ?? 'default' },
  scenarios: {
    // Every task once, one after another, on a cold server.
    initial: { executor: 'per-vu-iterations', vus: 1, iterations: TASKS.length, maxDuration: '10m' },
    // Then 4 users cycling through the tasks for a while.
    continuous: { executor: 'constant-vus', vus: 4, duration: QUICK ? '20s' : '3m', startTime: QUICK ? '10s' : '2m' },
  },
  thresholds: {
    llm_request_failed: ['rate<0.01'],
  },
};

export default async function (vu: VU) {
  const task = TASKS[(vu.iteration + vu.id) % TASKS.length]!;
  const res = await vu.chat({ messages: [{ role: 'user', content: task.prompt }], max_tokens: task.maxTokens, temperature: 0.2 }, { tags: { name: task.name } });
  check(res, { answered: (r) => r.outputTokens > 0 });
}
