/**
 * The coordinator's decision step, over loopback HTTP: after a phase of a rate-sweep or capacity
 * search each runner sends what it finished and posts /decide; the coordinator decides once,
 * when every runner still running has arrived (one that ended or was lost is not waited for), on
 * the records all of them sent, and answers every runner with the same decision and start time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Coordinator } from '../../core/distributed/coordinator.js';
import { JsonClient } from '../../core/distributed/http-json.js';
import { PROTOCOL_VERSION, type DecideReply, type DecideRequest, type PreparedReply, type StartReply } from '../../core/distributed/protocol.js';
import { RunnerLink } from '../../core/distributed/runner-link.js';
import { instanceSlice } from '../../core/distributed/segment.js';
import type { StepDecision } from '../../core/run/step-decider.js';
import type { WorkerMsg } from '../../core/workers/messages.js';

interface Decisions {
  coordinator: Coordinator;
  /** Each decision the coordinator took: what it was asked, and how many batches it had received by then. */
  taken: Array<{ request: DecideRequest; batchesSeen: number }>;
}

async function decidingCoordinator(count: number, decision: StepDecision): Promise<Decisions> {
  const taken: Decisions['taken'] = [];
  let batches = 0;
  const coordinator = await Coordinator.start({
    count,
    host: '127.0.0.1',
    port: 0,
    handoff: { setupData: null, heartbeatMs: 60_000, lostAfterMs: 60_000 },
    registerTimeoutMs: 10_000,
    lostAfterMs: 60_000,
    log: () => undefined,
    onMessage: (msg: WorkerMsg) => {
      if (msg.cmd === 'BATCH') batches++;
    },
    onEvent: () => undefined,
    decide: (request) => {
      taken.push({ request, batchesSeen: batches });
      return decision;
    },
  });
  return { coordinator, taken };
}

const settled = async (promise: Promise<unknown>, ms = 200): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

const batch = (workerIndex: number): WorkerMsg => ({ cmd: 'BATCH', workerIndex, records: [], samples: [], activeVus: 0, streamedTokens: 0 });

test('runners at a decision step: the first waits for the last, both get one decision, taken once on the records both sent first', async () => {
  const { coordinator, taken } = await decidingCoordinator(2, { kind: 'rates', rates: [4.97, 8.75] });
  const links = [0, 1].map((index) => new RunnerLink(coordinator.url, instanceSlice(index, 2), {}));
  try {
    const ready = coordinator.waitForRunners();
    await Promise.all(links.map((link) => link.register(5_000)));
    await Promise.all([...links.map((link) => link.waitForStart()), ready]);
    // Each runner's last records of the phase are queued, not yet reported (no heartbeat has run).
    links[0]!.message(batch(0));
    links[1]!.message(batch(0));
    const tags = { scenario: 'sweep', rate: 'throughput' };
    const first = links[0]!.decideStep('sweep', 1, tags);
    assert.not.ok(await settled(first), 'decided before instance 1 had drained the phase');
    assert.is(taken.length, 0);
    const second = links[1]!.decideStep('sweep', 1, tags);
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a, { kind: 'rates', rates: [4.97, 8.75] });
    assert.equal(b, a);
    assert.is(taken.length, 1, 'decided once for both');
    assert.is(taken[0]!.batchesSeen, 2, 'decided on every runner’s records of the phase');
    assert.equal(taken[0]!.request.tags, tags);
  } finally {
    for (const link of links) link.close();
    await coordinator.close();
  }
});

test('a runner lost (or ended) before a decision step does not block it: the others get one start time and the same decision', async () => {
  const { coordinator, taken } = await decidingCoordinator(3, { kind: 'probe', load: 8 });
  const clients = [0, 1, 2].map(() => new JsonClient(coordinator.url));
  try {
    const ready = coordinator.waitForRunners();
    await Promise.all(clients.map((client, index) => client.post('/register', { version: PROTOCOL_VERSION, index, count: 3, pid: 2000 + index, host: 'test' }, 5_000)));
    await Promise.all(clients.map((client, index) => client.post<PreparedReply>('/prepared', { index }, 0)));
    await Promise.all(clients.map((client, index) => client.post<StartReply>('/ready', { index, offsetMs: 0, rttMs: 1 }, 0)));
    await ready;
    const ask = (index: number): Promise<DecideReply> =>
      clients[index]!.post<DecideReply>('/decide', { index, scenario: 'search', phaseIndex: 2, tags: { scenario: 'search', level: '4' } }, 0);
    const waiting = [ask(0), ask(1)] as const;
    assert.not.ok(await settled(Promise.race(waiting)), 'decided while instance 2 was still running');
    const before = performance.timeOrigin + performance.now();
    coordinator.runnerExited(2, 'was killed by SIGKILL');
    const [x, y] = await Promise.all(waiting);
    assert.ok('startAt' in x && 'startAt' in y, JSON.stringify([x, y]));
    assert.is(x.startAt, y.startAt);
    assert.ok(x.startAt > before, 'the next phase starts ahead of the answer');
    assert.equal(x.decision, { kind: 'probe', load: 8 });
    assert.equal(y.decision, x.decision);
    assert.is(taken.length, 1);
  } finally {
    for (const client of clients) client.close();
    await coordinator.close();
  }
});

test.run();
