/**
 * The progress line as pure functions: the plan's length or iterations for
 * every executor (progressPlan), the live figures (LiveMetrics.snapshot: the
 * plan's VUs, tokens as they stream, rates over a recent window) and the
 * exact line (formatProgress).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planScenarios } from '../../core/executors/index.js';
import { validateOptions } from '../../core/options/validate.js';
import { LiveMetrics } from '../../core/run/live-metrics.js';
import { progressPlan, type ProgressPlan } from '../../core/run/progress-plan.js';
import { formatProgress, type ProgressSnapshot } from '../../core/run/progress.js';
import type { BatchMsg, SampleTuple } from '../../core/workers/messages.js';
import { makeRecord } from '../helpers/record-fixture.js';

const optionsOf = (scenarios: Record<string, unknown>) => validateOptions({ scenarios });
const planOf = (scenarios: Record<string, unknown>): ProgressPlan => progressPlan(planScenarios(optionsOf(scenarios)));

function batch(records: BatchMsg['records'], streamedTokens: number, samples: SampleTuple[] = []): BatchMsg {
  return { cmd: 'BATCH', workerIndex: 0, records, samples, activeVus: 0, streamedTokens };
}

const base: ProgressSnapshot = {
  elapsedMs: 21_000,
  plannedMs: 60_000,
  iterations: null,
  vus: 10,
  reqPerSec: 3,
  outputTokPerSec: 400.4,
  ttftP95Ms: 120,
  requests: 30,
  failures: 0,
  label: null,
};

test('progressPlan: constant-vus with a startTime offset ends at startTime + duration', () => {
  assert.equal(planOf({ late: { executor: 'constant-vus', vus: 10, duration: '30s', startTime: '10s' } }), {
    totalMs: 40_000,
    iterations: null,
    iterationScenarios: [],
    searches: {},
  });
});

test('progressPlan: ramping-vus lasts the sum of its stages; the latest scenario decides', () => {
  const plan = planOf({
    ramp: {
      executor: 'ramping-vus',
      stages: [
        { duration: '10s', target: 5 },
        { duration: '20s', target: 5 },
        { duration: '5s', target: 0 },
      ],
    },
    short: { executor: 'constant-vus', vus: 1, duration: '10s', startTime: '5s' },
  });
  assert.equal(plan, { totalMs: 35_000, iterations: null, iterationScenarios: [], searches: {} });
});

test('progressPlan: arrival-rate executors last their schedules', () => {
  assert.is(planOf({ open: { executor: 'constant-arrival-rate', rate: 4, duration: '1m', preAllocatedVUs: 2 } }).totalMs, 60_000);
  const ramping = {
    executor: 'ramping-arrival-rate',
    startRate: 1,
    preAllocatedVUs: 2,
    stages: [
      { duration: '30s', target: 10 },
      { duration: '15s', target: 10 },
    ],
  };
  assert.is(planOf({ ramping }).totalMs, 45_000);
});

test('progressPlan: a rate-sweep counts its measurement phases and every rate, known from the start', () => {
  const plan = planOf({ sweep: { executor: 'rate-sweep', rates: 3, duration: '1500ms', maxVUs: 16 } });
  assert.equal(plan, { totalMs: 7_500, iterations: null, iterationScenarios: [], searches: {} });
  const measured = planOf({ sweep: { executor: 'rate-sweep', rates: 4, duration: '30s', measureDuration: '10s', maxVUs: 16, startTime: '5s' } });
  assert.is(measured.totalMs, 5_000 + 2 * 10_000 + 4 * 30_000);
});

test('progressPlan: a concurrency-sweep by duration lasts its levels; by iterations it has iterations, no length', () => {
  assert.is(planOf({ sweep: { executor: 'concurrency-sweep', levels: [1, 4, 8], duration: '20s' } }).totalMs, 60_000);
  assert.equal(planOf({ sweep: { executor: 'concurrency-sweep', levels: [1, 4, 8], iterationsPerVu: 3 } }), {
    totalMs: null,
    iterations: 3 * (1 + 4 + 8),
    iterationScenarios: ['sweep'],
    searches: {},
  });
  assert.is(planOf({ sweep: { executor: 'concurrency-sweep', levels: [2, 4], iterations: 10 } }).iterations, 20);
});

test('progressPlan: iteration executors have no planned length (maxDuration is a cap), only iterations', () => {
  assert.equal(planOf({ each: { executor: 'per-vu-iterations', vus: 4, iterations: 5, maxDuration: '10m' } }), {
    totalMs: null,
    iterations: 20,
    iterationScenarios: ['each'],
    searches: {},
  });
  assert.equal(planOf({ shared: { executor: 'shared-iterations', vus: 4, iterations: 40 }, timed: { executor: 'constant-vus', vus: 1, duration: '5s' } }), {
    totalMs: null,
    iterations: 40,
    iterationScenarios: ['shared'],
    searches: {},
  });
});

test('progressPlan: a capacity search has no planned length, only the most probes it can take', () => {
  const search = { executor: 'capacity-search', start: 1, max: 16, tolerance: 1, probeDuration: '10s' };
  const plan = progressPlan(planScenarios(validateOptions({ slo: { ttft: 500 }, scenarios: { search, timed: { executor: 'constant-vus', vus: 1, duration: '5s' } } })));
  assert.equal(plan, { totalMs: null, iterations: null, iterationScenarios: [], searches: { search: { maxProbes: 8, mode: 'concurrency' } } });
});

test('formatProgress: exact lines', () => {
  assert.is(formatProgress(base), 'running 0m21s/1m00s · 10 VUs · 3.0 req/s · 400 out tok/s · p95 TTFT 120ms · 30 reqs · 0 failed');
  assert.is(
    formatProgress({ ...base, plannedMs: null, iterations: { done: 12, total: 40 }, elapsedMs: 8_000, vus: 4, ttftP95Ms: null }),
    'running 0m08s · 12/40 iterations · 4 VUs · 3.0 req/s · 400 out tok/s · p95 TTFT - · 30 reqs · 0 failed',
  );
  assert.is(
    formatProgress({ ...base, plannedMs: 7_500, elapsedMs: 3_200, label: 'sweep rate 2.5 req/s', vus: 16, ttftP95Ms: 1_234 }),
    'running 0m03s/0m08s · sweep rate 2.5 req/s · 16 VUs · 3.0 req/s · 400 out tok/s · p95 TTFT 1.23s · 30 reqs · 0 failed',
  );
});

test("formatProgress: a time-scaled run's clock is the simulated server's, and says so", () => {
  // 21 s of a 60 s schedule at 20×: 7 of the 20 modelled minutes the script asked for.
  assert.is(formatProgress({ ...base, timeScale: 20 }), 'running 7m00s/20m00s simulated (20×) · 10 VUs · 3.0 req/s · 400 out tok/s · p95 TTFT 120ms · 30 reqs · 0 failed');
  assert.is(formatProgress({ ...base, timeScale: 1 }), formatProgress(base));
});

/** Drive LiveMetrics as the scheduler and workers would, then format its snapshot. */
function line(scenarios: Record<string, unknown>, drive: (live: LiveMetrics) => void, elapsedMs: number): string {
  const options = optionsOf(scenarios);
  const plan = progressPlan(planScenarios(options));
  const live = new LiveMetrics(options, false);
  live.countIterations(plan.iterationScenarios);
  drive(live);
  return formatProgress(live.snapshot(elapsedMs, plan));
}

