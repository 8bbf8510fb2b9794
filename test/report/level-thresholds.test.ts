import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestStats } from '../../core/metrics/request-stats.js';
import { checkLevelThresholds } from '../../core/report/level-thresholds.js';
import type { ThresholdResult } from '../../core/thresholds/types.js';

const filtered = (observed: number, ok: boolean, state: NonNullable<ThresholdResult['state']>): ThresholdResult => ({
  key: 'llm_request_failed{level:8}',
  metric: 'llm_request_failed{level:8}',
  source: 'rate<0.01',
  aggregation: 'rate',
  observed,
  ok,
  noData: false,
  abortOnFail: false,
  state,
  interval: null,
  moreRequests: null,
});

test("a level's verdict from a threshold filtered to it judges the value: an inconclusive run verdict is not that level's failure", () => {
  const level = new RequestStats({ scenario: 'sweep', level: '8' });
  const within = checkLevelThresholds(level, level.tags, [filtered(0, false, 'inconclusive')]);
  assert.equal(
    within.map((c) => [c.basis, c.ok]),
    [['run', true]],
  );
  const past = checkLevelThresholds(level, level.tags, [filtered(0.05, false, 'inconclusive')]);
  assert.equal(
    past.map((c) => [c.basis, c.ok]),
    [['run', false]],
  );
  assert.is(checkLevelThresholds(level, level.tags, [filtered(0.5, false, 'fail')])[0]!.ok, false);
});

test.run();
