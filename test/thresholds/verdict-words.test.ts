import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ThresholdResult } from '../../core/thresholds/types.js';
import { thresholdHeadline, thresholdOutcome } from '../../core/thresholds/verdict-words.js';

const result = (key: string, source: string, outcome: 'pass' | 'fail' | 'no data'): ThresholdResult => ({
  key,
  metric: key,
  source,
  aggregation: 'p(95)',
  observed: outcome === 'no data' ? null : 1,
  ok: outcome !== 'fail',
  noData: outcome === 'no data',
  abortOnFail: false,
});

test('no data is its own outcome, never a pass', () => {
  assert.is(thresholdOutcome(result('llm_ttft', 'p(95)<1', 'no data')), 'no data');
  assert.is(thresholdOutcome(result('llm_ttft', 'p(95)<1', 'pass')), 'pass');
  assert.is(thresholdOutcome(result('llm_ttft', 'p(95)<1', 'fail')), 'fail');
});

test('the headline says every threshold passed only when each was judged and passed', () => {
  const pass = result('llm_ttft', 'p(95)<500', 'pass');
  const none = result('llm_ttft{failure:timeout}', 'p(95)<1', 'no data');
  const fail = result('llm_e2e', 'p(95)<1', 'fail');
  assert.is(thresholdHeadline([pass, pass]), 'PASS — every threshold passed');
  assert.is(thresholdHeadline([pass, pass, pass, none]), 'PASS — 3 of 4 thresholds passed; 1 had no data: llm_ttft{failure:timeout} p(95)<1');
  assert.is(thresholdHeadline([pass, fail, none]), 'FAIL — 1 of 3 thresholds failed; 1 had no data: llm_ttft{failure:timeout} p(95)<1');
  assert.is(thresholdHeadline([pass], 'level 8'), 'PASS — every threshold passed on what ran; the run stopped before level 8 ran');
});

test('an inconclusive threshold is its own outcome and is counted apart from failures, whether it fails the run or was let pass', () => {
  const pass = result('llm_ttft', 'p(95)<500', 'pass');
  const fail = result('llm_e2e', 'p(95)<1', 'fail');
  const strict: ThresholdResult = { ...result('llm_request_failed', 'rate<0.01', 'fail'), aggregation: 'rate', state: 'inconclusive', moreRequests: 330 };
  const lenient: ThresholdResult = { ...strict, source: 'rate<0.02', ok: true, moreRequests: 120 };
  assert.is(thresholdOutcome(strict), 'inconclusive');
  assert.is(thresholdOutcome(lenient), 'inconclusive');
  assert.is(thresholdHeadline([pass, strict]), 'FAIL — 0 failed, 1 inconclusive of 2 thresholds: llm_request_failed rate<0.01 (about 330 more requests needed)');
  assert.is(
    thresholdHeadline([fail, strict, lenient]),
    'FAIL — 1 failed, 2 inconclusive (1 let pass) of 3 thresholds: llm_request_failed rate<0.01 (about 330 more requests needed), llm_request_failed rate<0.02 (about 120 more requests needed)',
  );
  assert.is(thresholdHeadline([pass, lenient]), 'PASS — 1 of 2 thresholds passed, 1 inconclusive (let pass): llm_request_failed rate<0.02 (about 120 more requests needed)');
  assert.is(
    thresholdHeadline([{ ...lenient, moreRequests: null }]),
    'PASS — 0 of 1 threshold passed, 1 inconclusive (let pass): llm_request_failed rate<0.02 (the value sits on the limit)',
  );
});

test('nothing judged is NO DATA, not PASS: a TPOT SLO in a run where no request was streamed', () => {
  const none = result('llm_tpot', 'p(95)<50', 'no data');
  assert.is(thresholdHeadline([none]), 'NO DATA — none of 1 threshold could be judged: llm_tpot p(95)<50');
  assert.is(thresholdHeadline([none, none]), 'NO DATA — none of 2 thresholds could be judged: llm_tpot p(95)<50, llm_tpot p(95)<50');
});

test.run();
