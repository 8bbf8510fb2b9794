/** The controller's account of open-loop load: planned arrivals per row, started and dropped ones, and the verdict. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenPhasePlan } from '../../core/executors/types.js';
import { loadShortfall, MAX_DISPATCH_LAG_P95_MS, rowShortfall, type OpenLoadRow } from '../../core/metrics/load-delivery.js';
import { LoadLedger } from '../../core/run/load-ledger.js';

/** A ramping-arrival-rate phase: 0 → 10/s over 2 s (10 arrivals), then 10/s for 1 s (10 more). */
function ramping(maxVus = 3): OpenPhasePlan {
  return {
    kind: 'open',
    tags: {},
    arrivals: {
      segments: [
        { durationMs: 2000, fromPerSec: 0, toPerSec: 10 },
        { durationMs: 1000, fromPerSec: 10, toPerSec: 10 },
      ],
      distribution: 'uniform',
      burstiness: 1,
      seed: 0,
      uniformFirst: 'area',
    },
    durationMs: 3000,
    gracefulStopMs: 0,
    preAllocatedVus: 1,
    maxVus,
    stageTags: true,
  };
}

test('planned arrivals per stage come from the schedule; started and dropped from the samples', () => {
  const ledger = new LoadLedger();
  ledger.phaseStarted(1, 'ramp', {}, ramping(), 1_000_000);
  for (let i = 0; i < 10; i++) ledger.arrival({ scenario: 'ramp', stage: '0' }, 1);
  for (let i = 0; i < 6; i++) ledger.arrival({ scenario: 'ramp', stage: '1' }, 1);
  for (let i = 0; i < 4; i++) ledger.arrival({ scenario: 'ramp', stage: '1' }, 0);
  ledger.phaseEnded(1, 1_000_000 + 3020);
  const rows = ledger.rows(1_000_000 + 9000);
  assert.equal(
    rows.map((r) => [r.label, r.planned, r.started, r.dropped, r.offeredPerSec, r.achievedPerSec, r.windowMs]),
    [
      ['stage 0', 10, 10, 0, 5, 5, 2000],
      ['stage 1', 10, 6, 4, 10, 6, 1000],
    ],
  );
  assert.is(rows[0]!.shortfall, null);
  assert.is(rows[1]!.delivered, 0.6);
  assert.is(rows[1]!.shortfall, '4 of 10 arrivals (40 %) were dropped (maxVUs 3 reached)');
  assert.is(loadShortfall(rows), '4 of 20 arrivals (20 %) were dropped (maxVUs 3 reached): the figures describe a lighter load than planned');
});

test('a phase stopped early: its window and planned arrivals end where it stopped', () => {
  const ledger = new LoadLedger();
  ledger.phaseStarted(1, 'ramp', {}, ramping(), 5000);
  for (let i = 0; i < 3; i++) ledger.arrival({ scenario: 'ramp', stage: '0' }, 1);
  // Stopped 1.5 s in: the schedule had 5.625 arrivals' worth of area there, i.e. arrivals 1–5.
  ledger.phaseEnded(1, 5000 + 1500);
  const rows = ledger.rows(100_000);
  assert.is(rows.length, 1, 'the stage the stop never reached has no row');
  assert.equal([rows[0]!.windowMs, rows[0]!.planned, rows[0]!.started], [1500, 5, 3]);
});

test('constant-rate and rate-sweep rows are keyed by scenario and rate; requests give the dispatch lag', () => {
  const ledger = new LoadLedger();
  const plan: OpenPhasePlan = {
    ...ramping(),
    tags: { rate: '4' },
    stageTags: false,
    arrivals: { ...ramping().arrivals, segments: [{ durationMs: 1000, fromPerSec: 4, toPerSec: 4 }], uniformFirst: 'start' },
    durationMs: 1000,
  };
  ledger.phaseStarted(3, 'sweep', { rate: '4' }, plan, 0);
  for (let i = 0; i < 4; i++) ledger.arrival({ scenario: 'sweep', rate: '4' }, 1);
  ledger.arrival({ scenario: 'other', rate: '4' }, 0);
  const record = { scenario: 'sweep', tags: { rate: '4' }, startedAt: 1250, scheduledAt: 1000 } as unknown as Parameters<LoadLedger['request']>[0];
  for (let i = 0; i < 4; i++) ledger.request(record);
  ledger.phaseEnded(3, 2000);
  const [row] = ledger.rows(2000);
  assert.equal([row!.label, row!.tags, row!.planned, row!.started, row!.dropped, row!.dispatchLagP95Ms], ['rate 4', { rate: '4' }, 4, 4, 0, 250]);
  assert.match(row!.shortfall ?? '', `arrivals were sent late: dispatch lag p95 250 ms (limit ${MAX_DISPATCH_LAG_P95_MS} ms)`);
  assert.is(
    loadShortfall([row!]),
    `arrivals were sent late (dispatch lag p95 up to 250 ms, limit ${MAX_DISPATCH_LAG_P95_MS} ms): the figures describe a load sent later and more bunched than planned`,
  );
});

test('the tolerance: 1 % dropped is delivered, more is not', () => {
  const base: Omit<OpenLoadRow, 'shortfall'> = {
    scenario: 's',
    tags: {},
    label: 's',
    windowMs: 1000,
    planned: 100,
    started: 99,
    dropped: 1,
    offeredPerSec: 100,
    achievedPerSec: 99,
    delivered: 0.99,
    maxVus: 5,
    dispatchLagP95Ms: 1,
  };
  assert.is(rowShortfall(base), null);
  assert.is(rowShortfall({ ...base, started: 98, dropped: 2 }), '2 of 100 arrivals (2 %) were dropped (maxVUs 5 reached)');
  assert.is(loadShortfall([{ ...base, shortfall: null }]), null);
  assert.is(loadShortfall([]), null);
});

test.run();
