import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { renderGroupTable } from '../../core/outputs/level-table.js';
import { makeRecord } from '../helpers/record-fixture.js';

/** A sweep shaped like seed 000: levels 1, 2, 5, 10, each request ~25-63 s. */
function seedLikeRows(estimate = false) {
  const registry = new MetricsRegistry();
  const levels: Array<[number, number]> = [
    [1, 25_100],
    [2, 27_900],
    [5, 43_500],
    [10, 62_900],
  ];
  let start = 0;
  for (const [users, e2e] of levels) {
    for (let vu = 0; vu < users; vu++) {
      registry.addRecord(
        makeRecord({
          tags: { scenario: 'sweep', level: String(users) },
          vu,
          startedAt: start,
          e2eMs: e2e,
          ttftMs: 512.3,
          outputTokens: 400,
          tokensSource: estimate ? 'estimate' : 'usage',
          itlMs: [60, 62, 64],
        }),
      );
    }
    start += 100_000;
  }
  return registry.groupRows('level');
}

test('one row per level, like seed 000', () => {
  assert.equal(renderGroupTable(seedLikeRows()), [
    'users  requests  success  req/s  output tok/s  E2E p50  E2E p95  E2E p99  TTFT p50  TTFT p95  ITL p50',
    '    1         1     100%   0.04          15.9    25.1s    25.1s    25.1s     512ms     512ms   62.0ms',
    '    2         2     100%   0.07          28.7    27.9s    27.9s    27.9s     512ms     512ms   62.0ms',
    '    5         5     100%   0.11          46.0    43.5s    43.5s    43.5s     512ms     512ms   62.0ms',
    '   10        10     100%   0.16          63.6    62.9s    62.9s    62.9s     512ms     512ms   62.0ms',
  ]);
});

test('Markdown form and the estimated-tokens note', () => {
  const lines = renderGroupTable(seedLikeRows(true).slice(0, 1), { format: 'markdown' });
  assert.equal(lines, [
    '| users | requests | success | req/s | output tok/s* | E2E p50 | E2E p95 | E2E p99 | TTFT p50 | TTFT p95 | ITL p50 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    '| 1 | 1 | 100% | 0.04 | 15.9 | 25.1s | 25.1s | 25.1s | 512ms | 512ms | 62.0ms |',
    '',
    '* token counts estimated: the server reported no usage',
  ]);
});

test('a scenario column appears when rows come from several scenarios', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord({ tags: { scenario: 'a', level: '1' } }));
  registry.addRecord(makeRecord({ tags: { scenario: 'b', level: '1' } }));
  const [header, first] = renderGroupTable(registry.groupRows('level'));
  assert.ok(header?.startsWith('scenario  users  requests'));
  assert.ok(first?.startsWith('a             1         1'));
  assert.equal(renderGroupTable([]), []);
});

test.run();
