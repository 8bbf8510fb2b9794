/**
 * Splitting a test over instances, as pure functions: the union of the N
 * instances' plans is the one-instance plan, for N = 1…8, every executor, and
 * even and uneven segment sequences.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrivalSequence, arrivalOffsets } from '../../core/executors/arrival-process.js';
import { planScenarios } from '../../core/executors/index.js';
import { rateSweepPhase } from '../../core/executors/rate-sweep.js';
import type { OpenPhasePlan, PhasePlan, ScenarioPlan, VuStep } from '../../core/executors/types.js';
import { isOpenPhase, planMaxVus } from '../../core/executors/types.js';
import { validateOptions } from '../../core/options/validate.js';
import { resolveInstance } from '../../core/distributed/instance-option.js';
import { checkInstancePlans, instancePlans } from '../../core/distributed/instance-plans.js';
import { capacityProbePhase } from '../../core/executors/capacity-search.js';
import { globalIndex, instanceSlice, ownsIndex, parseSequence, scaleCount, sliceOfSegment, stripeOwners, type InstanceSlice } from '../../core/distributed/segment.js';
import { splitPlans } from '../../core/distributed/split-plan.js';
import { LlmloadError } from '../../core/errors.js';

const SCENARIOS = {
  shared: { executor: 'shared-iterations', vus: 9, iterations: 101, maxDuration: '1m' },
  perVu: { executor: 'per-vu-iterations', vus: 10, iterations: 3 },
  constant: { executor: 'constant-vus', vus: 11, duration: '10s' },
  ramp: {
    executor: 'ramping-vus',
    startVUs: 3,
    stages: [
      { duration: '7s', target: 17 },
      { duration: '0s', target: 12 },
      { duration: '5s', target: 12 },
      { duration: '9s', target: 0 },
    ],
  },
  sweep: { executor: 'concurrency-sweep', levels: [1, 2, 5, 10, 16], iterations: 40 },
  sweepTimed: { executor: 'concurrency-sweep', levels: [1, 3, 8], duration: '5s' },
  car: { executor: 'constant-arrival-rate', rate: 7, duration: '13s', preAllocatedVUs: 9, maxVUs: 23 },
  carPoisson: { executor: 'constant-arrival-rate', rate: 11, duration: '9s', preAllocatedVUs: 8, distribution: 'poisson', seed: 3 },
  rar: {
    executor: 'ramping-arrival-rate',
    startRate: 0,
    preAllocatedVUs: 10,
    maxVUs: 40,
    stages: [
      { duration: '5s', target: 9 },
      { duration: '4s', target: 9 },
      { duration: '6s', target: 2 },
    ],
  },
  rarGamma: {
    executor: 'ramping-arrival-rate',
    startRate: 3,
    preAllocatedVUs: 8,
    distribution: 'gamma',
    burstiness: 0.4,
    seed: 7,
    stages: [{ duration: '8s', target: 20 }],
  },
  rateSweep: { executor: 'rate-sweep', duration: '5s', maxVUs: 12, rates: 3, distribution: 'poisson', seed: 5 },
};

const whole: ScenarioPlan[] = planScenarios(validateOptions({ scenarios: SCENARIOS }));

/** Even sequences of 1…8 instances, and some uneven ones. */
const SEQUENCES: Array<{ name: string; slices: InstanceSlice[] }> = [
  ...Array.from({ length: 8 }, (_, n) => ({ name: `${n + 1} even`, slices: Array.from({ length: n + 1 }, (_, i) => instanceSlice(i, n + 1)) })),
  ...['0,1/4,1/2,1', '0,1/3,1/2,1', '0,10%,35%,0.7,1', '0,1/7,2/3,1'].map((text) => {
    const segments = parseSequence(text);
    return { name: text, slices: segments.map((segment) => sliceOfSegment(segment, segments)) };
  }),
];

/** VU target of `steps` at `atMs`. */
function vusAt(steps: readonly VuStep[], atMs: number): number {
  let vus = 0;
  for (const step of steps) if (step.atMs <= atMs) vus = step.vus;
  return vus;
}

