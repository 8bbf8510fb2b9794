import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalQuantile, twoSidedZ, wilsonInterval } from '../../core/metrics/wilson.js';

const near = (actual: number, expected: number, tolerance: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
};

test('the normal quantile matches the tables', () => {
  near(normalQuantile(0.975), 1.959964, 1e-6, 'z(0.975)');
  near(normalQuantile(0.995), 2.575829, 1e-6, 'z(0.995)');
  near(normalQuantile(0.5), 0, 1e-12, 'z(0.5)');
  near(normalQuantile(0.001), -3.090232, 1e-6, 'z(0.001)');
  near(twoSidedZ(0.9), 1.644854, 1e-6, 'two-sided 90 %');
  assert.throws(() => normalQuantile(1), /p must be in \(0, 1\)/);
});

test('the Wilson interval matches known values (95 %)', () => {
  // 5 of 10: the textbook example, [0.2366, 0.7634].
  const half = wilsonInterval(5, 10, 0.95);
  near(half.low, 0.2366, 1e-4, '5/10 low');
  near(half.high, 0.7634, 1e-4, '5/10 high');
  // 0 of 10 and 10 of 10: one bound is exact, the other is z²/(n+z²) away from it.
  const none = wilsonInterval(0, 10, 0.95);
  assert.is(none.low, 0);
  near(none.high, 0.2775, 1e-4, '0/10 high');
  const all = wilsonInterval(10, 10, 0.95);
  assert.is(all.high, 1);
  near(all.low, 0.7225, 1e-4, '10/10 low');
  // 81 of 263 (Wilson 1927 as quoted by Newcombe 1998): [0.2553, 0.3662].
  const newcombe = wilsonInterval(81, 263, 0.95);
  near(newcombe.low, 0.2553, 1e-4, '81/263 low');
  near(newcombe.high, 0.3662, 1e-4, '81/263 high');
  assert.is(newcombe.share, 81 / 263);
});

test('no trials: the whole range, no share', () => {
  assert.equal(wilsonInterval(0, 0, 0.95), { share: null, low: 0, high: 1, n: 0 });
});

test('higher confidence widens the interval', () => {
  const at95 = wilsonInterval(90, 100, 0.95);
  const at99 = wilsonInterval(90, 100, 0.99);
  assert.ok(at99.low < at95.low && at99.high > at95.high);
});

test.run();
