/**
 * Starter scripts for `llmload new`: short, commented, each one runnable as
 * written against the built-in simulator and type-checked with nothing but
 * the llmload package (no @types/node: no process.env here).
 */

export const TEMPLATE_NAMES = ['quickstart', 'sweep', 'open-loop', 'capacity', 'multi-turn'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** Other names people reach for. */
export const TEMPLATE_ALIASES: Readonly<Record<string, TemplateName>> = { chat: 'quickstart', concurrency: 'sweep', 'rate-sweep': 'capacity', conversation: 'multi-turn' };

const HEADER = (what: string): string =>
  [
    `// ${what}`,
    '//',
    '//   npx llmload run SCRIPT                                   # against the built-in simulator',
    '//   npx llmload run SCRIPT --url http://127.0.0.1:8000 --model MODEL',
    '//',
    '// Editor completion and `npx tsc --noEmit`: `npm install --save-dev llmload typescript` in this folder.',
    "import type { Options, VU } from 'llmload';",
  ].join('\n');

const TEMPLATES: Record<TemplateName, string> = {
  quickstart: `${HEADER('A few users chatting for a while, with SLOs as thresholds (exit 99 when one fails).')}
import { check } from 'llmload';

export const options: Options = {
  // Closed loop: each user sends its next request when the last answer is in.
  scenarios: { chat: { executor: 'constant-vus', vus: 5, duration: '20s' } },
  thresholds: {
    llm_ttft: ['p(95)<2000'], // time to first token, ms
    // Tens of requests cannot show a failure rate under 1 % at 95 % confidence: without
    // inconclusive: 'pass' such a run ends "inconclusive" and fails (exit 99). Drop it, or run
    // longer, once this threshold gates CI.
    llm_request_failed: [{ threshold: 'rate<0.01', inconclusive: 'pass' }],
  },
};

export default async function (vu: VU) {
  const res = await vu.chat({
    messages: [{ role: 'user', content: \`Explain continuous batching in two sentences. (user \${vu.id})\` }],
    max_tokens: 64,
  });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`,
  sweep: `${HEADER('Concurrency sweep: the same requests at 1, 2, 4, 8 and 16 users, one level after another; a row per level.')}
import { dataset } from 'llmload';

// Synthetic prompts of exact lengths (tokens in / out), the same on every run with this seed.
const prompts = dataset({ synthetic: 'D(512,128)', seed: 0 });

export const options: Options = {
  scenarios: { sweep: { executor: 'concurrency-sweep', levels: [1, 2, 4, 8, 16], iterations: 50 } },
};

export default async function (vu: VU) {
  await vu.chat(prompts.next(vu).chat());
}
`,
  'open-loop': `${HEADER('Open loop: Poisson arrivals at a fixed rate, whatever the server does (no coordinated omission).')}
import { dataset } from 'llmload';

const prompts = dataset({ synthetic: 'N(480,240)/(300,150)', seed: 0 });

export const options: Options = {
  scenarios: {
    arrivals: {
      executor: 'constant-arrival-rate',
      rate: 5, // requests per second
      duration: '30s',
      distribution: 'poisson',
      preAllocatedVUs: 20,
      maxVUs: 200, // an arrival finding every VU busy is dropped and counted
    },
  },
  // Goodput: requests/s that meet every SLO (ms).
  slo: { ttft: 500, tpot: 50 },
};

export default async function (vu: VU) {
  await vu.chat(prompts.next(vu).chat());
}
`,
  capacity: `${HEADER('Capacity: measure one-at-a-time and all-at-once, then open-loop rates in between; stop where the queue grows without bound.')}
import { dataset } from 'llmload';

const prompts = dataset({ synthetic: 'N(512,128)/(256,64)', seed: 1 });

export const options: Options = {
  scenarios: {
    capacity: { executor: 'rate-sweep', rates: 5, duration: '30s', maxVUs: 64, distribution: 'poisson', warmup: '5s', stopOnSaturation: true },
  },
  thresholds: { llm_ttft: ['p(95)<2000'] },
};

export default async function (vu: VU) {
  await vu.chat(prompts.next(vu).chat());
}
`,
  'multi-turn': `${HEADER('Multi-turn chat: each iteration is one conversation whose history grows turn by turn.')}

export const options: Options = {
  scenarios: { conversations: { executor: 'shared-iterations', vus: 4, iterations: 20 } },
};

const TURNS = ['Name three uses of a KV cache.', 'Which of them matters most for long chats?', 'Summarise in one sentence.'];

export default async function (vu: VU) {
  // The conversation keeps the messages; every turn resends the history, as a chat client does.
  const chat = vu.conversation({ system: 'You are a concise assistant.' });
  await chat.replay(TURNS, { max_tokens: 96 });
}
`,
};

/** The template's text, or null for an unknown name. */
export function templateText(name: string): string | null {
  const resolved = (TEMPLATE_NAMES as readonly string[]).includes(name) ? (name as TemplateName) : TEMPLATE_ALIASES[name];
  return resolved === undefined ? null : TEMPLATES[resolved];
}

/** tsconfig.json for a folder of scripts: what resolves `import … from 'llmload'` to the package's types. */
export const SCRIPT_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      verbatimModuleSyntax: true,
    },
    include: ['*.ts', '**/*.ts'],
    exclude: ['node_modules'],
  },
  null,
  2,
)}\n`;

/** package.json for a folder of scripts: ESM, as llmload scripts are. */
export const SCRIPT_PACKAGE_JSON = `${JSON.stringify({ private: true, type: 'module', devDependencies: {} }, null, 2)}\n`;
