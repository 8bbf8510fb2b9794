/**
 * A thread's event-loop delay probe (core/workers/client-health.ts) wakes it every 10 ms only
 * while it works: after an interval in which it barely ran, it probes every 250 ms, each sample
 * counted as the 25 it stands for, and goes back to 10 ms after an interval with work. A worker
 * runs no probe of its own while idle: its flush timer's lateness stands in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ThreadHealth } from '../../core/workers/client-health.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Wait until an interval spent waiting counts as idle (under 2 % of it running JavaScript). On a busy
 * machine the probe's own wake-ups can fill 2 % of a short interval (a thread descheduled inside a
 * callback counts as running), so a few intervals are tried before the switch is judged.
 */
async function waitIdle(health: ThreadHealth, idleResolutionMs: number, owner?: number): Promise<void> {
  for (let attempt = 0; attempt < 8 && health.resolutionMs !== idleResolutionMs; attempt++) {
    await sleep(attempt === 0 ? 150 : 300);
    if (owner === undefined) health.read({});
    else health.read({}, owner);
  }
}

const samples = (delays: Array<[number, number]>): number => delays.reduce((sum, [, n]) => sum + n, 0);

test('an idle thread probes coarsely, weighted as the fine probe; work brings the fine probe back', async () => {
  const health = new ThreadHealth('worker 0');
  try {
    assert.is(health.resolutionMs, 10);
    await waitIdle(health, 250);
    assert.is(health.resolutionMs, 250, 'an interval spent waiting switches to the coarse probe');
    await sleep(800);
    const idle = health.read({});
    const n = samples(idle.delays);
    assert.ok(n > 0 && n % 25 === 0, `coarse samples count 25 each: ${n}`);
    assert.ok(n <= idle.intervalMs / 10 + 25, `${n} samples in ${idle.intervalMs} ms: no more than the fine probe would take`);
    await waitIdle(health, 250);
    assert.is(health.resolutionMs, 250);
    // An interval with work: half of it running JavaScript.
    spin(100);
    await sleep(100);
    health.read({});
    assert.is(health.resolutionMs, 10, 'an interval with work switches back to the fine probe');
  } finally {
    health.stop();
  }
});

test("with ownerProbesIdle an idle thread runs no probe of its own: the owner's timer lateness is the interval's delay", async () => {
  const health = new ThreadHealth('worker 0', { ownerProbesIdle: true });
  try {
    await waitIdle(health, 0, 0);
    assert.is(health.resolutionMs, 0, 'an interval spent waiting hands the probe to the owner');
    await sleep(500);
    const idle = health.read({}, 2.5);
    assert.equal(idle.delays.length, 1);
    assert.is(idle.delays[0]![0], 2.5);
    const n = idle.delays[0]![1];
    assert.ok(Math.abs(n - idle.intervalMs / 10) <= 1, `${n} samples for ${idle.intervalMs} ms: weighted as the fine probe's`);
    assert.is(idle.delayMaxMs, 2.5);
    // A reading off the owner's timer says nothing about delays.
    await sleep(50);
    assert.equal(health.read({}).delays, []);
    spin(100);
    await sleep(100);
    health.read({}, 0);
    assert.is(health.resolutionMs, 10, 'an interval with work brings the fine probe back');
  } finally {
    health.stop();
  }
});

test.run();
