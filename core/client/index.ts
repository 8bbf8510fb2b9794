/**
 * The streaming HTTP client: OpenAI chat/completions and raw SSE/NDJSON
 * streams over undici, measured as METRICS.md defines.
 */
export { LlmClient, type ClientConfig, type RequestContext } from './llm-client.js';
export { toRecord, type RecordMeta } from './record.js';
export { SseParser, DONE, type SseSink } from './sse-parser.js';
export { NdjsonParser } from './ndjson-parser.js';
export { defaultTextOf } from './openai-events.js';
export { scrubSecrets } from './failure.js';
export type * from './types.js';
export type * from './request-types.js';
