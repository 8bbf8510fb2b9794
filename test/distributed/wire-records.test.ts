/**
 * The runners' records on the wire: ITL gaps packed as float64 bits come back
 * bit for bit (the merged summary stays exact), in fewer bytes than decimal
 * JSON; over loopback, the coordinator hands its controller code the records
 * the runner had, and refuses a runner of another protocol version by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestRecord } from '../../core/client/types.js';
import { Coordinator } from '../../core/distributed/coordinator.js';
import { JsonClient } from '../../core/distributed/http-json.js';
import { PROTOCOL_VERSION, type PreparedReply, type StartReply } from '../../core/distributed/protocol.js';
import { fromWire, packItl, toWire, unpackItl, type WireMsg } from '../../core/distributed/wire-records.js';
import type { WorkerMsg } from '../../core/workers/messages.js';

const AWKWARD = [0.1 + 0.2, 5.000000000000001, 1e-300, Number.MIN_VALUE, 123456.789012345, 0, 4.999999999999999, 1 / 3];

function record(itlMs: number[]): RequestRecord {
  return {
    type: 'request',
    scenario: 'load',
    tags: { scenario: 'load' },
    vu: 1,
    iteration: 2,
    api: 'chat',
    stream: true,
    ok: true,
    failure: null,
    error: null,
    status: 200,
    finishReason: 'length',
    outputTokens: itlMs.length + 1,
    inputTokens: 9,
    inputTokensClient: 9,
    cachedTokens: null,
    tokensSource: 'usage',
    chunks: itlMs.length + 2,
    outputChars: 40,
    scheduledAt: 1_765_000_000_000.125,
    startedAt: 1_765_000_000_000.125,
    ttfbMs: 19.5,
    ttftMs: 20.25,
    ttfcMs: 20.25,
    e2eMs: 340.0625,
    itlMs,
  };
}

const bits = (values: readonly number[]): string => Buffer.from(Float64Array.from(values).buffer).toString('hex');

test('packed ITL gaps come back bit for bit, the empty list too', () => {
  assert.is(bits(unpackItl(packItl(AWKWARD))), bits(AWKWARD));
  assert.equal(unpackItl(packItl([])), []);
  const gaps = Array.from({ length: 63 }, (_, i) => 5 + Math.sin(i) * 0.37);
  assert.is(bits(unpackItl(packItl(gaps))), bits(gaps));
});

test('a packed record is smaller on the wire than its decimal JSON', () => {
  const gaps = Array.from({ length: 63 }, (_, i) => 5 + Math.sin(i) * 0.37);
  const plain = JSON.stringify(record(gaps)).length;
  const packed = JSON.stringify(toWire([{ cmd: 'BATCH', workerIndex: 0, records: [record(gaps)], samples: [], activeVus: 1, streamedTokens: 0 }])).length;
  assert.ok(packed < plain * 0.8, `packed ${packed} bytes, plain ${plain}`);
});

test('toWire → JSON → fromWire gives the messages back; other messages travel as they are', () => {
  const messages: WorkerMsg[] = [
    { cmd: 'BATCH', workerIndex: 0, records: [record(AWKWARD), record([])], samples: [['x', 'counter', 1, {}, false]], activeVus: 2, streamedTokens: 9 },
    { cmd: 'LOG', level: 'warn', message: 'hello' },
  ];
  const wire = JSON.parse(JSON.stringify(toWire(messages))) as WireMsg[];
  assert.type((wire[0] as { records: Array<{ itlMs: unknown }> }).records[0]!.itlMs, 'string');
  assert.equal(wire.map(fromWire), JSON.parse(JSON.stringify(messages)));
  // The runner keeps its own messages (sent again after a failed report): packing leaves them alone.
  assert.ok(Array.isArray((messages[0] as { records: RequestRecord[] }).records[0]!.itlMs));
});

test('a record with unpacked gaps is refused', () => {
  const wire = { cmd: 'BATCH', workerIndex: 0, records: [record([1, 2])], samples: [], activeVus: 0, streamedTokens: 0 } as unknown as WireMsg;
  assert.throws(() => fromWire(wire), /packed ITL/);
});

async function coordinatorOf(received: WorkerMsg[]): Promise<Coordinator> {
  return Coordinator.start({
    count: 1,
    host: '127.0.0.1',
    port: 0,
    handoff: { setupData: null, heartbeatMs: 500, lostAfterMs: 60_000 },
    registerTimeoutMs: 10_000,
    lostAfterMs: 60_000,
    log: () => undefined,
    onMessage: (msg) => received.push(msg),
    onEvent: () => undefined,
  });
}

test('over loopback the coordinator hands on the exact records, moved onto its clock', async () => {
  const received: WorkerMsg[] = [];
  const coordinator = await coordinatorOf(received);
  const client = new JsonClient(coordinator.url);
  try {
    const waiting = coordinator.waitForRunners();
    await client.post('/register', { version: PROTOCOL_VERSION, index: 0, count: 1, pid: 1, host: 'test' }, 5_000);
    await client.post<PreparedReply>('/prepared', { index: 0 }, 0);
    await client.post<StartReply>('/ready', { index: 0, offsetMs: 2.5, rttMs: 1 }, 0);
    await waiting;
    const sent = record(AWKWARD);
    await client.post(
      '/report',
      { index: 0, seq: 1, messages: toWire([{ cmd: 'BATCH', workerIndex: 0, records: [sent], samples: [], activeVus: 1, streamedTokens: 0 }]), events: [] },
      5_000,
    );
    assert.is(received.length, 1);
    const got = received[0]!;
    assert.ok(got.cmd === 'BATCH');
    if (got.cmd !== 'BATCH') return;
    assert.is(bits(got.records[0]!.itlMs), bits(AWKWARD));
    assert.is(got.records[0]!.startedAt, sent.startedAt + 2.5);
  } finally {
    client.close();
    await coordinator.close();
  }
});

test('a runner of an older protocol is refused at registration, naming both versions', async () => {
  const coordinator = await coordinatorOf([]);
  const client = new JsonClient(coordinator.url);
  try {
    const refused = await client.post('/register', { version: PROTOCOL_VERSION - 1, index: 0, count: 1, pid: 1, host: 'test' }, 5_000).then(
      () => null,
      (error: Error) => error.message,
    );
    assert.ok(refused !== null, 'registered');
    assert.match(refused, `protocol version ${PROTOCOL_VERSION - 1}`);
    assert.match(refused, `speaks ${PROTOCOL_VERSION}`);
    assert.match(refused, /same llmload version/);
  } finally {
    client.close();
    await coordinator.close();
  }
});

test.run();
