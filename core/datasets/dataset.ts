/**
 * Datasets: items from a file or a synthetic distribution, and the order in
 * which VUs take them.
 *
 * A dataset is opened in every worker thread on its own (each reads the file
 * or generates the same synthetic items). Sequential sampling takes the next
 * item number from a counter shared by every VU of every worker
 * (shared-sequence.ts), so the test sends the items in file order, each once
 * per pass, whatever the number of VUs and workers. Without the shared table
 * (a dataset opened outside a run's workers) it interleaves by worker: worker
 * w of W takes items w, w + W, w + 2W….
 */
import { globalIndex, type Stripe } from '../distributed/segment.js';
import type { ChatBody, ChatMessage, CompletionBody } from '../client/request-types.js';
import { createRng, mixSeed, type Rng } from '../executors/random.js';
import type { DatasetOptions } from '../options/types.js';
import { countTextTokens } from '../tokens/counter.js';
import { resolveInputPath } from './input-path.js';
import { inputFileError, readRows, type FileRow } from './parse-file.js';
import { SyntheticPrompts } from './synthetic.js';
import { sharedSequence } from './shared-sequence.js';
import { parseTokenLengths } from './token-lengths.js';
import type { Dataset, DatasetItem, DatasetVu } from './types.js';

/** Which worker thread this is: sequential and random sampling split the dataset by it. */
export interface DatasetContext {
  workerIndex: number;
  workerCount: number;
  /** The script's directory: relative dataset paths are read from there (input-path.ts). */
  scriptDir: string;
  /** The run's table of sequential-sampling counters, shared by every worker (absent outside a run's workers). */
  sequence?: SharedArrayBuffer;
  /**
   * When the test is split over instances: this instance's stripe. Its n-th sequential draw is the
   * run's item its stripe places there, so the instances together take every item once per pass;
   * random draws get a stream of their own per instance.
   */
  instance?: Stripe;
}

/** Fields looked for, in order, when the dataset names none. */
const PROMPT_FIELDS = ['prompt', 'text', 'input', 'question'];
const OUTPUT_FIELDS = ['output_tokens', 'max_tokens', 'output_len'];

class Item implements DatasetItem {
  readonly index: number;
  readonly prompt: string;
  readonly messages: ChatMessage[];
  readonly turns: string[];
  readonly inputTokens: number;
  readonly outputTokens: number | null;
  readonly prefixTokens: number;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(fields: Omit<DatasetItem, 'chat' | 'completion'>) {
    this.index = fields.index;
    this.prompt = fields.prompt;
    this.messages = fields.messages;
    this.turns = fields.turns;
    this.inputTokens = fields.inputTokens;
    this.outputTokens = fields.outputTokens;
    this.prefixTokens = fields.prefixTokens;
    this.data = fields.data;
  }

