import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planRampingVus, rampingVusSteps, type ResolvedRampingVusScenario } from '../../core/executors/ramping-vus.js';

const base = { startTimeMs: 0, gracefulStopMs: 30_000, exec: 'default', tags: {}, env: {} } as const;

test("k6's execution plan example (ramping_vus_test.go), in milliseconds", () => {
  const stages = [
    { durationMs: 2_000, target: 6 },
    { durationMs: 5_000, target: 1 },
    { durationMs: 4_000, target: 5 },
    { durationMs: 4_000, target: 1 },
    { durationMs: 3_000, target: 4 },
    { durationMs: 2_000, target: 4 },
    { durationMs: 0, target: 1 },
    { durationMs: 3_000, target: 1 },
  ];
  assert.equal(rampingVusSteps(4, stages), [
    { atMs: 0, vus: 4 },
    { atMs: 1_000, vus: 5 },
    { atMs: 2_000, vus: 6 },
    { atMs: 3_000, vus: 5 },
    { atMs: 4_000, vus: 4 },
    { atMs: 5_000, vus: 3 },
    { atMs: 6_000, vus: 2 },
    { atMs: 7_000, vus: 1 },
    { atMs: 8_000, vus: 2 },
    { atMs: 9_000, vus: 3 },
    { atMs: 10_000, vus: 4 },
    { atMs: 11_000, vus: 5 },
    { atMs: 12_000, vus: 4 },
    { atMs: 13_000, vus: 3 },
    { atMs: 14_000, vus: 2 },
    { atMs: 15_000, vus: 1 },
    { atMs: 16_000, vus: 2 },
    { atMs: 17_000, vus: 3 },
    { atMs: 18_000, vus: 4 },
    { atMs: 20_000, vus: 1 },
  ]);
});

test('ramping up adds a VU once the line reaches it (floor), instants rounded up to the ms', () => {
  // 0 → 3 over 10 s: the line reaches 1 at 3333.33 ms, 2 at 6666.67 ms, 3 at 10 s.
  assert.equal(rampingVusSteps(0, [{ durationMs: 10_000, target: 3 }]), [
    { atMs: 0, vus: 0 },
    { atMs: 3_334, vus: 1 },
    { atMs: 6_667, vus: 2 },
    { atMs: 10_000, vus: 3 },
  ]);
});

test('ramping down removes a VU once the line reaches the count below (ceil)', () => {
  // 3 → 0 over 10 s: the line reaches 2 at 3333.33 ms, 1 at 6666.67 ms, 0 at 10 s.
  assert.equal(rampingVusSteps(3, [{ durationMs: 10_000, target: 0 }]), [
    { atMs: 0, vus: 3 },
    { atMs: 3_334, vus: 2 },
    { atMs: 6_667, vus: 1 },
    { atMs: 10_000, vus: 0 },
  ]);
});

test("up then down, as k6's no-wobble test (0 → 10 over 3 s, → 0 over 2 s)", () => {
  assert.equal(
    rampingVusSteps(0, [
      { durationMs: 3_000, target: 10 },
      { durationMs: 2_000, target: 0 },
    ]),
    [
      { atMs: 0, vus: 0 },
      { atMs: 300, vus: 1 },
      { atMs: 600, vus: 2 },
      { atMs: 900, vus: 3 },
      { atMs: 1_200, vus: 4 },
      { atMs: 1_500, vus: 5 },
      { atMs: 1_800, vus: 6 },
      { atMs: 2_100, vus: 7 },
      { atMs: 2_400, vus: 8 },
      { atMs: 2_700, vus: 9 },
      { atMs: 3_000, vus: 10 },
      { atMs: 3_200, vus: 9 },
      { atMs: 3_400, vus: 8 },
      { atMs: 3_600, vus: 7 },
      { atMs: 3_800, vus: 6 },
      { atMs: 4_000, vus: 5 },
      { atMs: 4_200, vus: 4 },
      { atMs: 4_400, vus: 3 },
      { atMs: 4_600, vus: 2 },
      { atMs: 4_800, vus: 1 },
      { atMs: 5_000, vus: 0 },
    ],
  );
});

test('a zero-length stage jumps at once; a hold stage adds no step; same-instant steps collapse', () => {
  assert.equal(
    rampingVusSteps(0, [
      { durationMs: 0, target: 5 },
      { durationMs: 10_000, target: 5 },
      { durationMs: 0, target: 2 },
      { durationMs: 5_000, target: 2 },
    ]),
    [
      { atMs: 0, vus: 5 },
      { atMs: 10_000, vus: 2 },
    ],
  );
  // Jumping away and straight back within one instant leaves no step.
  assert.equal(
    rampingVusSteps(3, [
      { durationMs: 1_000, target: 3 },
      { durationMs: 0, target: 8 },
      { durationMs: 0, target: 3 },
      { durationMs: 1_000, target: 4 },
    ]),
    [
      { atMs: 0, vus: 3 },
      { atMs: 2_000, vus: 4 },
    ],
  );
});

test('a ramp steeper than one VU per millisecond keeps the last count of each millisecond', () => {
  assert.equal(rampingVusSteps(0, [{ durationMs: 10, target: 100 }]), [
    { atMs: 0, vus: 0 },
    { atMs: 1, vus: 10 },
    { atMs: 2, vus: 20 },
    { atMs: 3, vus: 30 },
    { atMs: 4, vus: 40 },
    { atMs: 5, vus: 50 },
    { atMs: 6, vus: 60 },
    { atMs: 7, vus: 70 },
    { atMs: 8, vus: 80 },
    { atMs: 9, vus: 90 },
    { atMs: 10, vus: 100 },
  ]);
});

test('plan: one phase over Σ stages; gracefulRampDown kept; maxTotal = start + Σ stages + gracefulStop', () => {
  const scenario: ResolvedRampingVusScenario = {
    ...base,
    executor: 'ramping-vus',
    startTimeMs: 5_000,
    gracefulStopMs: 10_000,
    tags: { kind: 'ramp' },
    env: { MODE: 'x' },
    exec: 'ramp',
    startVUs: 1,
    stages: [
      { durationMs: 2_000, target: 3 },
      { durationMs: 1_000, target: 0 },
    ],
    gracefulRampDownMs: 7_000,
  };
  assert.equal(planRampingVus('ramp', scenario), {
    kind: 'closed',
    name: 'ramp',
    executor: 'ramping-vus',
    startMs: 5_000,
    exec: 'ramp',
    tags: { kind: 'ramp' },
    env: { MODE: 'x' },
    phases: [
      {
        tags: {},
        steps: [
          { atMs: 0, vus: 1 },
          { atMs: 1_000, vus: 2 },
          { atMs: 2_000, vus: 3 },
          { atMs: 2_334, vus: 2 },
          { atMs: 2_667, vus: 1 },
          { atMs: 3_000, vus: 0 },
        ],
        durationMs: 3_000,
        gracefulStopMs: 10_000,
        gracefulRampDownMs: 7_000,
        iterations: null,
        maxVus: 3,
      },
    ],
    maxTotalMs: 18_000,
  });
});

test.run();
