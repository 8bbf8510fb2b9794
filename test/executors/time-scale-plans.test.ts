/**
 * A time-scaled simulator run's schedule: the plans, written in the modelled server's terms, run
 * N× faster on the real clock (every duration ÷ N, every rate × N), with the same arrivals and
 * tags; at scale 1 nothing changes. Pure functions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arrivalOffsets, expectedArrivals } from '../../core/executors/arrival-process.js';
import { planScenarios, type ScenarioPlan } from '../../core/executors/index.js';
import { rateSweepPhases } from '../../core/executors/rate-sweep.js';
import { capacityProbePhase } from '../../core/executors/capacity-search.js';
import { isOpenPhase } from '../../core/executors/types.js';
import { plansOnRealClock, scheduleScale } from '../../core/executors/time-scale.js';
import { validateOptions } from '../../core/options/validate.js';

const options = validateOptions({
  scenarios: {
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '20s', target: 4 },
        { duration: '20s', target: 0 },
      ],
      gracefulRampDown: '10s',
      gracefulStop: '30s',
    },
    iterations: { executor: 'shared-iterations', vus: 2, iterations: 10, maxDuration: '2m', startTime: '10s', warmup: '5s', cooldown: '2s' },
    open: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1m',
      stages: [
        { duration: '30s', target: 120 },
        { duration: '30s', target: 60 },
      ],
      preAllocatedVUs: 4,
      startTime: '1m',
      distribution: 'poisson',
      seed: 3,
    },
    sweep: { executor: 'rate-sweep', rates: 3, duration: '40s', measureDuration: '20s', maxVUs: 8, gracefulStop: '4s', startTime: '20s' },
  },
});
const modelled = planScenarios(options);
const real = plansOnRealClock(modelled, 20);
const byName = (plans: ScenarioPlan[], name: string): ScenarioPlan => plans.find((p) => p.name === name)!;

test('at scale 1 the plans are the same', () => {
  assert.equal(plansOnRealClock(modelled, 1), modelled);
});

test('closed phases: start, steps, duration, graceful stop and ramp-down, warm-up and cool-down ÷ scale', () => {
  const ramp = byName(real, 'ramp');
  assert.ok(ramp.kind === 'closed');
  const phase = ramp.phases[0]!;
  const original = byName(modelled, 'ramp').phases[0]!;
  assert.ok(!('kind' in phase) && !('kind' in original));
  assert.equal(
    phase.steps,
    original.steps.map((s) => ({ atMs: s.atMs / 20, vus: s.vus })),
  );
  assert.is(phase.durationMs, 2_000);
  assert.is(phase.gracefulStopMs, 1_500);
  assert.is(phase.gracefulRampDownMs, 500);
  assert.is(ramp.maxTotalMs, byName(modelled, 'ramp').maxTotalMs / 20);
  const iterations = byName(real, 'iterations');
  assert.is(iterations.startMs, 500);
  const limited = iterations.phases[0]!;
  assert.ok(!('kind' in limited));
  assert.is(limited.durationMs, 6_000, 'maxDuration');
  assert.equal(limited.iterations, { mode: 'shared', total: 10 });
  assert.equal(limited.measure, { warmupMs: 250, warmupIterations: 0, cooldownMs: 100 });
});

test('open phases: the same arrivals (same count, same seeds) at rate × scale in duration ÷ scale, tags as planned', () => {
  const open = byName(real, 'open');
  const original = byName(modelled, 'open');
  assert.ok(open.kind === 'open' && original.kind === 'open');
  assert.is(open.startMs, 3_000);
  const [scaled, planned] = [open.phases[0]!, original.phases[0]!];
  assert.equal(scaled.tags, planned.tags);
  assert.is(scaled.durationMs, 3_000);
  // timeUnit 1m: 120 per minute is 2 per modelled second, 40 per real second at 20×.
  assert.equal(scaled.arrivals.segments[0], { durationMs: 1_500, fromPerSec: 0, toPerSec: 40 });
  assert.is(Math.round(expectedArrivals(scaled.arrivals)), Math.round(expectedArrivals(planned.arrivals)));
  const offsets = arrivalOffsets(scaled.arrivals);
  const modelledOffsets = arrivalOffsets(planned.arrivals);
  assert.is(offsets.length, modelledOffsets.length);
  offsets.forEach((at, i) => assert.ok(Math.abs(at * 20 - modelledOffsets[i]!) < 1e-6, `arrival ${i}: ${at} × 20 ≠ ${modelledOffsets[i]}`));
});

test("a rate-sweep's rates are tagged in modelled terms and arrive at rate × scale for duration ÷ scale", () => {
  const sweep = byName(real, 'sweep');
  assert.ok(sweep.kind === 'rate-sweep');
  assert.is(sweep.startMs, 1_000);
  assert.equal(
    sweep.phases.map((p) => [p.tags['rate'], p.durationMs, p.gracefulStopMs]),
    [
      ['synchronous', 1_000, 200],
      ['throughput', 1_000, 200],
    ],
  );
  // Measured in modelled terms: 1 and 4 requests per modelled second.
  const phases = rateSweepPhases(sweep.sweep, 1, 4);
  assert.equal(
    phases.map((p) => p.tags['rate']),
    ['2', '3', '4'],
  );
  assert.equal(
    phases.map((p) => [p.durationMs, p.gracefulStopMs, p.arrivals.segments[0]!.fromPerSec, p.arrivals.segments[0]!.durationMs]),
    [
      [2_000, 200, 40, 2_000],
      [2_000, 200, 60, 2_000],
      [2_000, 200, 80, 2_000],
    ],
  );
  // The same sweep unscaled: the same tags, the modelled rates.
  const unscaled = byName(modelled, 'sweep');
  assert.ok(unscaled.kind === 'rate-sweep');
  assert.equal(
    rateSweepPhases(unscaled.sweep, 1, 4).map((p) => [p.tags['rate'], p.arrivals.segments[0]!.fromPerSec, p.durationMs]),
    [
      ['2', 2, 40_000],
      ['3', 3, 40_000],
      ['4', 4, 40_000],
    ],
  );
});

test("a rate-mode capacity search's probes keep modelled loads in their tags and arrive at load × scale", () => {
  const search = validateOptions({
    slo: { e2e: '3s' },
    scenarios: { cap: { executor: 'capacity-search', mode: 'rate', start: 2, max: 16, probeDuration: '30s', maxProbeDuration: '90s', gracefulStop: '10s', maxVUs: 32 } },
  });
  const [plan] = plansOnRealClock(planScenarios(search), 10);
  assert.ok(plan?.kind === 'capacity-search');
  const first = plan.phases[0]!;
  assert.ok(isOpenPhase(first));
  assert.equal(first.tags, { level: '2' });
  assert.equal(first.arrivals.segments, [{ durationMs: 3_000, fromPerSec: 20, toPerSec: 20 }]);
  assert.is(first.gracefulStopMs, 1_000);
  // A later probe, made at run time from the scaled spec: the same.
  const later = capacityProbePhase(plan.search, 8, 3);
  assert.ok(isOpenPhase(later));
  assert.equal(later.tags, { level: '8' });
  assert.equal(later.arrivals.segments, [{ durationMs: 3_000, fromPerSec: 80, toPerSec: 80 }]);
});

test('the scale is the simulator’s only when the run targets it', () => {
  assert.is(scheduleScale({ target: { url: undefined }, simulator: { timeScale: 20 } }), 20);
  assert.is(scheduleScale({ target: { url: 'http://127.0.0.1:8000' }, simulator: { timeScale: 20 } }), 1);
  assert.is(scheduleScale({ target: { url: undefined }, simulator: { timeScale: 1 } }), 1);
});

test.run();