const phase = (scenario: string, tags: Record<string, string> = {}) => ({ scenario, phaseIndex: 0, phaseId: 1, tags: { scenario, ...tags }, startedAt: 0 });

test("snapshot: the plan's VUs before any request has finished, and tokens counted as they stream", () => {
  const text = line(
    { chat: { executor: 'constant-vus', vus: 10, duration: '1m' } },
    (live) => {
      live.phaseStarted(phase('chat'));
      live.vusTarget('chat', 10);
      live.ingest(batch([], 300));
      live.ingest(batch([], 100));
    },
    1_000,
  );
  assert.is(text, 'running 0m01s/1m00s · 10 VUs · 0.0 req/s · 400 out tok/s · p95 TTFT - · 0 reqs · 0 failed');
});

test('snapshot: rates are over the last 5 s, not since the start; finished scenarios leave the VU count', () => {
  const options = optionsOf({ a: { executor: 'constant-vus', vus: 3, duration: '1m' }, b: { executor: 'constant-vus', vus: 2, duration: '10s' } });
  const plan = progressPlan(planScenarios(options));
  const live = new LiveMetrics(options, false);
  live.vusTarget('a', 3);
  live.vusTarget('b', 2);
  // 10 s at 1000 tok/s, then 5 s at 200 tok/s.
  for (let t = 1; t <= 10; t++) {
    live.ingest(batch([], 1000));
    live.snapshot(t * 1000, plan);
  }
  live.scenarioEnded('b');
  for (let t = 11; t <= 14; t++) {
    live.ingest(batch([], 200));
    live.snapshot(t * 1000, plan);
  }
  live.ingest(batch([makeRecord({ tags: { scenario: 'a' } })], 200));
  const snap = live.snapshot(15_000, plan);
  assert.is(snap.outputTokPerSec, 200);
  assert.is(snap.reqPerSec, 0.2);
  assert.is(snap.vus, 3);
});

