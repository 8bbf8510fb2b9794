/**
 * Error bodies shaped like vLLM's OpenAI server (vllm/entrypoints/openai/protocol.py
 * ErrorResponse): {"object":"error","message":…,"type":…,"param":null,"code":status}.
 * Mid-stream, vLLM wraps the same object: data: {"error": {…}}.
 */

/** vLLM's `type` per status (the HTTPStatus phrase in CamelCase + "Error"). */
const TYPES: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  405: 'MethodNotAllowedError',
  413: 'RequestEntityTooLargeError',
  429: 'TooManyRequestsError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

export interface ErrorObject {
  object: 'error';
  message: string;
  type: string;
  param: string | null;
  code: number;
}

/** The error object for `status`. */
export function errorObject(status: number, message: string, param: string | null = null): ErrorObject {
  return { object: 'error', message, type: TYPES[status] ?? 'InternalServerError', param, code: status };
}

/** A whole error response body (JSON text). */
export function errorBody(status: number, message: string, param: string | null = null): string {
  return JSON.stringify(errorObject(status, message, param));
}

/** A request the server refuses, with the status and message to send. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly status: number;
  readonly param: string | null;
  constructor(status: number, message: string, param: string | null = null) {
    super(message);
    this.status = status;
    this.param = param;
  }
}
