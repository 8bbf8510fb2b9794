/** The report's number formats. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fmtCount } from '../../core/report/format.js';

test('fmtCount gives what toLocaleString("en-US") gives for the rounded value', () => {
  for (const value of [
    0,
    -0,
    -0.4,
    0.4,
    0.5,
    1,
    12,
    123,
    999.5,
    1000,
    65_772,
    123_456,
    1_234_567.89,
    -4321.2,
    -999,
    -1000,
    -123_456_789,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53),
    1e21,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ]) {
    assert.is(fmtCount(value), Math.round(value).toLocaleString('en-US'), String(value));
  }
  assert.is(fmtCount(65_772.4), '65,772');
});

test.run();
