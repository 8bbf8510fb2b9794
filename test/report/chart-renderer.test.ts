/**
 * The chart thread draws what this thread draws: the same SVGs, the same
 * errors, the same report folder; and a report only gets one where it pays.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = mkdtempSync(join(tmpdir(), 'llmload-chart-thread-'));
// Before anything reads it (the thread takes this process's environment): a cache folder of the test's own.
process.env['XDG_CACHE_HOME'] = join(root, 'cache');

const { chartRendererThread, inProcessChartRenderer, THREAD_MIN_RESULT_BYTES, wantsChartThread } = await import('../../core/report/chart-renderer.js');
const { distributionChart, throughputSpec } = await import('../../core/report/charts.js');
const { LlmloadError } = await import('../../core/errors.js');
const { writeReportFromResults } = await import('../../core/report/write-report.js');
const { makeFailure, makeRecord } = await import('../helpers/record-fixture.js');

test.after(() => rmSync(root, { recursive: true, force: true }));

test('a thread only for results large enough, with more than one CPU, on a machine with a CPU to spare', () => {
  const big = THREAD_MIN_RESULT_BYTES;
  assert.is(wantsChartThread({ resultBytes: big, cpus: 2, loadAverage: 0.5 }), true);
  assert.is(wantsChartThread({ resultBytes: big, cpus: 2, loadAverage: 1.9 }), true);
  assert.is(wantsChartThread({ resultBytes: big - 1, cpus: 16, loadAverage: 0 }), false);
  assert.is(wantsChartThread({ resultBytes: big * 10, cpus: 1, loadAverage: 0 }), false);
  assert.is(wantsChartThread({ resultBytes: big * 10, cpus: 2, loadAverage: 2 }), false);
  assert.is(wantsChartThread({ resultBytes: big * 10, cpus: 2, loadAverage: 9.5 }), false);
  assert.is(wantsChartThread({ resultBytes: big * 10, cpus: 16, loadAverage: 12 }), true);
});

const charts = [
  distributionChart('ttft-distribution', 'TTFT distribution', 'TTFT (ms)', [
    { group: 'a', values: [12.5, 13, 40.25, 41, 90] },
    { group: 'b', values: [5, 7.75, 8] },
  ]),
  throughputSpec(
    'throughput',
    [1, 2, 4].flatMap((level) => [
      { scenario: 's', level, metric: 'requests/s', value: level * 1.5 },
      { scenario: 's', level, metric: 'output tokens/s', value: level * 120.25 },
    ]),
    'concurrent users',
  ),
];

async function drawAll(renderer: ReturnType<typeof inProcessChartRenderer>, specs: typeof charts): Promise<Array<string | { code: string; message: string }>> {
  try {
    return await Promise.all(
      specs.map((c) =>
        renderer.svg(c.name, c.spec).catch((error: unknown) => {
          assert.instance(error, LlmloadError);
          return { code: (error as InstanceType<typeof LlmloadError>).code, message: (error as Error).message };
        }),
      ),
    );
  } finally {
    await renderer.close();
  }
}

test('the thread draws the SVGs this thread draws, and fails a chart with the same error', async () => {
  const bad = { name: 'bad', title: 'bad', spec: { data: { values: [{ a: 1 }] }, mark: 'no-such-mark', encoding: { x: { field: 'a', type: 'quantitative' } } } };
  const here = await drawAll(inProcessChartRenderer(), [...charts, bad]);
  const there = await drawAll(chartRendererThread(), [...charts, bad]);
  assert.ok(typeof here[0] === 'string' && here[0].startsWith('<svg'), 'an SVG');
  assert.equal(there, here);
  assert.equal(there[2], { code: 'LL_ERR_ENGINE', message: (here[2] as { message: string }).message });
  assert.match((here[2] as { message: string }).message, /^chart bad: /);
});

test('a report folder written with its charts drawn on the thread is the one written without', async () => {
  const results = join(root, 'raw.ndjson');
  const records = Array.from({ length: 40 }, (_, i) =>
    i % 9 === 4
      ? makeFailure('http_5xx', { startedAt: 1000 + i * 150, vu: 1 + (i % 4) })
      : makeRecord({ startedAt: 1000 + i * 150, vu: 1 + (i % 4), ttftMs: 80 + i, e2eMs: 480 + i * 3 }),
  );
  writeFileSync(results, [JSON.stringify({ type: 'meta', format: 'llmload-results', version: 1 }), ...records.map((r) => JSON.stringify(r))].join('\n') + '\n');
  const here = join(root, 'here');
  const there = join(root, 'there');
  await writeReportFromResults(results, here, { cwd: root });
  const thread = chartRendererThread();
  await writeReportFromResults(results, there, { cwd: root, charts: thread });
  await thread.close();
  const files = (dir: string): string[] => [...readdirSync(dir).filter((f) => f.startsWith('report.')), ...readdirSync(join(dir, 'charts')).map((f) => join('charts', f))].sort();
  assert.equal(files(there), files(here));
  assert.ok(files(here).some((f) => f.endsWith('.svg')));
  for (const file of files(here)) {
    const text = (dir: string, name: string): string => readFileSync(join(dir, file), 'utf8').replaceAll(`--out ${name}`, '--out DIR');
    assert.is(text(there, 'there'), text(here, 'here'), file);
  }
});

test.run();
