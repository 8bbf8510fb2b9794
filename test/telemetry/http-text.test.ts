/**
 * The telemetry probes' HTTP exchange (core/telemetry/http-text.ts), against
 * real loopback servers: a 2xx body, null for anything else, redirects
 * followed as fetch() follows them (vLLM's /metrics answers with one).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { httpText } from '../../core/telemetry/http-text.js';
import { startHttpServer } from '../helpers/servers.js';

test('a 2xx answer gives its body; the headers are sent', async () => {
  const server = await startHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`auth ${req.headers['authorization'] ?? 'none'}`);
  });
  try {
    assert.is(await httpText(`${server.url}/metrics`, { headers: { authorization: 'Bearer k' }, timeoutMs: 2000 }), 'auth Bearer k');
  } finally {
    await server.close();
  }
});

test('a redirect is followed (307 keeps a POST and its body), a 404 or a closed port gives null', async () => {
  const server = await startHttpServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(307, { location: '/metrics/' });
      res.end();
    } else if (req.url === '/metrics/') {
      res.writeHead(200);
      res.end(`${req.method} ${req.body}`);
    } else {
      res.writeHead(404);
      res.end('no');
    }
  });
  try {
    assert.is(await httpText(`${server.url}/metrics`, { headers: {}, timeoutMs: 2000 }), 'GET ');
    assert.is(await httpText(`${server.url}/metrics`, { headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 2000 }), 'POST {"a":1}');
    assert.is(await httpText(`${server.url}/version`, { headers: {}, timeoutMs: 2000 }), null);
  } finally {
    await server.close();
  }
  assert.is(await httpText(`${server.url}/metrics`, { headers: {}, timeoutMs: 2000 }), null);
});

test('an answer slower than the timeout gives null, at the timeout', async () => {
  const server = await startHttpServer((_req, res) => {
    res.writeHead(200);
    res.write('partial');
    // Never ends: the body is still coming when the time is up.
  });
  try {
    const started = performance.now();
    assert.is(await httpText(`${server.url}/metrics`, { headers: {}, timeoutMs: 100 }), null);
    assert.ok(performance.now() - started < 5000, 'returned at the timeout');
  } finally {
    await server.close();
  }
});

test.run();