/** The arrival offsets of a phase the instance sends, with their global indexes. */
function sentArrivals(phase: OpenPhasePlan): Array<[number, number]> {
  const seq = new ArrivalSequence(phase.arrivals);
  const out: Array<[number, number]> = [];
  while (seq.next()) {
    if (seq.atMs > phase.durationMs) break;
    if (phase.share === undefined || phase.share.owners[seq.index % phase.share.period] === phase.share.index) out.push([seq.index, seq.atMs]);
  }
  return out;
}

function checkClosed(one: PhasePlan, parts: PhasePlan[], where: string): void {
  const instants = new Set(one.steps.map((s) => s.atMs));
  for (const part of parts) for (const s of part.steps) instants.add(s.atMs);
  for (const t of instants) {
    assert.is(
      parts.reduce((sum, p) => sum + vusAt(p.steps, t), 0),
      vusAt(one.steps, t),
      `${where}: VUs at ${t} ms`,
    );
  }
  for (const part of parts) assert.is(part.steps[0]?.atMs, 0, `${where}: first step at 0`);
  assert.is(
    parts.reduce((sum, p) => sum + p.maxVus, 0),
    one.maxVus,
    `${where}: maxVus`,
  );
  if (one.iterations?.mode === 'shared') {
    assert.is(
      parts.reduce((sum, p) => sum + (p.iterations?.mode === 'shared' ? p.iterations.total : NaN), 0),
      one.iterations.total,
      `${where}: shared iterations`,
    );
  } else {
    for (const part of parts) assert.equal(part.iterations, one.iterations, `${where}: iterations`);
  }
  for (const part of parts) assert.is(part.durationMs, one.durationMs);
}

function checkOpen(one: OpenPhasePlan, parts: OpenPhasePlan[], where: string): void {
  const union = parts.flatMap(sentArrivals).sort((a, b) => a[0] - b[0]);
  const expected = arrivalOffsets(one.arrivals).filter((at) => at <= one.durationMs);
  assert.ok(expected.length > 0, `${where}: the schedule has arrivals`);
  assert.equal(
    union.map(([index]) => index),
    expected.map((_, k) => k),
    `${where}: every arrival sent exactly once`,
  );
  // Bit-identical: the same doubles, not merely close ones.
  assert.ok(
    union.every(([, at], k) => Object.is(at, expected[k])),
    `${where}: send times bit-identical`,
  );
  for (const [key, field] of [
    ['preAllocatedVus', 'preAllocatedVus'],
    ['maxVus', 'maxVus'],
  ] as const) {
    assert.is(
      parts.reduce((sum, p) => sum + p[field], 0),
      one[key],
      `${where}: ${key}`,
    );
  }
}

for (const { name, slices } of SEQUENCES) {
  test(`${name}: the instances' plans add up to the one-instance plan, for every executor`, () => {
    const split = slices.map((slice) => splitPlans(whole, slice));
    whole.forEach((plan, s) => {
      const parts = split.map((plans) => plans[s]!);
      plan.phases.forEach((phase, k) => {
        const where = `${name}, ${plan.name} phase ${k}`;
        const partPhases = parts.map((p) => p.phases[k]!);
        if (isOpenPhase(phase)) checkOpen(phase, partPhases as OpenPhasePlan[], where);
        else checkClosed(phase, partPhases as PhasePlan[], where);
      });
      if (plan.kind === 'rate-sweep') {
        // The rates come later, from measurements; every rate's schedule is split the same way.
        const sweeps = parts.map((p) => (p.kind === 'rate-sweep' ? p.sweep : null)!);
        assert.is(
          sweeps.reduce((sum, sw) => sum + sw.maxVus, 0),
          plan.sweep.maxVus,
          `${name}: rate-sweep maxVus`,
        );
        checkOpen(
          rateSweepPhase(plan.sweep, 6.5, 1),
          sweeps.map((sw) => rateSweepPhase(sw, 6.5, 1)),
          `${name}: rate-sweep rate 2`,
        );
      }
    });
  });

  test(`${name}: dataset items and VU numbers are covered exactly once`, () => {
    for (const total of [1, 7, 50, 97, 360]) {
      const taken = slices.flatMap((slice) => Array.from({ length: scaleCount(slice, total) }, (_, j) => globalIndex(slice, j)));
      assert.equal(
        taken.sort((a, b) => a - b),
        Array.from({ length: total }, (_, i) => i),
        `${name}: ${total} items`,
      );
      for (let i = 0; i < total; i++) {
        assert.is(slices.filter((slice) => ownsIndex(slice, i)).length, 1, `index ${i} has one owner`);
      }
    }
  });
}

