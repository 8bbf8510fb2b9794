import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lerp, parsePercentileName, percentileName, percentileOfSorted } from '../../core/metrics/percentile.js';

// Expected values are numpy 2.4 `np.percentile(x, p)` (default method 'linear'), printed with repr().
const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

test('p(N) of 1..10 equals numpy bit for bit', () => {
  assert.is(percentileOfSorted(oneToTen, 0), 1);
  assert.is(percentileOfSorted(oneToTen, 25), 3.25);
  assert.is(percentileOfSorted(oneToTen, 50), 5.5);
  assert.is(percentileOfSorted(oneToTen, 90), 9.1);
  assert.is(percentileOfSorted(oneToTen, 95), 9.549999999999999);
  assert.is(percentileOfSorted(oneToTen, 99), 9.91);
  assert.is(percentileOfSorted(oneToTen, 99.9), 9.991000000000001);
  assert.is(percentileOfSorted(oneToTen, 100), 10);
  assert.ok(Math.abs(percentileOfSorted(oneToTen, 95) - 9.55) < 1e-12);
});

test('p(N) of an uneven sample equals numpy', () => {
  const sorted = [3.2, 1.5, 9.7, 4.4, 4.4, 0.3, 12.1, 7.8].sort((a, b) => a - b);
  assert.is(percentileOfSorted(sorted, 10), 1.1400000000000001);
  assert.is(percentileOfSorted(sorted, 25), 2.7750000000000004);
  assert.is(percentileOfSorted(sorted, 50), 4.4);
  assert.is(percentileOfSorted(sorted, 75), 8.275);
  assert.is(percentileOfSorted(sorted, 90), 10.419999999999998);
  assert.is(percentileOfSorted(sorted, 95), 11.259999999999998);
  assert.is(percentileOfSorted(sorted, 99), 11.931999999999999);
});

test('one sample is every percentile; none is NaN', () => {
  assert.is(percentileOfSorted([42], 0), 42);
  assert.is(percentileOfSorted([42], 95), 42);
  assert.ok(Number.isNaN(percentileOfSorted([], 50)));
});

test('lerp reaches its end points exactly', () => {
  assert.is(lerp(1, 3, 0), 1);
  assert.is(lerp(1, 3, 1), 3);
  assert.is(lerp(1, 3, 0.5), 2);
});

test('percentile names parse and print like k6', () => {
  assert.is(parsePercentileName('p(95)'), 95);
  assert.is(parsePercentileName('p(99.9)'), 99.9);
  assert.is(parsePercentileName('p( 90 )'), 90);
  assert.is(parsePercentileName('p95'), null);
  assert.is(parsePercentileName('p(x)'), null);
  assert.is(parsePercentileName('avg'), null);
  assert.is(percentileName(99.9), 'p(99.9)');
  assert.is(percentileName(95), 'p(95)');
});

test.run();
