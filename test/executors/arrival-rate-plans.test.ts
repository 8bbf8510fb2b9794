/** The arrival-rate executors' plans and arrival schedules, as pure functions (no clock). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arrivalOffsets, expectedArrivals, type ArrivalProcess } from '../../core/executors/arrival-process.js';
import { planConstantArrivalRate } from '../../core/executors/constant-arrival-rate.js';
import { planRampingArrivalRate, rateSegments } from '../../core/executors/ramping-arrival-rate.js';
import { planScenarios } from '../../core/executors/index.js';
import { validateOptions } from '../../core/options/validate.js';
import { LlmloadError } from '../../core/errors.js';

const base = { startTimeMs: 1_000, gracefulStopMs: 5_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;
const uniform = { distribution: 'uniform', burstiness: 1, seed: 0 } as const;

/** Offsets rounded to the microsecond, for exact comparison. */
const us = (offsets: number[]): number[] => offsets.map((ms) => Math.round(ms * 1000) / 1000);

test('constant-arrival-rate: one open phase at the constant rate', () => {
  const plan = planConstantArrivalRate('open', {
    ...base,
    ...uniform,
    executor: 'constant-arrival-rate',
    ratePerSec: 4,
    durationMs: 1_000,
    preAllocatedVUs: 2,
    maxVUs: 8,
  });
  assert.equal(plan, {
    kind: 'open',
    name: 'open',
    executor: 'constant-arrival-rate',
    startMs: 1_000,
    exec: 'chat',
    tags: { t: '1' },
    env: { E: '1' },
    phases: [
      {
        kind: 'open',
        tags: {},
        arrivals: { segments: [{ durationMs: 1_000, fromPerSec: 4, toPerSec: 4 }], distribution: 'uniform', burstiness: 1, seed: 0, uniformFirst: 'start' },
        durationMs: 1_000,
        gracefulStopMs: 5_000,
        preAllocatedVus: 2,
        maxVus: 8,
        stageTags: false,
      },
    ],
    // 1 s start + 1 s + 5 s gracefulStop
    maxTotalMs: 7_000,
  });
  // k6: the first iteration at 0, then every timeUnit/rate, stopping before the duration.
  const phase = plan.kind === 'open' ? plan.phases[0]! : undefined;
  assert.equal(arrivalOffsets(phase!.arrivals), [0, 250, 500, 750]);
});

test('constant-arrival-rate: rate per timeUnit, maxVUs defaulting to preAllocatedVUs, warm-up and cool-down', () => {
  const options = validateOptions({
    scenarios: {
      slow: { executor: 'constant-arrival-rate', rate: 3, timeUnit: '2s', duration: '2s', preAllocatedVUs: 5, warmup: '500ms', cooldown: '1s' },
    },
  });
  const [plan] = planScenarios(options);
  assert.ok(plan?.kind === 'open');
  const phase = plan.phases[0]!;
  assert.is(phase.maxVus, 5);
  assert.equal(phase.measure, { warmupMs: 500, warmupIterations: 0, cooldownMs: 1_000 });
  // 3 per 2 s = 1.5/s: every 666.67 ms.
  assert.equal(us(arrivalOffsets(phase.arrivals)), [0, 666.667, 1333.333]);
});

test('ramping-arrival-rate: k6 cal() instants (0 → 1/s over 5 s, 1/s for 1 s, 1 → 0/s over 5 s)', () => {
  // The case of k6 TestRampingArrivalRateCal: 3.162 s, 4.472 s, 5.5 s, 6.527 s, 7.837 s, 11 s.
  const plan = planRampingArrivalRate('ramp', {
    ...base,
    ...uniform,
    executor: 'ramping-arrival-rate',
    startRatePerSec: 0,
    stages: [
      { durationMs: 5_000, targetPerSec: 1 },
      { durationMs: 1_000, targetPerSec: 1 },
      { durationMs: 5_000, targetPerSec: 0 },
    ],
    preAllocatedVUs: 1,
    maxVUs: 3,
  });
  assert.ok(plan.kind === 'open');
  const phase = plan.phases[0]!;
  assert.equal(phase.arrivals.segments, [
    { durationMs: 5_000, fromPerSec: 0, toPerSec: 1 },
    { durationMs: 1_000, fromPerSec: 1, toPerSec: 1 },
    { durationMs: 5_000, fromPerSec: 1, toPerSec: 0 },
  ]);
  assert.is(phase.arrivals.uniformFirst, 'area');
  assert.is(phase.durationMs, 11_000);
  assert.is(phase.stageTags, true);
  assert.equal(us(arrivalOffsets(phase.arrivals)), [3162.278, 4472.136, 5500, 6527.864, 7837.722, 11_000]);
  assert.is(plan.maxTotalMs, 17_000);
});