test("snapshot: iteration-bound scenarios show iterations done out of the plan's total", () => {
  const text = line(
    { each: { executor: 'per-vu-iterations', vus: 4, iterations: 10 }, timed: { executor: 'constant-vus', vus: 1, duration: '5s' } },
    (live) => {
      live.vusTarget('each', 4);
      live.vusTarget('timed', 1);
      const it = (scenario: string): SampleTuple => ['iterations', 'counter', 1, { scenario }, false];
      live.ingest(batch([], 0, [it('each'), it('each'), it('timed'), it('each')]));
    },
    8_000,
  );
  assert.is(text, 'running 0m08s · 3/40 iterations · 5 VUs · 0.0 req/s · 0 out tok/s · p95 TTFT - · 0 reqs · 0 failed');
});

test("snapshot: a capacity search's probe, its load and the search's bound, not a planned length", () => {
  const options = validateOptions({ slo: { ttft: 500 }, scenarios: { search: { executor: 'capacity-search', start: 1, max: 16, tolerance: 1, probeDuration: '10s' } } });
  const plan = progressPlan(planScenarios(options));
  const live = new LiveMetrics(options, false);
  for (const level of ['1', '2', '4']) live.phaseStarted(phase('search', { level }));
  live.vusTarget('search', 4);
  assert.is(
    formatProgress(live.snapshot(31_000, plan)),
    'running 0m31s · search probe 3, load 4 users, up to 8 probes · 4 VUs · 0.0 req/s · 0 out tok/s · p95 TTFT - · 0 reqs · 0 failed',
  );
  // Run again while undecided: the same probe.
  live.phaseStarted(phase('search', { level: '4' }));
  assert.match(formatProgress(live.snapshot(41_000, plan)), 'search probe 3, load 4 users, up to 8 probes');
});

test('snapshot: sweep levels and rates are named', () => {
  const level = line(
    { sweep: { executor: 'concurrency-sweep', levels: [1, 4], duration: '10s' } },
    (live) => {
      live.phaseStarted(phase('sweep', { level: '4' }));
      live.vusTarget('sweep', 4);
    },
    12_000,
  );
  assert.is(level, 'running 0m12s/0m20s · sweep level 4 · 4 VUs · 0.0 req/s · 0 out tok/s · p95 TTFT - · 0 reqs · 0 failed');
  const rate = line(
    { sweep: { executor: 'rate-sweep', rates: 3, duration: '10s', maxVUs: 16 } },
    (live) => {
      live.phaseStarted(phase('sweep', { rate: 'throughput' }));
      live.vusTarget('sweep', 16);
    },
    12_000,
  );
  assert.is(rate, 'running 0m12s/0m50s · sweep rate throughput · 16 VUs · 0.0 req/s · 0 out tok/s · p95 TTFT - · 0 reqs · 0 failed');
  const open = line(
    { open: { executor: 'constant-arrival-rate', rate: 4, duration: '30s', preAllocatedVUs: 6, startTime: '5s' } },
    (live) => {
      live.phaseStarted(phase('open'));
      live.vusTarget('open', 6);
    },
    6_000,
  );
  assert.is(open, 'running 0m06s/0m35s · 6 VUs · 0.0 req/s · 0 out tok/s · p95 TTFT - · 0 reqs · 0 failed');
});

test.run();
