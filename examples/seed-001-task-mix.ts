/**
 * One model, four kinds of coding task (architecture design, code completion,
 * code review, debugging), in two phases: "initial load", each task once on
 * a cold server, one after another; then "continuous", 4 users cycling
 * through the tasks 7 times each (about three minutes), starting once the
 * first phase is over.
 * Reproduces seed report 001: total time and tokens/s per request, per phase
 * and per task (mean/median/min/max), with per-task rows from the `name` tag
 * and the phase-to-phase change. The seed ran it once per server context
 * length (12,800, 41,200, 51,200, 76,800); run it once per setting and put the
 * runs side by side with `llmload compare`.
 *
 *   npx llmload run examples/seed-001-task-mix.ts --sim-preset qwen32b-awq-longctx --time-scale 20   # about 25 s
 *   npx llmload run examples/seed-001-task-mix.ts --url http://127.0.0.1:8000 -e CONTEXT=41200
 *
 * Every time in the options is the server's: at --time-scale N the second
 * phase's start, the limits and the whole schedule run N× faster on the clock.
 *
 * Answer lengths per task follow the seed's (the answer of a task is drawn per
 * request and asked for exactly, with ignore_eos): architecture designs of
 * ~810 tokens, debugging ~650, completions ~300 and reviews from a few dozen
 * to ~800. At the ~20 tok/s per request of the seed's server that gives its
 * times: ~40 s, ~32 s, ~15 s and ~8 s (median). In the initial phase the seed's
 * answers were shorter (12-18 s, 240-370 tokens): they are capped at 360.
 */
import { check } from 'llmload';
import type { Options, VU } from 'llmload';

interface Task {
  /** The seed's scenario name, used as the request's `name` tag. */
  name: string;
  prompt: string;
  /** Answer length: log-normal with this median (tokens) and sigma. */
  medianTokens: number;
  sigma: number;
}

const TASKS: Task[] = [
  { name: 'architecture-design', prompt: 'Design the module structure of a multi-tenant billing service. Explain each module and how they talk.', medianTokens: 810, sigma: 0.1 },
  { name: 'code-completion', prompt: 'Complete this TypeScript function that merges two sorted arrays: function merge(a: number[], b: number[]) {', medianTokens: 305, sigma: 0.5 },
  { name: 'code-review', prompt: 'Review this code and list concrete problems: for (var i = 0; i <= items.length; i++) total += items[i].price;', medianTokens: 170, sigma: 1 },
  { name: 'debugging', prompt: 'A Node.js server leaks memory under load when clients disconnect mid-stream. How do you find the cause?', medianTokens: 660, sigma: 0.1 },
];

const INITIAL_MAX_TOKENS = 360;
/** The continuous phase starts when the initial one is surely over: 4 answers of at most 360 tokens at ~20 tok/s take ≤ 75 s. */
const INITIAL_PHASE = '90s';

export const options: Options = {
  target: { model: 'Qwen/Qwen2.5-Coder-32B-Instruct-AWQ' },
  simulator: { preset: 'qwen32b-awq-longctx' },
  tags: { context: process.env['CONTEXT'] ?? 'default' },
  scenarios: {
    // Every task once, one after another, on a cold server.
    initial: { executor: 'per-vu-iterations', vus: 1, iterations: TASKS.length, maxDuration: INITIAL_PHASE },
    // Then 4 users cycling through the tasks, 7 requests each (7 of every task in all).
    continuous: { executor: 'per-vu-iterations', vus: 4, iterations: 7, startTime: INITIAL_PHASE, maxDuration: '10m' },
  },
  thresholds: {
    // The seed's 32 requests cannot show a failure rate under 1 % at 95 % (inconclusive): reported as such, not failed.
    llm_request_failed: [{ threshold: 'rate<0.01', inconclusive: 'pass' }],
  },
};

/** A number in [0, 1) from a string: the same request always draws the same length. */
function unit(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) + 0.5) / 4294967296;
}

/** Tokens to ask for: log-normal around the task's median (Box-Muller on two hashed draws). */
function answerTokens(task: Task, key: string, cap: number): number {
  const z = Math.sqrt(-2 * Math.log(unit(`${key}/a`))) * Math.cos(2 * Math.PI * unit(`${key}/b`));
  return Math.max(16, Math.min(cap, Math.round(task.medianTokens * Math.exp(task.sigma * z))));
}

export default async function (vu: VU) {
  const task = TASKS[(vu.iteration + vu.id) % TASKS.length]!;
  const initial = vu.scenario === 'initial';
  const tokens = answerTokens(task, `${vu.scenario}/${vu.id}/${vu.iteration}`, initial ? INITIAL_MAX_TOKENS : 2000);
  const res = await vu.chat({ messages: [{ role: 'user', content: task.prompt }], max_tokens: tokens, ignore_eos: true, temperature: 0.2 }, { tags: { name: task.name } });
  check(res, { 'answer has the asked length': (r) => r.outputTokens === tokens });
}
