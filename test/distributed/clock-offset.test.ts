import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clockOffset, sleepUntil } from '../../core/distributed/clock-offset.js';

test('the offset comes from the round trip with the smallest RTT, right to within half of it', () => {
  // Runner clock = coordinator clock − 5000 ms; the answers were delayed unevenly on the way back.
  const trueOffset = 5_000;
  const trips = [
    { sentAt: 0, outMs: 1, backMs: 30 },
    { sentAt: 100, outMs: 0.4, backMs: 0.6 },
    { sentAt: 200, outMs: 12, backMs: 1 },
  ];
  const samples = trips.map((t) => ({ sentAt: t.sentAt, coordinatorAt: t.sentAt + t.outMs + trueOffset, receivedAt: t.sentAt + t.outMs + t.backMs }));
  const offset = clockOffset(samples);
  assert.is(offset.rttMs, 1);
  assert.ok(Math.abs(offset.offsetMs - trueOffset) <= offset.rttMs / 2, `offset ${offset.offsetMs}`);
  // The midpoint of the slowest trip would be 14.5 ms off.
  assert.ok(Math.abs(offset.offsetMs - trueOffset) < 1);
});

test('sleepUntil wakes at the instant on the given clock, not before', async () => {
  const clock = (): number => performance.now() + 1_000_000;
  const at = clock() + 30;
  await sleepUntil(at, clock);
  const late = clock() - at;
  assert.ok(late >= 0 && late < 15, `woke ${late} ms after`);
});

test.run();
