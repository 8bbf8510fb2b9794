import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planPerVuIterations } from '../../core/executors/per-vu-iterations.js';

const base = { startTimeMs: 2_000, gracefulStopMs: 15_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;
const common = { kind: 'closed', startMs: 2_000, exec: 'chat', tags: { t: '1' }, env: { E: '1' } } as const;

test('per-vu-iterations: each VU runs exactly its iterations', () => {
  assert.equal(planPerVuIterations('each', { ...base, executor: 'per-vu-iterations', vus: 4, iterations: 3, maxDurationMs: 600_000 }), {
    ...common,
    name: 'each',
    executor: 'per-vu-iterations',
    phases: [
      {
        tags: {},
        steps: [{ atMs: 0, vus: 4 }],
        durationMs: 600_000,
        gracefulStopMs: 15_000,
        gracefulRampDownMs: 0,
        iterations: { mode: 'per-vu', perVu: 3 },
        maxVus: 4,
      },
    ],
    maxTotalMs: 617_000,
  });
});

test.run();
