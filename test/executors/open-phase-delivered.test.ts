/** Every arrival of an open phase is a llm_load_delivered sample: 1 started, 0 dropped, even when the phase ends before the timer got to it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenPhase, nowEpochMs } from '../../core/workers/open-phase.js';
import type { SampleTuple, StartOpenPhaseMsg } from '../../core/workers/messages.js';

test('arrivals that came due while the event loop was blocked, and the phase then ended, count as dropped', () => {
  const samples: SampleTuple[] = [];
  const msg: StartOpenPhaseMsg = {
    cmd: 'START_OPEN_PHASE',
    phaseId: 1,
    scenario: 'open',
    exec: 'default',
    tags: { team: 'a' },
    env: {},
    // 10 arrivals 10 ms apart, the first 500 ms from now (so none is due yet when start() runs, even on a busy machine).
    arrivals: { segments: [{ durationMs: 100, fromPerSec: 100, toPerSec: 100 }], distribution: 'uniform', burstiness: 1, seed: 0, uniformFirst: 'start' },
    startEpochMs: nowEpochMs() + 500,
    durationMs: 100,
    slot: 0,
    slots: 1,
    preAllocatedVus: 0,
    maxVus: 1,
    stageTags: false,
    measure: null,
    share: null,
  };
  let done = false;
  const phase = new OpenPhase(msg, {
    createVu: () => {
      throw new Error('no arrival may start: the event loop is blocked until the end');
    },
    iterate: () => Promise.resolve(),
    sample: (sample) => samples.push(sample),
    vusAllocated: () => {},
    done: () => (done = true),
  });
  phase.start();
  // Block the event loop past the schedule's end: the timer never fires before END_PHASE.
  const until = msg.startEpochMs + 150;
  while (nowEpochMs() < until) {
    /* blocked */
  }
  phase.end(0);
  assert.ok(done);
  assert.is(phase.started, 0);
  assert.is(phase.dropped, 10, 'every due arrival is accounted for, none silently skipped');
  const delivered = samples.filter((s) => s[0] === 'llm_load_delivered');
  assert.is(delivered.length, 10);
  assert.ok(delivered.every((s) => s[1] === 'rate' && s[2] === 0));
  assert.equal(delivered[0]![3], { team: 'a', scenario: 'open' });
  assert.is(samples.filter((s) => s[0] === 'dropped_iterations').length, 10);
});

test.run();
