/** Connections opened before the start: as many as the VUs that exist from the start, not maxVUs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DONE_EVENT, sseChunk, startSseServer } from '../helpers/servers.js';
import { runFixture } from './helpers.js';

test("an arrival-rate phase warms its preallocated VUs' connections, not maxVUs of them", async () => {
  const server = await startSseServer([sseChunk({ role: 'assistant', content: '' }), sseChunk({ content: 'hi' }, 'length'), DONE_EVENT]);
  try {
    const run = await runFixture('open-warm.ts', ['--url', server.url, '--model', 'm']);
    assert.is(run.code, 0, run.stderr + run.stdout);
    assert.is(run.records.length, 4);
    assert.ok(run.records.every((r) => r.ok));
    // 2 warmed connections, reused by arrivals 250 ms apart (each answer takes a millisecond), plus
    // the preflight's and the environment probe's own (up to 8: the probe asks /version, /metrics and the
    // engines' self-descriptions at once); with maxVUs warmed it would be 40+.
    const warmed = server.requests.filter((r) => r.method === 'GET' && r.url === '/v1/models').length;
    assert.ok(server.connections() <= 12, `${server.connections()} connections`);
    assert.ok(warmed <= 5, `${warmed} warm-up and probe GETs`);
  } finally {
    await server.close();
  }
});

test.run();
