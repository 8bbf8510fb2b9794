import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planConstantVus } from '../../core/executors/constant-vus.js';

const base = { startTimeMs: 2_000, gracefulStopMs: 15_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;
const common = { kind: 'closed', startMs: 2_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;

test('constant-vus: VUs loop for the duration, no iteration limit', () => {
  assert.equal(planConstantVus('steady', { ...base, executor: 'constant-vus', vus: 20, durationMs: 30_000 }), {
    ...common,
    name: 'steady',
    executor: 'constant-vus',
    phases: [
      {
        tags: {},
        steps: [{ atMs: 0, vus: 20 }],
        durationMs: 30_000,
        gracefulStopMs: 15_000,
        gracefulRampDownMs: 0,
        iterations: null,
        maxVus: 20,
      },
    ],
    maxTotalMs: 47_000,
  });
});

test("a plan does not share the scenario's tag and env objects", () => {
  const scenario = { ...base, executor: 'constant-vus', vus: 1, durationMs: 1_000 } as const;
  const plan = planConstantVus('s', scenario);
  assert.is.not(plan.tags, scenario.tags);
  assert.is.not(plan.env, scenario.env);
});

test.run();
