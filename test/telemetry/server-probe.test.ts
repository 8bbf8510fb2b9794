import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServerProbe } from '../../core/telemetry/server-probe.js';
import { startHttpServer } from '../helpers/servers.js';

test('a model id that is neither a string nor a number is left empty, not "[object Object]"', async () => {
  const server = await startHttpServer((req, res) => {
    if (req.url !== '/v1/models') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: [{ id: 'llama-3-8b', owned_by: 'vllm' }, { id: 7 }, { id: { name: 'odd' } }, {}] }));
  });
  try {
    const probe = await ServerProbe.start({ baseUrl: server.url, headers: {}, timeoutMs: 2000, stallTimeoutMs: 2000, stream: true }, { timeoutMs: 2000 });
    const snapshot = await probe.stop();
    assert.equal(
      snapshot.models?.map((m) => m.id),
      ['llama-3-8b', '7', '', ''],
    );
    assert.is(snapshot.models?.[0]?.ownedBy, 'vllm');
  } finally {
    await server.close();
  }
});

test.run();
