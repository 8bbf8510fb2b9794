import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { capacityResult, maxCapacityProbes, nextCapacityStep, probeOutcome, type CapacitySearchRule, type ProbeCounts } from '../../core/executors/capacity-bisect.js';
import { capacityProbePhase, planCapacitySearch } from '../../core/executors/capacity-search.js';
import { isLlmloadError } from '../../core/errors.js';
import { validateOptions } from '../../core/options/validate.js';
import { isOpenPhase } from '../../core/executors/types.js';

const rule: CapacitySearchRule = { mode: 'concurrency', start: 1, max: 128, tolerance: 1, target: 0.99, confidence: 0.95 };

/**
 * Run the search against a server model: `attainment(load)` is the true share of
 * requests meeting the SLOs, and each phase at a load adds `perPhase` requests of
 * which exactly that share (rounded) meet them.
 */
function search(r: CapacitySearchRule, attainment: (load: number) => number, perPhase = 500, maxPhases = 4): { steps: number[]; result: ReturnType<typeof capacityResult> } {
  const probes = new Map<number, ProbeCounts>();
  const phasesAt = new Map<number, number>();
  const steps: number[] = [];
  let last: ProbeCounts | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const step = nextCapacityStep(r, [...probes.values()], last, last === null ? 0 : (phasesAt.get(last.load) ?? 0), maxPhases);
    if (step.kind === 'done') return { steps, result: step.result };
    steps.push(step.load);
    const before = probes.get(step.load) ?? { load: step.load, good: 0, requests: 0 };
    const good = Math.round(perPhase * attainment(step.load));
    last = { load: step.load, good: before.good + good, requests: before.requests + perPhase };
    probes.set(step.load, last);
    phasesAt.set(step.load, (phasesAt.get(step.load) ?? 0) + 1);
  }
  throw new Error('the search did not end');
}

test('doubling then bisecting finds a known capacity within the tolerance, in fewer probes than a sweep of equal resolution', () => {
  // The modelled server holds 40 users: all requests meet the SLOs up to 40, 70 % above.
  const { steps, result } = search(rule, (load) => (load <= 40 ? 1 : 0.7));
  assert.is(result.status, 'found');
  assert.is(result.capacity, 40);
  assert.equal(result.upper, { load: 41, verdict: 'fail' });
  assert.equal(steps, [1, 2, 4, 8, 16, 32, 64, 48, 40, 44, 42, 41]);
  // A fixed sweep at 1-user resolution up to the first failure would take 41 levels.
  assert.ok(steps.length < 41);
  assert.ok(result.attainment !== null && result.attainment.low >= 0.99);
});

test('rate mode bisects on 3 significant digits and stops at the tolerance', () => {
  const rateRule: CapacitySearchRule = { ...rule, mode: 'rate', start: 0.5, max: 64, tolerance: 0.25 };
  const { result } = search(rateRule, (load) => (load <= 5.3 ? 1 : 0.5));
  assert.is(result.status, 'found');
  assert.ok(result.capacity !== null && result.upper !== null);
  assert.ok(result.capacity <= 5.3 && result.upper.load > 5.3, `bracket ${result.capacity}..${result.upper.load}`);
  assert.ok(result.upper.load - result.capacity <= 0.25);
});

test('a probe whose interval straddles the target runs again, then stays indeterminate: never rounded to pass or fail', () => {
  // Exactly at the target: every interval straddles it however many requests.
  const { steps, result } = search(rule, (load) => (load <= 4 ? 1 : 0.99), 500, 3);
  assert.equal(steps.slice(0, 6), [1, 2, 4, 8, 8, 8]);
  assert.is(result.status, 'indeterminate');
  assert.is(result.capacity, 4);
  assert.equal(result.upper, { load: 5, verdict: 'indeterminate' });
  assert.ok(result.probes.some((p) => p.verdict === 'indeterminate'));
});

test('an undecided probe that decides once extended is a pass, not indeterminate', () => {
  // 100 requests all good: lower bound 0.963 < 0.99 (undecided); 400: 0.9905 (pass).
  const outcome = probeOutcome({ load: 1, good: 100, requests: 100 }, rule);
  assert.is(outcome.verdict, 'indeterminate');
  assert.is(probeOutcome({ load: 1, good: 400, requests: 400 }, rule).verdict, 'pass');
  assert.is(probeOutcome({ load: 1, good: 90, requests: 100 }, rule).verdict, 'fail');
  const { steps, result } = search(rule, () => 1, 100, 4);
  assert.equal(steps.slice(0, 4), [1, 1, 1, 1]);
  assert.is(result.status, 'at-max');
  assert.is(result.capacity, 128);
});

test('a first load that fails: capacity below the start; one that never decides: indeterminate', () => {
  assert.is(search(rule, () => 0.5).result.status, 'below-start');
  const noisy = search(rule, () => 0.99, 500, 2).result;
  assert.is(noisy.status, 'indeterminate');
  assert.is(noisy.capacity, null);
});

