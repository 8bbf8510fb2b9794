import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { isLlmloadError } from '../../core/errors.js';
import { formatDuration, parseDuration, tryParseDuration } from '../../core/options/duration.js';

test('parses k6 duration strings to milliseconds', () => {
  const cases: Array<[string, number]> = [
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1.5s', 1_500],
    ['1.1s', 1_100],
    ['.5s', 500],
    ['0', 0],
    ['0s', 0],
    ['1h2m3s', 3_723_000],
    ['1d', 86_400_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1500000ns', 1.5],
    ['1s1s', 2_000],
  ];
  for (const [text, ms] of cases) assert.is(tryParseDuration(text), ms, text);
});

test('numbers are milliseconds', () => {
  assert.is(tryParseDuration(0), 0);
  assert.is(tryParseDuration(1500), 1500);
  assert.is(tryParseDuration(0.5), 0.5);
});

test('rejects what is not a duration', () => {
  for (const bad of ['10x', '', '-5s', '+5s', '10', '1.5', 's', '5 s', ' 5s', '5s ', '1m-30s', '1e3ms', 'Infinity']) {
    assert.is(tryParseDuration(bad), undefined, JSON.stringify(bad));
  }
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, null, true, {}, ['1s']]) {
    assert.is(tryParseDuration(bad), undefined, inspect(bad));
  }
});

test('parseDuration throws INVALID_OPTIONS naming the path', () => {
  try {
    parseDuration('10x', 'options.scenarios.ramp.stages[1].duration');
    assert.unreachable('should throw');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_INVALID_OPTIONS');
    assert.is(error.exitCode, 104);
    assert.is(error.message, 'options.scenarios.ramp.stages[1].duration: "10x" is not a duration (expected e.g. "30s", "1m30s", "500ms")');
    assert.equal(error.details, [error.message]);
  }
  assert.throws(() => parseDuration(-5, 'options.duration'), /options\.duration: -5 is not a duration \(durations can't be negative\)/);
  assert.is(parseDuration('1m30s'), 90_000);
});

test('formats milliseconds the k6 way', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [500, '500ms'],
    [0.5, '0.5ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [61_500, '1m1.5s'],
    [3_600_000, '1h'],
    [3_630_000, '1h0m30s'],
    [3_660_000, '1h1m'],
    [7_200_000, '2h'],
    [90_000_000, '25h'],
  ];
  for (const [ms, text] of cases) assert.is(formatDuration(ms), text, String(ms));
});

test('formatted durations parse back to the same milliseconds', () => {
  for (const ms of [0, 1, 999, 1_000, 1_234, 59_999, 60_000, 90_000, 3_599_999, 3_600_000, 3_723_004, 86_400_001]) {
    assert.is(tryParseDuration(formatDuration(ms)), ms, String(ms));
  }
});

test.run();
