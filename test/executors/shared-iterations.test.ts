import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planSharedIterations } from '../../core/executors/shared-iterations.js';

const base = { startTimeMs: 2_000, gracefulStopMs: 15_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;
const common = { kind: 'closed', startMs: 2_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;

test('shared-iterations: all VUs at once, iterations shared, cut at maxDuration', () => {
  assert.equal(planSharedIterations('smoke', { ...base, executor: 'shared-iterations', vus: 10, iterations: 200, maxDurationMs: 60_000 }), {
    ...common,
    name: 'smoke',
    executor: 'shared-iterations',
    phases: [
      {
        tags: {},
        steps: [{ atMs: 0, vus: 10 }],
        durationMs: 60_000,
        gracefulStopMs: 15_000,
        gracefulRampDownMs: 0,
        iterations: { mode: 'shared', total: 200 },
        maxVus: 10,
      },
    ],
    maxTotalMs: 77_000,
  });
});

test.run();
