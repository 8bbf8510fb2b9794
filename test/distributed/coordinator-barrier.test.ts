/**
 * The coordinator's holds, over loopback HTTP with the runners' own client: no runner measures
 * its clock before every runner is prepared, and a phase barrier releases every runner at one
 * start time once all still running have reached it (one that ended or was lost is not waited for).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Coordinator } from '../../core/distributed/coordinator.js';
import { JsonClient } from '../../core/distributed/http-json.js';
import { PROTOCOL_VERSION, type PreparedReply, type StartReply } from '../../core/distributed/protocol.js';

async function startedFleet(count: number): Promise<{ coordinator: Coordinator; clients: JsonClient[]; close(): Promise<void> }> {
  const coordinator = await Coordinator.start({
    count,
    host: '127.0.0.1',
    port: 0,
    handoff: { setupData: null, heartbeatMs: 500, lostAfterMs: 60_000 },
    registerTimeoutMs: 10_000,
    lostAfterMs: 60_000,
    log: () => undefined,
    onMessage: () => undefined,
    onEvent: () => undefined,
  });
  const waiting = coordinator.waitForRunners();
  const clients = Array.from({ length: count }, () => new JsonClient(coordinator.url));
  await Promise.all(clients.map((client, index) => client.post('/register', { version: PROTOCOL_VERSION, index, count, pid: 1000 + index, host: 'test' }, 5_000)));
  const prepared = clients.map((client, index) => client.post<PreparedReply>('/prepared', { index }, 0));
  await Promise.all(prepared);
  await Promise.all(clients.map((client, index) => client.post<StartReply>('/ready', { index, offsetMs: 0, rttMs: 1 }, 0)));
  await waiting;
  return {
    coordinator,
    clients,
    async close() {
      for (const client of clients) client.close();
      await coordinator.close();
    },
  };
}

const settled = async (promise: Promise<unknown>, ms = 200): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

test('/prepared is answered only once every runner is prepared', async () => {
  const coordinator = await Coordinator.start({
    count: 2,
    host: '127.0.0.1',
    port: 0,
    handoff: { setupData: null, heartbeatMs: 500, lostAfterMs: 60_000 },
    registerTimeoutMs: 10_000,
    lostAfterMs: 60_000,
    log: () => undefined,
    onMessage: () => undefined,
    onEvent: () => undefined,
  });
  const clients = [new JsonClient(coordinator.url), new JsonClient(coordinator.url)];
  try {
    for (const [index, client] of clients.entries()) await client.post('/register', { version: PROTOCOL_VERSION, index, count: 2, pid: 1 + index, host: 'test' }, 5_000);
    const first = clients[0]!.post<PreparedReply>('/prepared', { index: 0 }, 0);
    assert.not.ok(await settled(first), 'answered while instance 1 was still starting');
    const second = clients[1]!.post<PreparedReply>('/prepared', { index: 1 }, 0);
    assert.equal(await first, { sync: true });
    assert.equal(await second, { sync: true });
  } finally {
    for (const client of clients) client.close();
    await coordinator.close();
  }
});

test('a phase barrier holds the first runner until the last arrives, then gives both one start time ahead of now', async () => {
  const fleet = await startedFleet(2);
  try {
    const [a, b] = fleet.clients;
    const first = a!.post<StartReply>('/barrier', { index: 0, scenario: 'sweep', phaseIndex: 1 }, 0);
    assert.not.ok(await settled(first), 'released before instance 1 drained the level');
    const before = performance.timeOrigin + performance.now();
    const second = b!.post<StartReply>('/barrier', { index: 1, scenario: 'sweep', phaseIndex: 1 }, 0);
    const [x, y] = await Promise.all([first, second]);
    assert.ok('startAt' in x && 'startAt' in y);
    assert.is(x.startAt, y.startAt);
    assert.ok(x.startAt > before, 'the start time lies ahead, so that both can sleep until it');
  } finally {
    await fleet.close();
  }
});

test('a runner that has ended, or is lost, is not waited for at a barrier', async () => {
  const fleet = await startedFleet(3);
  try {
    const [a, b] = fleet.clients;
    const waiting = a!.post<StartReply>('/barrier', { index: 0, scenario: 'sweep', phaseIndex: 2 }, 0);
    // Instance 1 stopped (its share ended) and sent its end; instance 2's process died.
    await b!.post('/done', { index: 1, durationMs: 1, load: [], startedPhases: [] }, 5_000);
    assert.not.ok(await settled(waiting), 'released while instance 2 was still running');
    fleet.coordinator.runnerExited(2, 'was killed by SIGKILL');
    const reply = await waiting;
    assert.ok('startAt' in reply, JSON.stringify(reply));
  } finally {
    await fleet.close();
  }
});

test.run();