test('ramping-arrival-rate: startRate and the stage of every arrival', () => {
  const process: ArrivalProcess = {
    segments: rateSegments(2, [
      { durationMs: 1_000, targetPerSec: 2 },
      { durationMs: 1_000, targetPerSec: 6 },
    ]),
    ...uniform,
    uniformFirst: 'area',
  };
  assert.equal(process.segments, [
    { durationMs: 1_000, fromPerSec: 2, toPerSec: 2 },
    { durationMs: 1_000, fromPerSec: 2, toPerSec: 6 },
  ]);
  // Area 2 in stage 0 (k = 1, 2 at 500 and 1000 ms); in stage 1 the area is 2 + 2x + 2x² (x in s),
  // 4 more by its end: area k is reached at x = (−2 + √(4 + 8·(k − 2))) / 4 (k = 3…6).
  const expected = [500, 1000, ...[3, 4, 5, 6].map((k) => 1000 + ((-2 + Math.sqrt(4 + 8 * (k - 2))) / 4) * 1000)];
  assert.equal(us(arrivalOffsets(process)), us(expected));
  assert.is(expectedArrivals(process), 6);
});

test('poisson and gamma schedules: seeded, same seed same schedule, mean rate kept', () => {
  const poisson: ArrivalProcess = { segments: [{ durationMs: 100_000, fromPerSec: 50, toPerSec: 50 }], distribution: 'poisson', burstiness: 1, seed: 7, uniformFirst: 'start' };
  const a = arrivalOffsets(poisson);
  assert.equal(arrivalOffsets(poisson), a);
  assert.is.not(arrivalOffsets({ ...poisson, seed: 8 })[0], a[0]);
  // 5,000 expected; the count of a Poisson process has sd √5000 ≈ 71.
  assert.ok(Math.abs(a.length - 5_000) < 300, `poisson count ${a.length}`);
  for (const burstiness of [0.25, 4]) {
    const gaps = gapsOf(arrivalOffsets({ ...poisson, distribution: 'gamma', burstiness }));
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    const cv = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length) / mean;
    assert.ok(Math.abs(mean - 20) < 1.5, `gamma(${burstiness}) mean gap ${mean}`);
    // Gamma with shape k has coefficient of variation 1/√k: 2 for k = 0.25, 0.5 for k = 4.
    assert.ok(Math.abs(cv - 1 / Math.sqrt(burstiness)) < 0.15, `gamma(${burstiness}) cv ${cv}`);
  }
});

test("arrival-rate options are validated with k6's rules", () => {
  const problems = (raw: unknown): readonly string[] => {
    try {
      validateOptions(raw);
      return [];
    } catch (error) {
      return (error as LlmloadError).details;
    }
  };
  assert.equal(problems({ scenarios: { o: { executor: 'constant-arrival-rate', rate: 10, duration: '10s' } } }), ['options.scenarios.o.preAllocatedVUs: is required']);
  assert.equal(problems({ scenarios: { o: { executor: 'constant-arrival-rate', rate: 10, duration: '10s', preAllocatedVUs: 5, maxVUs: 2, burstiness: 0.5 } } }), [
    'options.scenarios.o.maxVUs: 2 is less than preAllocatedVUs (5)',
    'options.scenarios.o.burstiness: only applies with distribution "gamma" (got distribution "uniform")',
  ]);
  assert.equal(problems({ scenarios: { r: { executor: 'ramping-arrival-rate', preAllocatedVUs: 1, stages: [{ duration: '1s', target: 0 }] } } }), [
    'options.scenarios.r.stages: every target is 0 and so is options.scenarios.r.startRate; no iteration would ever start',
  ]);
  assert.equal(problems({ scenarios: { o: { executor: 'constant-arrival-rate', rate: 0, duration: '1s', preAllocatedVUs: 1, distribution: 'normal' } } }), [
    'options.scenarios.o.rate: expected a number of iterations per timeUnit > 0, got 0 (number)',
    'options.scenarios.o.distribution: expected one of "uniform", "poisson", "gamma", got "normal" (string)',
  ]);
  assert.equal(problems({ scenarios: { o: { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 1, warmup: '600ms', cooldown: '400ms' } } }), [
    'options.scenarios.o.warmup: warm-up plus cool-down (1000 ms) leave nothing of each 1000 ms phase to measure',
  ]);
});

function gapsOf(offsets: number[]): number[] {
  return offsets.slice(1).map((t, i) => t - offsets[i]!);
}

test.run();
