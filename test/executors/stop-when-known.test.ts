import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planScenarios } from '../../core/executors/index.js';
import { rateSweepPhase } from '../../core/executors/rate-sweep.js';
import { isLlmloadError } from '../../core/errors.js';
import { validateOptions } from '../../core/options/validate.js';
import type { RateSweepScenarioPlan } from '../../core/executors/types.js';

/** The problem lines validateOptions reports for `raw`. */
function problems(raw: unknown): readonly string[] {
  try {
    validateOptions(raw);
  } catch (error) {
    if (isLlmloadError(error)) return error.details;
    throw error;
  }
  return [];
}

const rule = { metric: 'ttft', percentile: 95, margin: 0.05, confidence: 0.95, minRequests: 0 };

test('every level, rate, probe and single phase carries the rule, with its defaults applied', () => {
  const options = validateOptions({
    slo: { ttft: 500 },
    scenarios: {
      sweep: { executor: 'concurrency-sweep', levels: [1, 2], duration: '1m', stopWhenKnown: { metric: 'ttft', margin: 0.05 } },
      search: { executor: 'capacity-search', start: 1, max: 8, probeDuration: '30s', stopWhenKnown: { metric: 'ttft', margin: 0.05 }, startTime: '5m' },
      steady: { executor: 'constant-vus', vus: 2, duration: '1m', stopWhenKnown: { metric: 'e2e', percentile: 99, margin: 0.1, confidence: 0.9, minRequests: 50 } },
      open: { executor: 'constant-arrival-rate', rate: 2, duration: '1m', preAllocatedVUs: 4, stopWhenKnown: { metric: 'itl', margin: 0.02 } },
      rates: { executor: 'rate-sweep', duration: '1m', maxVUs: 8, stopWhenKnown: { metric: 'tpot', margin: 0.05 } },
    },
  });
  const plans = planScenarios(options);
  const phaseRules = (name: string): unknown[] => plans.find((p) => p.name === name)!.phases.map((p) => p.stopWhenKnown);
  assert.equal(phaseRules('sweep'), [rule, rule]);
  assert.equal(phaseRules('search'), [rule]);
  assert.equal(phaseRules('steady'), [{ metric: 'e2e', percentile: 99, margin: 0.1, confidence: 0.9, minRequests: 50 }]);
  assert.equal(phaseRules('open'), [{ ...rule, metric: 'itl', margin: 0.02 }]);
  // rate-sweep: not its two closed measurement phases, only the open rates the engine adds.
  const rates = plans.find((p) => p.name === 'rates') as RateSweepScenarioPlan;
  assert.equal(phaseRules('rates'), [undefined, undefined]);
  assert.equal(rateSweepPhase(rates.sweep, 2.5, 0).stopWhenKnown, { ...rule, metric: 'tpot' });
});

test('a scenario without the option plans no rule', () => {
  const plans = planScenarios(validateOptions({ scenarios: { sweep: { executor: 'concurrency-sweep', levels: [1], duration: '1m' } } }));
  assert.is(plans[0]!.phases[0]!.stopWhenKnown, undefined);
});

test('bad rules are refused with their option paths', () => {
  assert.equal(problems({ scenarios: { sweep: { executor: 'concurrency-sweep', levels: [1], duration: '1m', stopWhenKnown: { metric: 'ttft', margin: 5, percentile: 100 } } } }), [
    'options.scenarios.sweep.stopWhenKnown.percentile: expected a percentile between 0 and 100, like 95, got 100 (number)',
    'options.scenarios.sweep.stopWhenKnown.margin: expected a share between 0 and 1, like 0.05, got 5 (number)',
  ]);
  assert.equal(
    problems({ scenarios: { sweep: { executor: 'concurrency-sweep', levels: [1], duration: '1m', stopWhenKnown: { metric: 'tokens', margin: 0.05, maxDuration: '5m' } } } }),
    [
      'options.scenarios.sweep.stopWhenKnown.maxDuration: unknown option',
      'options.scenarios.sweep.stopWhenKnown.metric: expected one of "ttft", "e2e", "itl", "tpot", got "tokens" (string)',
    ],
  );
  assert.equal(problems({ scenarios: { sweep: { executor: 'concurrency-sweep', levels: [1], duration: '1m', stopWhenKnown: { percentile: 95 } } } }), [
    'options.scenarios.sweep.stopWhenKnown.metric: is required',
    'options.scenarios.sweep.stopWhenKnown.margin: is required',
  ]);
  assert.equal(problems({ scenarios: { ramp: { executor: 'ramping-vus', stages: [{ duration: '1m', target: 2 }], stopWhenKnown: { metric: 'ttft', margin: 0.05 } } } }), [
    'options.scenarios.ramp.stopWhenKnown: unknown option for executor "ramping-vus" (stopWhenKnown belongs to constant-vus, concurrency-sweep, constant-arrival-rate, rate-sweep, capacity-search)',
  ]);
});

test.run();
