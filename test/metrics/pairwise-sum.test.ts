import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pairwiseSum } from '../../core/metrics/pairwise-sum.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';

// x_i = (i·7919 mod 10007) / 13 is the same float in JS and numpy; expected values are numpy 2.4's
// x.mean(), x.std(), np.percentile(x, 99.9), np.sum(x), printed with repr().
const expected = [
  { n: 7, mean: 397.89010989010984, std: 249.89161084726143, p999: 735.6976923076924, sum: 2785.230769230769 },
  { n: 100, mean: 386.1392307692307, std: 222.42427916912607, p999: 763.2597692307693, sum: 38613.92307692307 },
  { n: 1000, mean: 385.1585384615385, std: 222.3135765960527, p999: 768.2315384615385, sum: 385158.5384615385 },
  { n: 5003, mean: 385.10336874798196, std: 222.2158249764764, p999: 768.9229230769231, sum: 1926672.1538461538 },
];

function values(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 10007) / 13);
}

test('pairwise sum, mean and std equal numpy bit for bit (base case, blocks, recursion)', () => {
  for (const e of expected) {
    const x = values(e.n);
    assert.is(pairwiseSum(x), e.sum, `sum n=${e.n}`);
    const trend = new TrendSink();
    for (const v of x) trend.add(v);
    assert.is(trend.avg, e.mean, `mean n=${e.n}`);
    assert.is(trend.std, e.std, `std n=${e.n}`);
    assert.is(trend.percentile(99.9), e.p999, `p(99.9) n=${e.n}`);
  }
});

test('a sub-range sums like the slice', () => {
  const x = values(300);
  assert.is(pairwiseSum(x, 100, 150), pairwiseSum(x.slice(100, 250)));
});

test.run();
