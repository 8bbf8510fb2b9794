/**
 * The exact bytes of vLLM's streamed and non-streamed answers, as templates
 * built once per request: per token the server only concatenates
 * prefix + text + suffix (no JSON.stringify on the hot path).
 *
 * Chat (vllm/entrypoints/openai/serving_chat.py):
 *   data: {"id":"chatcmpl-…","object":"chat.completion.chunk","created":…,"model":"…",
 *          "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}
 *   data: {…"choices":[{"index":0,"delta":{"content":" the"},"logprobs":null,"finish_reason":null}]}
 *   data: {…"choices":[{"index":0,"delta":{"content":" end"},"logprobs":null,"finish_reason":"length","stop_reason":null}]}
 *   data: {…"choices":[],"usage":{"prompt_tokens":…,"total_tokens":…,"completion_tokens":…,"prompt_tokens_details":{"cached_tokens":…}}}
 *   data: [DONE]
 * Completions: object "text_completion", choices[0].text, no role chunk.
 */
import type { Api } from './openai-request.js';
import type { FinishReason } from './output-plan.js';
import { errorObject } from './vllm-errors.js';

export const DONE_EVENT = 'data: [DONE]\n\n';
export const KEEP_ALIVE_EVENT = ': keep-alive\n\n';

// eslint-disable-next-line no-control-regex -- JSON strings must escape U+0000-U+001F: finding them is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** Text as the inside of a JSON string literal (fast path: nothing to escape). */
export function jsonText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

export interface UsageFigures {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

function usageJson(u: UsageFigures, details: boolean): string {
  const base = `{"prompt_tokens":${u.promptTokens},"total_tokens":${u.promptTokens + u.completionTokens},"completion_tokens":${u.completionTokens}`;
  return details ? `${base},"prompt_tokens_details":{"cached_tokens":${u.cachedTokens}}}` : `${base}}`;
}

/** Per-request templates for one answer. */
export class ChunkTemplates {
  readonly api: Api;
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** `data: {"id":…,"object":…,"created":…,"model":…,` */
  readonly #head: string;
  /** Head of a content chunk up to the opening quote of the text. */
  readonly #tokenPrefix: string;
  /** Closing of a non-final content chunk, without the final `}\n\n` (so usage can be spliced in). */
  readonly #tokenSuffix: string;

  constructor(api: Api, id: string, created: number, model: string) {
    this.api = api;
    this.id = id;
    this.created = created;
    this.model = model;
    const object = api === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    this.#head = `data: {"id":${JSON.stringify(id)},"object":"${object}","created":${created},"model":${JSON.stringify(model)},`;
    if (api === 'chat') {
      this.#tokenPrefix = `${this.#head}"choices":[{"index":0,"delta":{"content":"`;
      this.#tokenSuffix = '"},"logprobs":null,"finish_reason":null}]';
    } else {
      this.#tokenPrefix = `${this.#head}"choices":[{"index":0,"text":"`;
      this.#tokenSuffix = '","logprobs":null,"finish_reason":null,"stop_reason":null}]';
    }
  }

  /** Chat only: the first chunk, announcing the assistant role. */
  role(): string {
    return `${this.#head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  /** A content chunk. `escaped` is already JSON-escaped (jsonText). `usage` for continuous_usage_stats. */
  token(escaped: string, usage?: UsageFigures): string {
    return usage === undefined
      ? this.#tokenPrefix + escaped + this.#tokenSuffix + '}\n\n'
      : `${this.#tokenPrefix}${escaped}${this.#tokenSuffix},"usage":${usageJson(usage, false)}}\n\n`;
  }

  /** The last content chunk, carrying finish_reason and stop_reason. */
  final(escaped: string, finishReason: FinishReason, stopReason: string | null, usage?: UsageFigures): string {
    const reasons = `"finish_reason":"${finishReason}","stop_reason":${stopReason === null ? 'null' : JSON.stringify(stopReason)}`;
    const choice = this.api === 'chat' ? `{"index":0,"delta":{"content":"${escaped}"},"logprobs":null,${reasons}}` : `{"index":0,"text":"${escaped}","logprobs":null,${reasons}}`;
    const tail = usage === undefined ? '' : `,"usage":${usageJson(usage, false)}`;
    return `${this.#head}"choices":[${choice}]${tail}}\n\n`;
  }

  /** The usage chunk sent before [DONE] when stream_options.include_usage. */
  usage(u: UsageFigures): string {
    return `${this.#head}"choices":[],"usage":${usageJson(u, true)}}\n\n`;
  }

  /** vLLM's mid-stream error event. */
  error(status: number, message: string): string {
    return `data: ${JSON.stringify({ error: errorObject(status, message) })}\n\n`;
  }

  /** A data line whose JSON is cut off (for the `malformed` fault). */
  malformed(): string {
    return `${this.#tokenPrefix}\n\n`;
  }

  /** The whole non-streamed answer. */
  body(text: string, finishReason: FinishReason, stopReason: string | null, u: UsageFigures): string {
    const common = { id: this.id, created: this.created, model: this.model };
    const usage = {
      prompt_tokens: u.promptTokens,
      total_tokens: u.promptTokens + u.completionTokens,
      completion_tokens: u.completionTokens,
      prompt_tokens_details: { cached_tokens: u.cachedTokens },
    };
    if (this.api === 'chat') {
      return JSON.stringify({
        id: common.id,
        object: 'chat.completion',
        created: common.created,
        model: common.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, tool_calls: [] },
            logprobs: null,
            finish_reason: finishReason,
            stop_reason: stopReason,
          },
        ],
        usage,
      });
    }
    return JSON.stringify({
      id: common.id,
      object: 'text_completion',
      created: common.created,
      model: common.model,
      choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason, stop_reason: stopReason }],
      usage,
    });
  }
}
