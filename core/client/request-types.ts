/** The request shapes scripts send. Bodies are passed through to the server as given. */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | (string & {});
  content: string | unknown[] | null;
  [key: string]: unknown;
}

/** Body of POST /v1/chat/completions. `model` defaults to options.target.model; `stream` to true. */
export interface ChatBody {
  messages: ChatMessage[];
  model?: string;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  stream?: boolean;
  ignore_eos?: boolean;
  min_tokens?: number;
  seed?: number;
  [key: string]: unknown;
}

/** Body of POST /v1/completions. */
export interface CompletionBody {
  prompt: string | string[];
  model?: string;
  max_tokens?: number;
  temperature?: number;
  stop?: string | string[];
  stream?: boolean;
  ignore_eos?: boolean;
  min_tokens?: number;
  seed?: number;
  [key: string]: unknown;
}

/** Per-request options that are llmload's, not the server's. */
export interface RequestOptions {
  /** Tags for this request's samples (e.g. { name: 'code-review' }). */
  tags?: Record<string, string>;
  /** Whole-request timeout, overriding options.request.timeout. */
  timeout?: string | number;
  /** Longest gap between bytes, overriding options.request.stallTimeout. */
  stallTimeout?: string | number;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
}

/** Options of `vu.stream()` for non-OpenAI endpoints. */
export interface RawStreamOptions extends RequestOptions {
  /** 'sse' (default) or 'ndjson' (Ollama, TGI with stream lines). */
  format?: 'sse' | 'ndjson';
  /** HTTP method (default POST). */
  method?: 'POST' | 'GET';
  /**
   * Extract the generated text from one parsed event; return undefined for an
   * event that carries no token. Default: OpenAI chat/completions shapes, then
   * TGI's `token.text`, then Ollama's `message.content` / `response`.
   */
  textOf?: (event: unknown) => string | undefined;
}
