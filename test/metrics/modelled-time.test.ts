/**
 * The simulated server's time: what a time-scaled run's records, load rows
 * and scrapes become, the label, and when the simulator's pacing is too
 * coarse for token timing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestRecord } from '../../core/client/types.js';
import type { OpenLoadRow } from '../../core/metrics/load-delivery.js';
import { ModelledTime, modelledTimeLabel, pacingNote } from '../../core/metrics/modelled-time.js';
import { modelledTimeOf } from '../../core/report/results-file.js';

const ORIGIN = 1_700_000_000_000;

function record(): RequestRecord {
  return {
    type: 'request',
    scenario: 's',
    tags: { scenario: 's' },
    vu: 1,
    iteration: 0,
    api: 'chat',
    stream: true,
    ok: true,
    failure: null,
    error: null,
    status: 200,
    finishReason: 'stop',
    outputTokens: 3,
    inputTokens: 10,
    inputTokensClient: 10,
    cachedTokens: null,
    tokensSource: 'usage',
    chunks: 3,
    outputChars: 12,
    scheduledAt: ORIGIN + 100,
    startedAt: ORIGIN + 101,
    ttfbMs: 2,
    ttftMs: 5,
    ttfcMs: 5,
    e2eMs: 9,
    itlMs: [2, 2],
    connectMs: 0.4,
    blockedMs: 0.5,
  };
}

test('a record in modelled time: instants stretched from the origin, durations × scale; the measured record is left as it was', () => {
  const measured = record();
  const time = new ModelledTime(20, ORIGIN);
  const modelled = time.record(measured);
  assert.is(modelled.scheduledAt, ORIGIN + 2000);
  assert.is(modelled.startedAt, ORIGIN + 2020);
  assert.equal([modelled.ttfbMs, modelled.ttftMs, modelled.ttfcMs, modelled.e2eMs, modelled.itlMs], [40, 100, 100, 180, [40, 40]]);
  // Connection set-up is the client machine's, not the modelled server's.
  assert.equal([modelled.connectMs, modelled.blockedMs], [0.4, 0.5]);
  assert.equal(measured, record());
  assert.is(time.perSec(100), 5);
  assert.not.ok(ModelledTime.REAL.scaled);
});

test('an open-loop row in modelled time: window × scale, rates ÷ scale, dispatch lag × scale and its shortfall judged on it', () => {
  const row: OpenLoadRow = {
    scenario: 'open',
    tags: {},
    label: 'open',
    windowMs: 1000,
    planned: 100,
    started: 100,
    dropped: 0,
    offeredPerSec: 100,
    achievedPerSec: 100,
    delivered: 1,
    maxVus: 10,
    dispatchLagP95Ms: 10,
    shortfall: null,
  };
  const modelled = new ModelledTime(20, ORIGIN).loadRow(row);
  assert.equal([modelled.windowMs, modelled.offeredPerSec, modelled.achievedPerSec, modelled.dispatchLagP95Ms], [20000, 5, 5, 200]);
  assert.match(modelled.shortfall ?? '', 'dispatch lag p95 200 ms');
  assert.is(row.shortfall, null);
});

test("a scrape's instant is stretched; the meta line names the timeline", () => {
  assert.equal(new ModelledTime(10, ORIGIN).scrape({ atMs: ORIGIN + 50, values: { a: 1 } }), { atMs: ORIGIN + 500, values: { a: 1 } });
  assert.is(modelledTimeOf({ timeScale: 20, timeOriginMs: ORIGIN }).scale, 20);
  assert.is(modelledTimeOf({ timeScale: 20 }), ModelledTime.REAL, 'no origin (a file written before it was kept): as measured');
  assert.is(modelledTimeOf({ timeScale: 1, timeOriginMs: ORIGIN }), ModelledTime.REAL);
});

test('the label: only for a scale other than 1', () => {
  assert.match(modelledTimeLabel(20) ?? '', "Times and rates are in the simulated server's time: this run ran 20× faster than real time");
  assert.is(modelledTimeLabel(1), null);
});

const row = (label: string, tpot: number | null, e2e: number, tokens: number): Parameters<typeof pacingNote>[1][number] => ({
  label,
  tpot: tpot === null ? null : { p50: tpot },
  e2e: { p50: e2e },
  avgOutputTokens: tokens,
});

test('pacing: a step below 1 ms of real time (or whole answers in one read) is said, with the scale to use instead', () => {
  // Seed 000's preset at 20×: a 17.8 ms step alone is 0.89 ms of real time.
  const note = pacingNote(20, [row('all', 42.7, 60_000, 1400), row('level 1', 17.8, 25_000, 1373), row('level 10', 43.6, 61_000, 1400)]);
  assert.match(note ?? '', 'At 20× its decode steps came 0.89 ms of real time apart (level 1)');
  assert.match(note ?? '', '--time-scale 17 or less');
  assert.is(pacingNote(10, [row('level 1', 17.8, 25_000, 1373)]), null, '1.78 ms of real time: paced');
  assert.is(pacingNote(1, [row('level 1', 0.2, 100, 500)]), null, 'real time: nothing to say');
  const coalesced = pacingNote(100, [row('level 1', 0, 5_000, 20)]);
  assert.match(coalesced ?? '', 'whole answers came in one read (level 1)');
  assert.match(coalesced ?? '', '--time-scale 250 or less');
  // Not streamed: no TPOT, the E2E per token decides.
  assert.match(pacingNote(100, [row('level 1', null, 400, 20)]) ?? '', '0.20 ms of real time apart');
});

test.run();