test('stripes: each segment owns exactly its share of every period, spread evenly', () => {
  for (const shares of [[1, 1, 1], [3, 1], [1, 2, 3, 4], [5, 3, 2], [7], [1, 1, 1, 1, 1, 1, 1, 1], [12, 5, 1, 2]]) {
    const period = shares.reduce((a, b) => a + b, 0);
    const owners = stripeOwners(shares, period);
    shares.forEach((share, k) => assert.is(owners.filter((o) => o === k).length, share, `${shares.join('/')}: segment ${k}`));
  }
  // --instance i/N: instance i owns i, i + N, …
  const third = instanceSlice(2, 3);
  assert.equal(third.owned, [2]);
  assert.equal(
    Array.from({ length: 4 }, (_, j) => globalIndex(third, j)),
    [2, 5, 8, 11],
  );
  assert.is(scaleCount(third, 2), 0);
  assert.is(scaleCount(third, 3), 1);
});

test('--instance auto reads the index from JOB_COMPLETION_INDEX and the count from LLMLOAD_INSTANCES', () => {
  const slice = resolveInstance({ instance: 'auto' }, { JOB_COMPLETION_INDEX: '2', LLMLOAD_INSTANCES: '5' });
  assert.is(slice?.index, 2);
  assert.is(slice?.count, 5);
  assert.is(resolveInstance({}, {}), null);
  assert.is(resolveInstance({ instance: '1/4' }, {})?.count, 4);
  assert.is(resolveInstance({ executionSegment: '1/4:1/2', executionSegmentSequence: '0,1/4,1/2,1' }, {})?.index, 1);
  // k6's default sequence: the segment plus what lies around it.
  const alone = resolveInstance({ executionSegment: '25%:50%' }, {});
  assert.is(alone?.index, 1);
  assert.is(alone?.count, 3);
  const refused = (flags: Parameters<typeof resolveInstance>[0], env: Record<string, string> = {}): string => {
    try {
      resolveInstance(flags, env);
    } catch (error) {
      assert.instance(error, LlmloadError);
      return (error as LlmloadError).message;
    }
    throw new Error('not refused');
  };
  assert.match(refused({ instance: 'auto' }, { LLMLOAD_INSTANCES: '3' }), 'JOB_COMPLETION_INDEX is not set');
  assert.match(refused({ instance: 'auto' }, { JOB_COMPLETION_INDEX: '0' }), 'LLMLOAD_INSTANCES is not set');
  assert.match(refused({ instance: '4/4' }), 'index 4 is not one of 0 … 3');
  assert.match(refused({ instance: 'two' }), 'not INDEX/COUNT or auto');
  assert.match(refused({ executionSegment: '1/2:1/4' }), 'is empty');
  assert.match(refused({ executionSegment: '0:1/3', executionSegmentSequence: '0,1/4,1' }), 'is not one of the segments');
  assert.match(refused({ executionSegment: '0:1/3', executionSegmentSequence: '0,1/2' }), 'must start at 0 and end at 1');
  assert.match(refused({ instance: '0/2', executionSegment: '0:1/2' }), 'give one of them');
});

