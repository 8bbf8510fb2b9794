/**
 * A 32B model on 4 GPUs: concurrency sweep 1/2/5/10 users, every request a
 * different prompt (so the prefix cache cannot flatter the server), long code
 * generations, a check that the answer is an xFrame5 screen (an XML layout
 * and its JavaScript). Reproduces seed report 000's table (users, success,
 * req/s, p50/p95 latency, XML and JS size) and its batching speedup.
 *
 *   npx llmload run examples/seed-000-concurrency-sweep.ts --sim-preset qwen32b-awq-4x2080ti --time-scale 20   # about 15 s
 *   npx llmload run examples/seed-000-concurrency-sweep.ts --url http://127.0.0.1:8000 --model Qwen/Qwen2.5-Coder-32B-Instruct-AWQ
 *
 * The simulator writes filler prose, not xFrame5: against it the two shape
 * checks fail on every answer (and XML/JS sizes read 0), which is what they
 * are for. Against the real model they pass.
 */
import { Trend, check } from 'llmload';
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
// seed's "xframe5-list v4 (80 lines + dynamic RAG)". It comes after the request's own text, so it
// is never a shared prefix.
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
    // The seed's 18 requests cannot show a failure rate under 1 % at 95 % (inconclusive): reported as such, not failed.
    llm_request_failed: [{ threshold: 'rate<0.01', inconclusive: 'pass' }],
    'llm_e2e{level:1}': ['p(95)<60000'],
  },
};

// The seed's "Avg XML" and "Avg JS" columns.
const xmlChars = new Trend('xml_chars');
const jsChars = new Trend('js_chars');

/** The XML layout of an answer: a fenced xml block, else everything from the first tag to the last. */
export function xmlPart(text: string): string {
  const fenced = /```xml\s*\n([\s\S]*?)```/i.exec(text);
  if (fenced !== null) return fenced[1]!;
  const first = text.indexOf('<');
  const last = text.lastIndexOf('>');
  return first >= 0 && last > first ? text.slice(first, last + 1) : '';
}

/** The JavaScript of an answer: its fenced js/javascript block ('' when there is none). */
export function jsPart(text: string): string {
  return /```(?:javascript|js)\s*\n([\s\S]*?)```/i.exec(text)?.[1] ?? '';
}

/** An XML layout: at least one element that is closed (<Grid …>…</Grid> or <Column …/>), with attributes somewhere. */
export function looksLikeXmlLayout(xml: string): boolean {
  return /<([A-Za-z][\w:.-]*)\b[^>]*>[\s\S]*?<\/\1\s*>|<[A-Za-z][\w:.-]*\b[^>]*\/>/.test(xml) && /\s[\w:-]+\s*=\s*"[^"]*"/.test(xml);
}

/** JavaScript: a function declaration, an arrow function with a body, or a variable declaration. */
export function looksLikeJavaScript(js: string): boolean {
  return /\bfunction\s+[\w$]+\s*\(|=>\s*\{|\b(?:var|let|const)\s+[\w$]+\s*=/.test(js);
}

export default async function (vu: VU) {
  // User N asks screen N, as in the seed; the ticket that opens the prompt is unique in the whole
  // sweep (level, user, iteration), so no two requests, in one level or across levels, share a
  // first KV block: the prefix cache never hits.
  const screen = PROMPTS[(vu.id - 1) % PROMPTS.length]!;
  const ticket = `Ticket ${vu.tags['level'] ?? '-'}-${vu.id}-${vu.iteration}`;
  const res = await vu.chat({
    messages: [
      {
        role: 'user',
        content: `${ticket}: ${screen}\nAnswer with an xFrame5 XML layout in an xml block, then its JavaScript in a javascript block.\n\nUse this list template:\n${TEMPLATE}`,
      },
    ],
    max_tokens: 1600,
    temperature: 0,
  });
  const xml = xmlPart(res.text);
  const js = jsPart(res.text);
  if (res.ok) {
    xmlChars.add(xml.length);
    jsChars.add(js.length);
  }
  check(res, {
    'answer has an XML layout': () => looksLikeXmlLayout(xml),
    'answer has JavaScript': () => looksLikeJavaScript(js),
  });
}
