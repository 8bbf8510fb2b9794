import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planConcurrencySweep } from '../../core/executors/concurrency-sweep.js';

const base = { startTimeMs: 0, gracefulStopMs: 30_000, exec: 'default', tags: {}, env: {} } as const;

test('one phase per level, in order, tagged level:N, for a duration each', () => {
  const plan = planConcurrencySweep('sweep', {
    ...base,
    executor: 'concurrency-sweep',
    levels: [1, 2, 5, 10],
    perLevel: { mode: 'duration', durationMs: 60_000 },
  });
  const phase = (level: number) => ({
    tags: { level: String(level) },
    steps: [{ atMs: 0, vus: level }],
    durationMs: 60_000,
    gracefulStopMs: 30_000,
    gracefulRampDownMs: 0,
    iterations: null,
    maxVus: level,
  });
  assert.equal(plan, {
    kind: 'closed',
    name: 'sweep',
    executor: 'concurrency-sweep',
    startMs: 0,
    exec: 'default',
    tags: {},
    env: {},
    phases: [phase(1), phase(2), phase(5), phase(10)],
    // 4 levels × (60 s + 30 s graceful stop)
    maxTotalMs: 360_000,
  });
});

test("iterations per level are shared by the level's VUs, capped by maxDuration", () => {
  const plan = planConcurrencySweep('burst', {
    ...base,
    executor: 'concurrency-sweep',
    startTimeMs: 1_000,
    gracefulStopMs: 5_000,
    levels: [40, 60, 80],
    perLevel: { mode: 'iterations', iterations: 80, maxDurationMs: 120_000 },
  });
  assert.equal(
    plan.phases.map((p) => ({ tags: p.tags, steps: p.steps, durationMs: p.durationMs, iterations: p.iterations, maxVus: p.maxVus })),
    [
      { tags: { level: '40' }, steps: [{ atMs: 0, vus: 40 }], durationMs: 120_000, iterations: { mode: 'shared', total: 80 }, maxVus: 40 },
      { tags: { level: '60' }, steps: [{ atMs: 0, vus: 60 }], durationMs: 120_000, iterations: { mode: 'shared', total: 80 }, maxVus: 60 },
      { tags: { level: '80' }, steps: [{ atMs: 0, vus: 80 }], durationMs: 120_000, iterations: { mode: 'shared', total: 80 }, maxVus: 80 },
    ],
  );
  // 1 s start + 3 × (120 s + 5 s)
  assert.is(plan.maxTotalMs, 376_000);
});

test('iterationsPerVu: every VU of a level sends that many requests (one wave of N at level N)', () => {
  const plan = planConcurrencySweep('wave', {
    ...base,
    executor: 'concurrency-sweep',
    levels: [40, 60],
    perLevel: { mode: 'per-vu', iterationsPerVu: 1, maxDurationMs: 600_000 },
  });
  assert.equal(
    plan.phases.map((p) => ({ tags: p.tags, iterations: p.iterations, durationMs: p.durationMs, vus: p.steps })),
    [
      { tags: { level: '40' }, iterations: { mode: 'per-vu', perVu: 1 }, durationMs: 600_000, vus: [{ atMs: 0, vus: 40 }] },
      { tags: { level: '60' }, iterations: { mode: 'per-vu', perVu: 1 }, durationMs: 600_000, vus: [{ atMs: 0, vus: 60 }] },
    ],
  );
});

test.run();
