/**
 * Reads and checks a /v1/chat/completions or /v1/completions body the way
 * vLLM does, keeping only what the simulator uses. Invalid requests throw a
 * RequestError carrying vLLM's status and (where known) its message.
 */
import type { EngineConfig } from './engine-config.js';
import { chatPromptTokens, completionPromptTokens, tokenIdPromptTokens, type PromptTokens } from './prompt-tokens.js';
import { RequestError } from './vllm-errors.js';

export type Api = 'chat' | 'completion';

export interface ParsedRequest {
  api: Api;
  /** Served model name (the request's, checked, or the served one when absent). */
  model: string;
  stream: boolean;
  /** stream_options.include_usage: send a usage chunk before [DONE]. */
  includeUsage: boolean;
  /** stream_options.continuous_usage_stats: usage in every chunk (vLLM extension). */
  continuousUsage: boolean;
  prompt: PromptTokens;
  /** Resolved max_tokens (request's, else the default rule). */
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  /** The request's `seed`, or null. */
  seed: number | null;
}

type Body = Record<string, unknown>;

/** Parse and validate a body already decoded from JSON. */
export function parseRequest(api: Api, body: unknown, config: EngineConfig): ParsedRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError(400, `Expected a JSON object as the request body, got ${Array.isArray(body) ? 'an array' : typeof body}.`);
  }
  const b = body as Body;
  const model = b['model'];
  if (model !== undefined && model !== null && typeof model !== 'string') throw badField('model', 'a string', model);
  if (typeof model === 'string' && model !== config.model) {
    // vLLM's message (serving_engine.py _check_model).
    throw new RequestError(404, `The model \`${model}\` does not exist.`, 'model');
  }

  const prompt = api === 'chat' ? chatPrompt(b, config) : completionPrompt(b, config);

  const n = b['n'];
  if (n !== undefined && n !== null && n !== 1) throw new RequestError(400, `n must be 1: the simulator returns one choice, got ${JSON.stringify(n)}.`, 'n');

  const stream = optionalBoolean(b, 'stream') ?? false;
  const streamOptions = b['stream_options'];
  let includeUsage = false;
  let continuousUsage = false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) throw new RequestError(400, 'Stream options can only be defined when `stream=True`.', 'stream_options');
    if (typeof streamOptions !== 'object' || Array.isArray(streamOptions)) throw badField('stream_options', 'an object', streamOptions);
    const so = streamOptions as Body;
    includeUsage = optionalBoolean(so, 'include_usage', 'stream_options.include_usage') ?? false;
    continuousUsage = optionalBoolean(so, 'continuous_usage_stats', 'stream_options.continuous_usage_stats') ?? false;
  }

  // Chat: max_completion_tokens wins over the deprecated max_tokens (OpenAI's and vLLM's rule).
  const requested = (api === 'chat' ? optionalInt(b, 'max_completion_tokens', 1) : undefined) ?? optionalInt(b, 'max_tokens', 1);
  const room = config.maxModelLen - prompt.count;
  if (prompt.count >= config.maxModelLen) {
    throw new RequestError(
      400,
      `This model's maximum context length is ${config.maxModelLen} tokens. However, your request has ${prompt.count} input tokens. ` +
        'Please reduce the length of the input messages.',
      api === 'chat' ? 'messages' : 'prompt',
    );
  }
  if (requested !== undefined && requested > room) {
    throw new RequestError(
      400,
      `This model's maximum context length is ${config.maxModelLen} tokens. However, you requested ${prompt.count + requested} tokens ` +
        `(${prompt.count} in the messages, ${requested} in the completion). Please reduce the length of the messages or completion.`,
      'max_tokens',
    );
  }
  const maxTokens = requested ?? (config.defaultMaxTokens === null ? room : Math.min(config.defaultMaxTokens, room));
  const minTokens = optionalInt(b, 'min_tokens', 0) ?? 0;
  if (minTokens > maxTokens) {
    throw new RequestError(400, `min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}.`, 'min_tokens');
  }
  const ignoreEos = optionalBoolean(b, 'ignore_eos') ?? false;
  const seed = optionalInt(b, 'seed', Number.MIN_SAFE_INTEGER) ?? null;
  return {
    api,
    model: config.model,
    stream,
    includeUsage,
    continuousUsage,
    prompt,
    maxTokens,
    minTokens,
    ignoreEos,
    stop: stopStrings(b['stop']),
    seed,
  };
}

function chatPrompt(b: Body, config: EngineConfig): PromptTokens {
  const messages = b['messages'];
  if (messages === undefined || messages === null) throw new RequestError(400, 'Field required: messages.', 'messages');
  if (!Array.isArray(messages) || messages.length === 0) throw badField('messages', 'a non-empty list', messages);
  for (const [i, m] of messages.entries()) {
    if (m === null || typeof m !== 'object' || typeof (m as Body)['role'] !== 'string') {
      throw new RequestError(400, `messages[${i}] must be an object with a string "role".`, 'messages');
    }
  }
  return chatPromptTokens(messages as Array<{ role: string; content?: unknown }>, config.blockSize);
}

function completionPrompt(b: Body, config: EngineConfig): PromptTokens {
  let prompt = b['prompt'];
  if (prompt === undefined || prompt === null) throw new RequestError(400, 'Field required: prompt.', 'prompt');
  // A one-element batch is the same as its element.
  if (Array.isArray(prompt) && prompt.length === 1 && (typeof prompt[0] === 'string' || Array.isArray(prompt[0]))) prompt = prompt[0];
  if (typeof prompt === 'string') {
    if (prompt.length === 0) throw new RequestError(400, 'Prompt cannot be empty.', 'prompt');
    return completionPromptTokens(prompt, config.blockSize);
  }
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isInteger(t) && (t as number) >= 0)) {
    return tokenIdPromptTokens(prompt as number[], config.blockSize);
  }
  throw badField('prompt', 'a non-empty string or list of token ids (one prompt per request)', prompt);
}

function stopStrings(stop: unknown): string[] {
  if (stop === undefined || stop === null) return [];
  if (typeof stop === 'string') return stop === '' ? [] : [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop.filter((s) => s !== '');
  throw badField('stop', 'a string or a list of strings', stop);
}

function optionalBoolean(b: Body, key: string, path = key): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badField(path, 'a boolean', v);
  return v;
}

function optionalInt(b: Body, key: string, min: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badField(key, 'an integer', v);
  if (v < min) throw new RequestError(400, `${key} must be at least ${min}, got ${v}.`, key);
  return v;
}

function badField(path: string, expected: string, got: unknown): RequestError {
  let shown: string;
  try {
    shown = JSON.stringify(got) ?? String(got);
  } catch {
    shown = String(got);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return new RequestError(400, `${path} must be ${expected}, got ${shown}.`, path.split('.')[0] ?? path);
}