  chat(extra?: Partial<ChatBody>): ChatBody {
    return { ...this.#length(), ...extra, messages: extra?.messages ?? this.messages.map((m) => ({ ...m })) };
  }

  completion(extra?: Partial<CompletionBody>): CompletionBody {
    return { ...this.#length(), ...extra, prompt: extra?.prompt ?? this.prompt };
  }

  /** max_tokens and ignore_eos, so that the answer is exactly outputTokens long (vLLM, SGLang, the simulator). */
  #length(): { max_tokens?: number; ignore_eos?: boolean } {
    return this.outputTokens === null ? {} : { max_tokens: this.outputTokens, ignore_eos: true };
  }
}

/** Where items come from. */
interface ItemSource {
  readonly size: number;
  item(k: number): DatasetItem;
}

function syntheticSource(spec: DatasetOptions, synthetic: string): ItemSource {
  const prefix = spec.sharedPrefix;
  const prompts = new SyntheticPrompts({
    lengths: parseTokenLengths(synthetic, 'dataset synthetic'),
    seed: spec.seed ?? 0,
    prefix: prefix === undefined ? null : typeof prefix === 'number' ? { tokens: prefix, fraction: 1 } : { tokens: prefix.tokens, fraction: prefix.fraction ?? 1 },
  });
  return {
    size: Number.POSITIVE_INFINITY,
    item: (k) => {
      const s = prompts.item(k);
      return new Item({
        index: k,
        prompt: s.prompt,
        messages: [{ role: 'user', content: s.prompt }],
        turns: [s.prompt],
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
        prefixTokens: s.prefixTokens,
        data: {},
      });
    },
  };
}

/** Parsed files, by path and settings: several dataset() calls on one file read it once per thread. */
const fileCache = new Map<string, DatasetItem[]>();

function fileSource(spec: DatasetOptions, file: string, scriptDir: string): ItemSource {
  const input = resolveInputPath(file, scriptDir);
  const key = JSON.stringify([input.path, spec.format, spec.promptField, spec.outputTokensField, spec.outputTokens]);
  let items = fileCache.get(key);
  if (items === undefined) {
    const { format, rows } = readRows(file, spec.format, input);
    items = format === 'sharegpt' ? sharegptItems(file, rows, spec) : rowItems(file, rows, spec);
    if (items.length === 0) throw inputFileError(file, null, 'the dataset has no usable item');
    fileCache.set(key, items);
  }
  const list = items;
  return { size: list.length, item: (k) => list[k % list.length]! };
}

/** Where a row is, for messages: ':12' (line) or ' item [3]'. */
function rowPlace(row: FileRow): number | string {
  return row.line ?? ` item [${row.position}]`;
}

function outputTokensOf(file: string, row: FileRow, spec: DatasetOptions): number | null {
  const fields = spec.outputTokensField !== undefined ? [spec.outputTokensField] : OUTPUT_FIELDS;
  for (const field of fields) {
    const value = row.data[field];
    if (value === undefined || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw inputFileError(file, rowPlace(row), `${field} must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
    return n;
  }
  return spec.outputTokens ?? null;
}

function rowItems(file: string, rows: FileRow[], spec: DatasetOptions): DatasetItem[] {
  return rows.map((row) => {
    const data = row.data;
    let messages: ChatMessage[];
    let prompt: string;
    if (spec.promptField === undefined && Array.isArray(data['messages'])) {
      messages = (data['messages'] as unknown[]).map((m, i) => {
        const message = m as { role?: unknown; content?: unknown };
        if (typeof message?.role !== 'string' || typeof message.content !== 'string') {
          throw inputFileError(file, rowPlace(row), `messages[${i}] must be { role: string, content: string }`);
        }
        return { role: message.role, content: message.content };
      });
      const user = [...messages].reverse().find((m) => m.role === 'user');
      prompt = typeof user?.content === 'string' ? user.content : '';
    } else {
      const fields = spec.promptField !== undefined ? [spec.promptField] : PROMPT_FIELDS;
      const field = fields.find((f) => typeof data[f] === 'string');
      if (field === undefined) {
        throw inputFileError(
          file,
          rowPlace(row),
          `no prompt: expected a string field ${fields.map((f) => `"${f}"`).join(' or ')}${spec.promptField === undefined ? ' (or a messages list)' : ''}`,
        );
      }
      prompt = data[field] as string;
      messages = [{ role: 'user', content: prompt }];
    }
    return new Item({
      index: row.position,
      prompt,
      messages,
      turns: [prompt],
      inputTokens: countTextTokens(prompt),
      outputTokens: outputTokensOf(file, row, spec),
      prefixTokens: 0,
      data,
    });
  });
}

/** ShareGPT: the first human turn is the prompt; the first gpt answer's length is the wanted output (as vLLM's bench). */
function sharegptItems(file: string, rows: FileRow[], spec: DatasetOptions): DatasetItem[] {
  const items: DatasetItem[] = [];
  for (const row of rows) {
    const conversations = row.data['conversations'];
    if (!Array.isArray(conversations)) throw inputFileError(file, rowPlace(row), 'expected "conversations": a list of { from, value }');
    let system: string | null = null;
    const turns: string[] = [];
    let answer: string | null = null;
    conversations.forEach((turn: unknown, i) => {
      const t = turn as { from?: unknown; value?: unknown };
      if (typeof t?.from !== 'string' || typeof t.value !== 'string') {
        throw inputFileError(file, rowPlace(row), `conversations[${i}] must be { from: string, value: string }`);
      }
      if (t.from === 'system') system ??= t.value;
      else if (t.from === 'human' || t.from === 'user') turns.push(t.value);
      else if (answer === null && turns.length > 0) answer = t.value;
    });
    // Conversations without a user turn have nothing to send (vLLM's sampler skips them too).
    if (turns.length === 0) continue;
    const prompt = turns[0]!;
    const messages: ChatMessage[] = system === null ? [] : [{ role: 'system', content: system }];
    messages.push({ role: 'user', content: prompt });
    const wanted = spec.outputTokens ?? (answer === null ? null : Math.max(1, countTextTokens(answer)));
    items.push(new Item({ index: items.length, prompt, messages, turns, inputTokens: countTextTokens(prompt), outputTokens: wanted, prefixTokens: 0, data: row.data }));
  }
  return items;
}

/** Open a dataset in this thread (reads or generates its items now). Throws LL_ERR_INPUT_FILE / LL_ERR_INVALID_OPTIONS. */
export function openDataset(spec: DatasetOptions, context: DatasetContext): Dataset {
  if (spec.synthetic !== undefined && spec.file !== undefined) {
    throw new Error('llmload: a dataset takes either file or synthetic, not both');
  }
  let source: ItemSource;
  if (spec.synthetic !== undefined) source = syntheticSource(spec, spec.synthetic);
  else if (spec.file !== undefined) source = fileSource(spec, spec.file, context.scriptDir);
  else throw new Error('llmload: a dataset needs a file or a synthetic distribution, e.g. dataset({ synthetic: "N(480,240)/(300,150)" })');
  return new SampledDataset(source, spec, context);
}

class SampledDataset implements Dataset {
  readonly #source: ItemSource;
  readonly #sampling: NonNullable<DatasetOptions['sampling']>;
  readonly #seed: number;
  readonly #context: DatasetContext;
  /** What identifies this dataset in every thread: its spec as the script wrote it. */
  readonly #key: string;
  #taken = 0;
  #rng: Rng | null = null;
  /** The shared counter of sequential sampling, found on first use (null: none, split by worker). */
  #sequence: (() => number) | null | undefined = undefined;

  constructor(source: ItemSource, spec: DatasetOptions, context: DatasetContext) {
    this.#source = source;
    this.#sampling = spec.sampling ?? 'sequential';
    this.#seed = spec.seed ?? 0;
    this.#context = context;
    this.#key = JSON.stringify(spec);
  }

  get size(): number {
    return this.#source.size;
  }

  at(index: number): DatasetItem {
    const size = this.#source.size;
    return this.#source.item(Number.isFinite(size) ? ((index % size) + size) % size : Math.max(0, Math.floor(index)));
  }

  next(vu?: DatasetVu): DatasetItem {
    switch (this.#sampling) {
      case 'per-vu':
        if (vu === undefined) throw new Error("llmload: a dataset with sampling 'per-vu' needs the VU: dataset.next(vu)");
        return this.at(vu.id - 1);
      case 'random': {
        const rng = (this.#rng ??= createRng(
          this.#context.instance === undefined
            ? mixSeed(this.#seed, this.#context.workerIndex, 0x72616e64)
            : mixSeed(this.#seed, this.#context.workerIndex, 0x72616e64, this.#context.instance.index),
        ));
        const size = this.#source.size;
        return this.at(Math.floor(rng() * (Number.isFinite(size) ? size : 2 ** 31)));
      }
      case 'sequential': {
        if (this.#sequence === undefined) {
          const table = this.#context.sequence;
          this.#sequence = table === undefined ? null : sharedSequence(table, this.#key);
        }
        const local = this.#sequence !== null ? this.#sequence() : this.#context.workerIndex + this.#context.workerCount * this.#taken++;
        const instance = this.#context.instance;
        return this.at(instance === undefined ? local : globalIndex(instance, local));
      }
    }
  }
}
