/**
 * A worker's flush timer (core/workers/worker-host.ts) runs at the flush interval only while
 * something waits to be sent (a request started or ended, a record, a sample, a VU started or
 * stopped). While a stream only receives tokens, it sends one batch per idle health reading
 * (every 2 s), which carries the tokens streamed meanwhile and covers the whole span.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkerHost } from '../../core/workers/worker-host.js';
import { ThreadRuntime } from '../../core/workers/script-runtime.js';
import type { VuClient } from '../../core/workers/vu.js';
import type { BatchMsg, WorkerMsg } from '../../core/workers/messages.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const FLUSH_MS = 100;

function host(): { host: WorkerHost; batches: Array<{ at: number; batch: BatchMsg }> } {
  const batches: Array<{ at: number; batch: BatchMsg }> = [];
  const post = (msg: WorkerMsg): void => {
    if (msg.cmd === 'BATCH') batches.push({ at: performance.now(), batch: msg });
  };
  const runtime = new ThreadRuntime(
    () => undefined,
    () => undefined,
  );
  const worker = new WorkerHost({
    post,
    module: {},
    // No phase runs: the test drives the host's sink as a VU's requests would.
    client: {} as VuClient,
    runtime,
    workerIndex: 0,
    workerCount: 1,
    setupData: undefined,
    env: {},
    flushIntervalMs: FLUSH_MS,
    // A token arrives between any two flushes.
    takeTokens: () => 1,
  });
  return { host: worker, batches };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!check() && performance.now() < end) await sleep(5);
}

test('while a stream only receives tokens, no batch goes out before the health reading is due', async () => {
  const { host: worker, batches } = host();
  try {
    await sleep(4 * FLUSH_MS);
    const id = worker.requestStarted({ scenario: 'default' });
    await until(() => batches.some((b) => b.batch.inFlight?.length === 1), 4 * FLUSH_MS);
    const started = batches.find((b) => b.batch.inFlight?.length === 1);
    assert.ok(started !== undefined, 'the request in flight is sent at the flush interval');
    const from = batches.length;
    await sleep(1_500);
    // Only the health reading may go out (on a busy machine the sleep can last past its 2 s).
    const quiet = batches.slice(from).filter((b) => b.at - started.at > 2.5 * FLUSH_MS && b.batch.health === undefined);
    assert.is(quiet.length, 0, `batches while only tokens arrived: ${quiet.map((b) => Math.round(b.at - started.at)).join(', ')} ms`);
    // The health reading is due 2 s after the last batch: it covers its span and carries the tokens.
    await until(() => batches.length > from && batches[batches.length - 1]!.batch.health !== undefined, 1_500);
    const idle = batches[batches.length - 1]!.batch;
    assert.ok(idle.health !== undefined && idle.health.intervalMs >= 1_500, `reading over ${idle.health?.intervalMs} ms`);
    assert.ok(idle.streamedTokens > 0);
    assert.is(idle.inFlight, undefined, 'the in-flight list is unchanged');
    // The request ends: the list goes out at the flush interval again.
    const ended = batches.length;
    worker.requestEnded(id);
    await until(() => batches.length > ended, 4 * FLUSH_MS);
    assert.equal(batches[ended]?.batch.inFlight, []);
  } finally {
    worker.handle({ cmd: 'SHUTDOWN' });
  }
});

test('a record waits at most the flush interval', async () => {
  const { host: worker, batches } = host();
  try {
    await sleep(4 * FLUSH_MS);
    const from = batches.length;
    const at = performance.now();
    worker.sample(['custom', 'counter', 1, {}, false]);
    await until(() => batches.length > from, 1_000);
    assert.ok(batches.length > from, 'a batch was sent');
    // At the flush interval, not at the next health reading (2 s): the bound leaves a busy machine's timers room.
    assert.ok(batches[from]!.at - at < 10 * FLUSH_MS, `after ${Math.round(batches[from]!.at - at)} ms`);
    assert.is(batches[from]!.batch.samples.length, 1);
  } finally {
    worker.handle({ cmd: 'SHUTDOWN' });
  }
});

test("a flush wanted after a long quiet is not counted late: its timer's lateness runs from when it was armed", async () => {
  const { host: worker, batches } = host();
  try {
    // Idle long enough that the worker's own timer probes its delays (no probe of its own) and the last
    // flush lies well over the flush interval back.
    await sleep(4 * FLUSH_MS);
    await until(() => batches.some((b) => b.batch.health !== undefined && b.at > performance.now() - 50), 2_500);
    await sleep(1_200);
    const from = batches.length;
    worker.sample(['custom', 'counter', 1, {}, false]);
    await until(() => batches.length > from, 1_000);
    const health = batches[from]?.batch.health;
    assert.ok(health !== undefined, 'the batch carries a health reading');
    // Due as soon as it was wanted: on time, not 1.2 s late (the span since the last flush).
    assert.ok(health.delayMaxMs < 400, `delay ${health.delayMaxMs} ms reported for a thread that waited`);
  } finally {
    worker.handle({ cmd: 'SHUTDOWN' });
  }
});

test.run();
