import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyError, httpErrorMessage, httpFailureClass, scrubSecrets } from '../../core/client/failure.js';

test('HTTP status classes', () => {
  assert.is(httpFailureClass(400), 'http_4xx');
  assert.is(httpFailureClass(429), 'http_4xx');
  assert.is(httpFailureClass(500), 'http_5xx');
  assert.is(httpFailureClass(503), 'http_5xx');
  assert.is(httpFailureClass(302), 'protocol');
});

test('HTTP error messages quote the server: vLLM, OpenAI, TGI, FastAPI, text, empty', () => {
  assert.is(httpErrorMessage(429, 'Too Many Requests', '{"object":"error","message":"Too many requests","type":"x","code":429}'), 'HTTP 429: Too many requests');
  assert.is(httpErrorMessage(400, 'Bad Request', '{"error":{"message":"max_tokens is too large","type":"invalid_request_error"}}'), 'HTTP 400: max_tokens is too large');
  assert.is(httpErrorMessage(422, '', '{"error":"Input validation error","error_type":"validation"}'), 'HTTP 422: Input validation error');
  assert.is(httpErrorMessage(404, 'Not Found', '{"detail":"Not Found"}'), 'HTTP 404: Not Found');
  assert.is(httpErrorMessage(502, 'Bad Gateway', '<html>\n  upstream   down\n</html>'), 'HTTP 502: <html> upstream down </html>');
  assert.is(httpErrorMessage(503, 'Service Unavailable', ''), 'HTTP 503: Service Unavailable');
  assert.is(httpErrorMessage(500, '', ''), 'HTTP 500');
  assert.is(httpErrorMessage(500, '', '{"error":{"message":"cut'), 'HTTP 500: {"error":{"message":"cut');
  assert.is(httpErrorMessage(301, 'Moved Permanently', ''), 'HTTP 301 (unexpected status): Moved Permanently');
  assert.ok(httpErrorMessage(500, '', 'x'.repeat(5000)).length < 400, 'long bodies are cut');
});

test('secrets are scrubbed: the key itself, bearer tokens, auth header values', () => {
  const key = 'sk-live-0123456789abcdef';
  assert.is(scrubSecrets(`bad key ${key} given`, [key]), 'bad key *** given');
  assert.is(scrubSecrets('{"authorization":"Bearer other-token"}', []), '{"authorization":"***"}');
  assert.is(scrubSecrets('Authorization: Bearer abc.def', []), 'Authorization: ***');
  assert.is(scrubSecrets('got bearer xyz', []), 'got bearer ***');
  assert.is(scrubSecrets('x-api-key=abc123; ok', []), 'x-api-key=***; ok');
  assert.is(scrubSecrets('nothing to hide', [key]), 'nothing to hide');
});

test('socket errors are disconnects, parser errors are protocol errors', () => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  assert.equal(classifyError(reset), { failure: 'disconnect', message: 'connection reset by the server: read ECONNRESET' });
  const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  assert.equal(classifyError(closed), { failure: 'disconnect', message: 'connection closed before the response ended: other side closed' });
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  assert.is(classifyError(refused).failure, 'disconnect');
  const parser = Object.assign(new Error('Invalid header value char'), { code: 'HPE_INVALID_HEADER_TOKEN' });
  assert.equal(classifyError(parser), { failure: 'protocol', message: 'malformed HTTP response: Invalid header value char' });
  assert.equal(classifyError('weird'), { failure: 'disconnect', message: 'weird' });
});

test.run();