test('an instance with no VU for its share of the iterations or arrivals is refused before the start', () => {
  const plans = planScenarios(validateOptions({ scenarios: { few: { executor: 'shared-iterations', vus: 2, iterations: 10 } } }));
  const code = (slice: InstanceSlice): string | null => {
    try {
      instancePlans(plans, slice, [], false);
      return null;
    } catch (error) {
      return (error as LlmloadError).code;
    }
  };
  assert.is(code(instanceSlice(1, 2)), null);
  // Three instances, two VUs: the third would be handed 3 iterations and no VU to run them.
  assert.is(code(instanceSlice(2, 3)), 'LL_ERR_INSTANCE_NO_WORK');
  const notices: string[] = [];
  const two = planScenarios(validateOptions({ scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s' }, b: { executor: 'constant-vus', vus: 2, duration: '1s' } } }));
  instancePlans(two, instanceSlice(1, 2), notices, false);
  assert.ok(
    notices.some((n) => n.includes('runs nothing in scenario "a"')),
    notices.join('\n'),
  );
  assert.throws(
    () => instancePlans(two, instanceSlice(2, 3), [], false),
    (error: LlmloadError) => error.code === 'LL_ERR_INSTANCE_NO_WORK',
  );
  const sweep = planScenarios(validateOptions({ scenarios: { s: { executor: 'rate-sweep', duration: '5s', maxVUs: 4 } } }));
  assert.throws(
    () => instancePlans(sweep, instanceSlice(0, 2), [], false),
    (error: LlmloadError) => error.code === 'LL_ERR_INVALID_OPTIONS',
  );
});

test('executors that decide their next load from the whole run (rate-sweep, capacity-search) are split only under a coordinator', () => {
  const plans = planScenarios(
    validateOptions({
      slo: { ttft: 500 },
      scenarios: {
        search: { executor: 'capacity-search', start: 1, max: 8, probeDuration: '10s' },
        sweep: { executor: 'rate-sweep', duration: '5s', maxVUs: 12, rates: 3 },
      },
    }),
  );
  try {
    instancePlans(plans, instanceSlice(0, 2), [], false);
    assert.unreachable('expected a refusal');
  } catch (error) {
    assert.instance(error, LlmloadError);
    assert.match((error as Error).message, 'capacity-search "search", rate-sweep "sweep" cannot be split over instances without a coordinator');
  }
  assert.is(instancePlans(plans, instanceSlice(0, 1), [], false).length, 2, 'one instance: nothing to split');
  // A coordinator decides their steps: each runner gets its share, even of a first probe smaller than the instances.
  assert.is(instancePlans(plans, instanceSlice(1, 2), [], true).length, 2);
  assert.is(checkInstancePlans(plans, 4).length, 0);
});

test('a capacity search split over instances: every probe the coordinator decides adds up to the one-machine probe', () => {
  const searches = planScenarios(
    validateOptions({
      slo: { ttft: 500 },
      scenarios: {
        users: { executor: 'capacity-search', start: 1, max: 64, probeDuration: '10s' },
        rate: { executor: 'capacity-search', mode: 'rate', start: 0.5, max: 16, probeDuration: '10s', maxVUs: 23, distribution: 'poisson', seed: 9 },
      },
    }),
  );
  for (const { name, slices } of SEQUENCES) {
    const split = slices.map((slice) => splitPlans(searches, slice));
    searches.forEach((plan, s) => {
      if (plan.kind !== 'capacity-search') return;
      const specs = split.map((plans) => plans[s]!).map((p) => (p.kind === 'capacity-search' ? p.search : null)!);
      for (const [load, k] of [
        [1, 0],
        [3, 2],
        [13, 5],
        [64, 7],
      ] as const) {
        const one = capacityProbePhase(plan.search, load, k);
        const parts = specs.map((spec) => capacityProbePhase(spec, load, k));
        if (isOpenPhase(one)) checkOpen(one, parts as OpenPhasePlan[], `${name}, ${plan.name} probe ${load}`);
        else checkClosed(one, parts as PhasePlan[], `${name}, ${plan.name} probe ${load}`);
      }
      assert.is(
        split.reduce((sum, plans) => sum + planMaxVus(plans[s]!), 0),
        planMaxVus(plan),
        `${name}, ${plan.name}: the VUs the runners warm add up`,
      );
    });
  }
});

test('--instance auto subtracts LLMLOAD_INSTANCE_OFFSET (the Kubernetes manifest sets 1: pod 0 is the coordinator)', () => {
  const env = { JOB_COMPLETION_INDEX: '3', LLMLOAD_INSTANCES: '4' };
  assert.is(resolveInstance({ instance: 'auto' }, env)?.index, 3);
  assert.is(resolveInstance({ instance: 'auto' }, { ...env, LLMLOAD_INSTANCE_OFFSET: '1' })?.index, 2);
  assert.is(resolveInstance({ instance: 'auto' }, env, { coordinated: true })?.index, 2, 'a runner of a coordinator: index 0 is the coordinator');
});

test.run();