test('a stopped search is incomplete, not an answer', () => {
  const result = capacityResult(rule, [
    { load: 1, good: 500, requests: 500 },
    { load: 2, good: 500, requests: 500 },
  ]);
  assert.is(result.status, 'incomplete');
  assert.is(result.capacity, 2);
  const bracketWide = capacityResult(rule, [
    { load: 8, good: 500, requests: 500 },
    { load: 16, good: 100, requests: 500 },
  ]);
  assert.is(bracketWide.status, 'incomplete');
});

test('maxCapacityProbes bounds the loads a search probes, and some server needs every one of them', () => {
  for (const r of [
    { ...rule, max: 16 },
    { ...rule, start: 4, max: 100, tolerance: 3 },
    { ...rule, mode: 'rate' as const, start: 0.5, max: 20, tolerance: 0.25 },
  ]) {
    const bound = maxCapacityProbes(r);
    let most = 0;
    // A server that holds exactly `held`, across the whole range (and one below the start).
    for (let held = r.start / 2; held <= r.max; held += r.tolerance / 2) {
      const { steps } = search(r, (load) => (load <= held ? 1 : 0.5));
      assert.ok(new Set(steps).size <= bound, `${JSON.stringify(r)} held ${held}: ${steps.join(',')} > ${bound}`);
      most = Math.max(most, new Set(steps).size);
    }
    assert.is(most, bound, `the bound is reached for ${JSON.stringify(r)}`);
  }
  // start 1, max 16, tolerance 1: 1, 2, 4, 8, 16, then 12, 14, 15.
  assert.is(maxCapacityProbes({ ...rule, max: 16 }), 8);
  // An undecided probe run again is still one load.
  const { steps } = search({ ...rule, max: 16 }, (load) => (load <= 3 ? 1 : 0.99));
  assert.ok(steps.length > new Set(steps).size && new Set(steps).size <= 8);
});

const resolved = {
  executor: 'capacity-search',
  startTimeMs: 0,
  gracefulStopMs: 1000,
  exec: 'default',
  tags: {},
  env: {},
  distribution: 'poisson',
  burstiness: 1,
  seed: 7,
  ...rule,
  probeDurationMs: 10_000,
  maxProbeDurationMs: 30_000,
  preAllocatedVUs: 4,
  maxVUs: 64,
} as const;

test('the plan holds the first probe, tagged level like a sweep level; rate probes are open phases with their own seeds', () => {
  const plan = planCapacitySearch('cap', resolved);
  assert.is(plan.kind, 'capacity-search');
  assert.is(plan.search.maxPhases, 3);
  assert.equal(plan.phases[0]!.tags, { level: '1' });
  assert.not.ok(isOpenPhase(plan.phases[0]!));
  const rate = { ...plan.search, mode: 'rate' as const };
  const first = capacityProbePhase(rate, 2.5, 1);
  const second = capacityProbePhase(rate, 2.5, 2);
  assert.ok(isOpenPhase(first) && isOpenPhase(second));
  assert.equal(first.tags, { level: '2.5' });
  assert.equal(first.arrivals.segments, [{ durationMs: 10_000, fromPerSec: 2.5, toPerSec: 2.5 }]);
  assert.is.not(first.arrivals.seed, second.arrivals.seed);
});

function problems(raw: unknown): readonly string[] {
  try {
    validateOptions(raw);
  } catch (error) {
    if (isLlmloadError(error)) return error.details ?? [];
    throw error;
  }
  return [];
}

test('options: capacity-search needs options.slo, and names each wrong field by its path', () => {
  const scenario = { executor: 'capacity-search', start: 1, max: 8, probeDuration: '10s' };
  assert.equal(problems({ slo: { e2e: 1000 }, scenarios: { cap: scenario } }), []);
  assert.match(problems({ scenarios: { cap: scenario } }).join('\n'), 'options.scenarios.cap: capacity-search measures the share of requests meeting options.slo');
  const bad = problems({ slo: { e2e: 1000 }, scenarios: { cap: { ...scenario, start: 1.5, max: 1, attainment: 1.2, maxProbeDuration: '5s', maxVUs: 4 } } }).join('\n');
  assert.match(bad, 'options.scenarios.cap.attainment: expected a share between 0 and 1');
  const semantic = problems({ slo: { e2e: 1000 }, scenarios: { cap: { ...scenario, start: 1.5, max: 1, maxProbeDuration: '5s', maxVUs: 4 } } }).join('\n');
  assert.match(semantic, 'options.scenarios.cap.max: 1 is less than start (1.5)');
  assert.match(semantic, 'options.scenarios.cap.start: in concurrency mode loads are VUs, a whole number (got 1.5)');
  assert.match(semantic, 'options.scenarios.cap.maxProbeDuration: 5s is shorter than probeDuration (10s)');
  assert.match(semantic, 'options.scenarios.cap.maxVUs: only applies with mode "rate"');
  assert.match(
    problems({ slo: { e2e: 1000 }, scenarios: { cap: { ...scenario, mode: 'rate', start: 0.5 } } }).join('\n'),
    'options.scenarios.cap.maxVUs: mode "rate" needs maxVUs',
  );
});

test.run();
