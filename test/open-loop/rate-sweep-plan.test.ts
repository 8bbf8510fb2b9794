/** rate-sweep's plan, its rates from the two measurements, and the over-saturation verdict: pure functions. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arrivalOffsets } from '../../core/executors/arrival-process.js';
import { planRateSweep, rateSweepPhases, rateSweepRates, roundRate } from '../../core/executors/rate-sweep.js';
import { mixSeed } from '../../core/executors/random.js';
import { judgeSaturation } from '../../core/run/saturation.js';

const scenario = {
  executor: 'rate-sweep',
  startTimeMs: 0,
  gracefulStopMs: 2_000,
  exec: 'default',
  tags: {},
  env: {},
  distribution: 'poisson',
  burstiness: 1,
  seed: 5,
  rates: 4,
  durationMs: 10_000,
  measureDurationMs: 5_000,
  preAllocatedVUs: 8,
  maxVUs: 32,
  stopOnSaturation: true,
  stopOnThresholdFail: false,
} as const;

test('the plan: a synchronous phase (1 VU), a throughput phase (maxVUs), and the spec of the rates', () => {
  assert.equal(planRateSweep('sweep', scenario), {
    kind: 'rate-sweep',
    name: 'sweep',
    executor: 'rate-sweep',
    startMs: 0,
    exec: 'default',
    tags: {},
    env: {},
    phases: [
      { tags: { rate: 'synchronous' }, steps: [{ atMs: 0, vus: 1 }], durationMs: 5_000, gracefulStopMs: 2_000, gracefulRampDownMs: 0, iterations: null, maxVus: 1 },
      { tags: { rate: 'throughput' }, steps: [{ atMs: 0, vus: 32 }], durationMs: 5_000, gracefulStopMs: 2_000, gracefulRampDownMs: 0, iterations: null, maxVus: 32 },
    ],
    sweep: {
      rates: 4,
      durationMs: 10_000,
      gracefulStopMs: 2_000,
      preAllocatedVus: 8,
      maxVus: 32,
      distribution: 'poisson',
      burstiness: 1,
      seed: 5,
      stopOnSaturation: true,
      stopOnThresholdFail: false,
      // Real time: its rates arrive as they are tagged (core/executors/time-scale.ts scales it).
      rateScale: 1,
    },
    // 2 × (5 s + 2 s) + 4 × (10 s + 2 s)
    maxTotalMs: 62_000,
  });
});

test('rates: evenly spaced above the synchronous rate, the last at the maximum (GuideLLM linspace(sync, max, n + 1)[1:])', () => {
  assert.equal(rateSweepRates(1, 9, 4), [3, 5, 7, 9]);
  assert.equal(rateSweepRates(0.04, 0.15, 2), [0.095, 0.15]);
  // 3 significant digits, so tags stay readable and say exactly what ran.
  assert.equal(rateSweepRates(1.23456, 10, 3), [4.16, 7.08, 10]);
  assert.is(roundRate(123.456), 123);
  // A server that does not batch: nothing between the two, every rate is the maximum.
  assert.equal(rateSweepRates(5, 4, 2), [4, 4]);
});

test('the open phase of each rate: constant rate, tagged rate:R, a seed of its own', () => {
  const plan = planRateSweep('sweep', { ...scenario, distribution: 'uniform', rates: 2, durationMs: 1_000 });
  const phases = rateSweepPhases(plan.sweep, 2, 6);
  assert.equal(phases, [
    {
      kind: 'open',
      tags: { rate: '4' },
      arrivals: { segments: [{ durationMs: 1_000, fromPerSec: 4, toPerSec: 4 }], distribution: 'uniform', burstiness: 1, seed: mixSeed(5, 1), uniformFirst: 'start' },
      durationMs: 1_000,
      gracefulStopMs: 2_000,
      preAllocatedVus: 8,
      maxVus: 32,
      stageTags: false,
    },
    {
      kind: 'open',
      tags: { rate: '6' },
      arrivals: { segments: [{ durationMs: 1_000, fromPerSec: 6, toPerSec: 6 }], distribution: 'uniform', burstiness: 1, seed: mixSeed(5, 2), uniformFirst: 'start' },
      durationMs: 1_000,
      gracefulStopMs: 2_000,
      preAllocatedVus: 8,
      maxVus: 32,
      stageTags: false,
    },
  ]);
  assert.equal(arrivalOffsets(phases[0]!.arrivals), [0, 250, 500, 750]);
});

test('over-saturation: a growing wait is saturated, a steady one is not, drops and interrupts count', () => {
  // 100 arrivals over 10 s; at a sustainable rate TTFT_sched stays near 50 ms.
  const steady = Array.from({ length: 100 }, (_, i): [number, number] => [i * 100, 50 + (i % 7)]);
  assert.is(judgeSaturation({ points: steady, requests: 100, interrupted: 0, dropped: 0 }), null);
  // Above capacity the queue grows: +200 ms per second of arrivals.
  const growing = Array.from({ length: 100 }, (_, i): [number, number] => [i * 100, 50 + i * 20]);
  assert.match(judgeSaturation({ points: growing, requests: 100, interrupted: 0, dropped: 0 }) ?? '', /TTFT from the schedule grew from \d+ ms to \d+ ms \(\+200 ms per second\)/);
  assert.is(judgeSaturation({ points: steady, requests: 100, interrupted: 0, dropped: 10 }), '9.1 % of arrivals dropped: every VU was busy');
  assert.is(judgeSaturation({ points: steady, requests: 100, interrupted: 6, dropped: 0 }), '6.0 % of requests still running at the end of gracefulStop');
  // Too few requests to tell a trend.
  assert.is(judgeSaturation({ points: growing.slice(0, 20), requests: 20, interrupted: 0, dropped: 0 }), null);
});

test.run();
