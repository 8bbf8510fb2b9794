import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXECUTOR_NAMES, EXECUTORS, UPCOMING_EXECUTORS, estimateTotalMs, planScenarios } from '../../core/executors/index.js';
import { buildOptionsSchema } from '../../core/options/schema.js';
import { validateOptions } from '../../core/options/validate.js';

test('plans every scenario of validated options, in order, and estimates the test length', () => {
  const options = validateOptions({
    scenarios: {
      warmup: { executor: 'per-vu-iterations', vus: 2, iterations: 1, maxDuration: '1m', gracefulStop: '0s' },
      sweep: { executor: 'concurrency-sweep', levels: [1, 2], duration: '30s', startTime: '1m', gracefulStop: '10s' },
      ramp: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '20s', target: 4 }], startTime: '10s' },
    },
  });
  const plans = planScenarios(options);
  assert.equal(
    plans.map((p) => ({ name: p.name, executor: p.executor, kind: p.kind, startMs: p.startMs, phases: p.phases.length, maxTotalMs: p.maxTotalMs })),
    [
      { name: 'warmup', executor: 'per-vu-iterations', kind: 'closed', startMs: 0, phases: 1, maxTotalMs: 60_000 },
      // 60 s start + 2 × (30 s + 10 s)
      { name: 'sweep', executor: 'concurrency-sweep', kind: 'closed', startMs: 60_000, phases: 2, maxTotalMs: 140_000 },
      // 10 s start + 20 s stages + 30 s default gracefulStop
      { name: 'ramp', executor: 'ramping-vus', kind: 'closed', startMs: 10_000, phases: 1, maxTotalMs: 60_000 },
    ],
  );
  const ramp = plans[2];
  assert.ok(ramp?.kind === 'closed');
  assert.equal(ramp.phases[0]?.steps, [
    { atMs: 0, vus: 0 },
    { atMs: 5_000, vus: 1 },
    { atMs: 10_000, vus: 2 },
    { atMs: 15_000, vus: 3 },
    { atMs: 20_000, vus: 4 },
  ]);
  assert.is(estimateTotalMs(plans), 140_000);
  assert.is(estimateTotalMs([]), 0);
});

test('the shortcut scenario plans like any other', () => {
  const [plan, ...rest] = planScenarios(validateOptions({ vus: 3, duration: '10s' }));
  assert.equal(rest, []);
  assert.equal(plan, {
    kind: 'closed',
    name: 'default',
    executor: 'constant-vus',
    startMs: 0,
    exec: 'default',
    tags: {},
    env: {},
    phases: [
      {
        tags: {},
        steps: [{ atMs: 0, vus: 3 }],
        durationMs: 10_000,
        gracefulStopMs: 30_000,
        gracefulRampDownMs: 0,
        iterations: null,
        maxVus: 3,
      },
    ],
    maxTotalMs: 40_000,
  });
});

test('the registry and the schema agree on the executors', () => {
  assert.equal(EXECUTOR_NAMES, [
    'shared-iterations',
    'per-vu-iterations',
    'constant-vus',
    'ramping-vus',
    'concurrency-sweep',
    'constant-arrival-rate',
    'ramping-arrival-rate',
    'rate-sweep',
    'capacity-search',
  ]);
  for (const [name, module] of Object.entries(EXECUTORS)) assert.is(module.name, name);
  for (const upcoming of UPCOMING_EXECUTORS) assert.not.ok(Object.hasOwn(EXECUTORS, upcoming), upcoming);
  const branches = buildOptionsSchema().properties?.['scenarios']?.additionalProperties;
  assert.ok(typeof branches === 'object');
  assert.equal(
    branches.oneOf?.map((branch) => branch.properties?.['executor']?.const),
    EXECUTOR_NAMES,
  );
});

test.run();
