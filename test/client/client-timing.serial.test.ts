/**
 * Measurement accuracy against the sse-stub, whose token times are exact
 * (token i written at t0 + ttft + i·itl), and connection warm-up. Runs alone
 * (*.serial): a busy neighbour would add its scheduling delays to the figures.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LlmClient, type ChatBody } from '../../core/client/index.js';
import { checkUnlessBusy, measuringLoad, type MachineLoad } from '../helpers/machine-load.js';
import { sseStubBinary, startSseStub, type SseStub } from '../helpers/sse-stub.js';
import { DONE_EVENT, sseChunk, startHttpServer, startSseServer } from '../helpers/servers.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ttftWithin = (ms: number): boolean => ms >= 99.5 && ms <= 104;
const itlWithin = (ms: number): boolean => Math.abs(ms - 20) <= 2;
const e2eWithin = (ms: number): boolean => Math.abs(ms - (100 + 63 * 20)) <= 6;

/** One measured round of 20 concurrent streams: medians (TTFT less the stub's own lateness) and the machine's load. */
async function measureRound(client: LlmClient, stub: SseStub, body: ChatBody): Promise<{ ttft: number; itl: number; e2e: number; within: boolean; load: MachineLoad }> {
  const { result: results, load } = await measuringLoad(() => Promise.all(Array.from({ length: 20 }, () => client.chat(body, undefined, {}))));
  for (const r of results) {
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.chunks, 64);
    assert.is(r.outputTokens, 64);
    assert.is(r.tokensSource, 'usage');
    assert.is(r.itlMs.length, 63);
    assert.is(r.connectMs, 0, 'warm connections: nothing to connect');
  }
  // The stub's own lateness in writing first tokens is part of the truth, not the client's error.
  const stubLateMs = ((await stub.stats()) as { first_late_p50_us_le: number }).first_late_p50_us_le / 1000;
  const ttft = median(results.map((r) => r.ttftMs as number)) - stubLateMs;
  const itl = median(results.flatMap((r) => r.itlMs));
  const e2e = median(results.map((r) => r.e2eMs as number));
  console.log(`median TTFT ${ttft.toFixed(2)} ms (stub late ${stubLateMs.toFixed(2)} ms), ITL ${itl.toFixed(2)} ms, E2E ${e2e.toFixed(2)} ms`);
  return { ttft, itl, e2e, within: ttftWithin(ttft) && itlWithin(itl) && e2eWithin(e2e), load };
}

const stubAvailable = sseStubBinary() !== null;
if (!stubAvailable) console.log('sse-stub cannot be built here (no cargo): accuracy test skipped');

// eslint-disable-next-line @typescript-eslint/unbound-method -- uvu's test.skip is an arrow function: it never uses `this`
(stubAvailable ? test : test.skip)('TTFT and ITL match the stub (100 ms / 20 ms) within a few ms, 20 concurrent streams', async () => {
  const stub = await startSseStub(['--ttft-ms', '100', '--itl-ms', '20', '--tokens', '64', '--ignore-max-tokens', '--prespawn', '24']);
  const client = new LlmClient({ baseUrl: stub.url, model: 'stub', timeoutMs: 30_000, stallTimeoutMs: 5_000, connections: 20 });
  try {
    const connectMs = await client.warmUp(20);
    assert.is(connectMs.length, 20);
    const body = { messages: [{ role: 'user', content: 'count' }], max_tokens: 64 };
    // One unmeasured round first: a fresh process compiles the streaming path while its first
    // answers arrive, which says nothing about steady-state accuracy (the first wave of a run is
    // measured in the stub-accuracy test, through the whole CLI).
    await Promise.all(Array.from({ length: 20 }, () => client.chat(body, undefined, {})));
    let measured = await measureRound(client, stub, body);
    // A client that mismeasures misses every time; a moment of the shared machine's own delay can
    // make one round miss (seen once in CI: TTFT median +5.5 ms on a machine measured quiet around
    // it). A second round tells them apart: the bounds fail only when both miss.
    if (!measured.within) {
      console.log('the first round missed: measured again');
      measured = await measureRound(client, stub, body);
    }
    const { ttft, itl, e2e, load } = measured;
    checkUnlessBusy(load, { minCpuShare: 0.85, p50Ms: 1, p90Ms: 5 }, 'TTFT, ITL and E2E medians of 20 streams', () => {
      assert.ok(ttftWithin(ttft), `median TTFT ${ttft.toFixed(2)} ms, expected 100`);
      assert.ok(itlWithin(itl), `median ITL ${itl.toFixed(2)} ms, expected 20`);
      assert.ok(e2eWithin(e2e), `median E2E ${e2e.toFixed(2)} ms, expected 1360`);
    });
  } finally {
    await client.close();
    await stub.close();
  }
});

test('warmUp(n) opens n connections concurrently and returns their connect times; requests then reuse them', async () => {
  const server = await startSseServer([sseChunk({ content: 'x' }, 'stop'), DONE_EVENT]);
  const client = new LlmClient({ baseUrl: server.url, timeoutMs: 5000, stallTimeoutMs: 2000, connections: 8 });
  try {
    const connectMs = await client.warmUp(5);
    assert.is(connectMs.length, 5);
    for (const ms of connectMs) assert.ok(ms > 0 && ms < 1000, `connect ${ms} ms`);
    assert.is(server.connections(), 5);
    assert.equal(
      server.requests.map((r) => `${r.method} ${r.url}`),
      Array.from({ length: 5 }, () => 'GET /v1/models'),
    );
    // undici hands a connection back one event-loop turn after its response ended (client-h1.js,
    // setImmediate before reuse); after that, warming again connects nothing new.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await client.warmUp(5), []);
    await new Promise((resolve) => setImmediate(resolve));
    const results = await Promise.all(Array.from({ length: 5 }, () => client.chat({ messages: [] }, undefined, {})));
    for (const r of results) {
      assert.is(r.ok, true, r.error ?? '');
      assert.is(r.connectMs, 0);
      assert.ok(r.blockedMs! < 50, `blocked ${r.blockedMs} ms`);
    }
    assert.is(server.connections(), 5);
  } finally {
    await client.close();
    await server.close();
  }
});

test('warmUp never opens more than the connection cap, and accepts any status', async () => {
  const server = await startHttpServer((_req, res) => {
    res.writeHead(404);
    res.end('no such path');
  });
  const client = new LlmClient({ baseUrl: server.url, timeoutMs: 5000, stallTimeoutMs: 2000, connections: 3 });
  try {
    const connectMs = await client.warmUp(10);
    assert.is(connectMs.length, 3);
    assert.is(server.connections(), 3);
  } finally {
    await client.close();
    await server.close();
  }
});

test('connect time is kept out of TTFT: a fresh connection reports connectMs, and t_start follows it', async () => {
  const server = await startSseServer([{ delayMs: 20 }, sseChunk({ content: 'x' }, 'stop'), DONE_EVENT]);
  const client = new LlmClient({ baseUrl: server.url, timeoutMs: 5000, stallTimeoutMs: 2000, connections: 1 });
  try {
    const r = await client.chat({ messages: [] }, undefined, {});
    assert.is(r.ok, true, r.error ?? '');
    assert.ok(r.connectMs! > 0);
    assert.ok(r.blockedMs! >= r.connectMs!, `blocked ${r.blockedMs} connect ${r.connectMs}`);
    assert.ok(r.ttftMs! >= 19 && r.ttftMs! < 100, `ttft ${r.ttftMs}`);
  } finally {
    await client.close();
    await server.close();
  }
});

test.run();
