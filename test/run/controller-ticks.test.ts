/**
 * The controller's periodic work runs off one timer (core/run/controller-ticks.ts): its health
 * reading every tick, the progress line every second tick and the thresholds every fourth, as
 * the three timers did at 0.5, 1 and 2 s. While it idles, its health runs no delay probe: the
 * tick's lateness is the reading's delay.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControllerTicks, controllerThreadHealth } from '../../core/run/controller-ticks.js';
import type { HealthReading } from '../../core/metrics/load-generator.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

test('health every tick, progress every second and thresholds every fourth, off one timer', async () => {
  const calls: string[] = [];
  const before = timers();
  const ticks = new ControllerTicks(40, 80, 160, {
    health: (lateMs) => {
      assert.ok(lateMs >= 0, `lateness ${lateMs}`);
      calls.push('h');
    },
    progress: () => calls.push('p'),
    thresholds: () => calls.push('t'),
  });
  try {
    assert.is(timers(), before + 1, 'one timer');
    await sleep(700);
    const running = timers();
    ticks.stop();
    assert.is(timers(), running - 1, 'stopped');
  } finally {
    ticks.stop();
  }
  const count = (kind: string): number => calls.filter((c) => c === kind).length;
  const health = count('h');
  assert.ok(health >= 4, `${health} ticks`);
  assert.is(count('p'), Math.floor(health / 2));
  assert.is(count('t'), Math.floor(health / 4));
  // Same order within a tick as periods that line up: the reading first, then progress, then thresholds.
  const fourth = calls.join('').split('h').slice(1)[3];
  assert.is(fourth, 'pt');
});

test('a controller idle for a second runs no delay probe: each reading carries its tick’s lateness', async () => {
  const health = controllerThreadHealth();
  // Each reading, its tick's lateness, and whether the interval it covers ran without a probe.
  const seen: Array<{ reading: HealthReading; lateMs: number; unprobed: boolean }> = [];
  let probeOff = false;
  const ticks = new ControllerTicks(100, 200, 400, {
    health: (lateMs) => {
      seen.push({ reading: health.read({}, lateMs), lateMs, unprobed: probeOff });
      probeOff = health.resolutionMs === 0;
    },
    progress: () => undefined,
    thresholds: () => undefined,
  });
  try {
    // Idle from its first reading on; on a busy machine a tick whose own work was stretched can read as
    // busy and probe for one interval, so the readings are watched for up to 5 s, not one moment.
    const end = performance.now() + 5_000;
    await sleep(1_100);
    while (!seen.some((s, i) => i > 0 && s.unprobed) && performance.now() < end) await sleep(100);
    const idle = seen.filter((s, i) => i > 0 && s.unprobed);
    assert.ok(idle.length > 0, `no probe of its own while idle: ${seen.length} readings, all probed`);
    for (const { reading, lateMs } of idle) {
      const late = Math.round(Math.max(0, lateMs) * 1000) / 1000;
      assert.equal(reading.delays, [[late, Math.max(1, Math.round(reading.intervalMs / 50))]], 'the tick’s lateness, weighted as the 50 ms probe’s samples');
      assert.is(reading.delayMaxMs, late);
      assert.ok(reading.cpu !== undefined, 'the process CPU is still read');
    }
  } finally {
    ticks.stop();
    health.stop();
  }
});

test.run();
