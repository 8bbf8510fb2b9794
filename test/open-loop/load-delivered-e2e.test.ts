/**
 * An open-loop run that cannot deliver its load (2 VUs at most, each request ~0.5 s on the
 * simulator, an arrival every 50–100 ms): the drops are certain whatever the machine's load,
 * and every output says the load was not delivered.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenLoadRow } from '../../core/metrics/load-delivery.js';
import type { ReportData } from '../../core/report/report-data.js';
import type { SummaryExport } from '../../core/outputs/summary-export.js';
import { fixture, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-delivered-'));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('dropped arrivals: the summary headline, the load table, report.md/json, the GitHub step summary, a rebuilt report and compare all say the load was not delivered', async () => {
  const short = join(dir, 'short');
  const stepSummary = join(dir, 'step-summary.md');
  const run = await runCli(['run', fixture('open-undelivered.ts'), '--report', short, '--summary-export', join(dir, 'short.json')], {
    env: { GITHUB_STEP_SUMMARY: stepSummary },
  });
  const output = run.stdout + run.stderr;
  assert.is(run.code, 0, output);
  const summary = JSON.parse(readFileSync(join(dir, 'short.json'), 'utf8')) as SummaryExport;
  const rows = summary.llmload.load!;
  // 10 → 20/s over 1 s (15 arrivals), then 20/s for 1 s (20): every planned arrival is started or dropped.
  assert.equal(
    rows.map((r) => [r.label, r.planned, r.offeredPerSec]),
    [
      ['stage 0', 15, 15],
      ['stage 1', 20, 20],
    ],
  );
  for (const r of rows) assert.is(r.started + r.dropped, r.planned, `${r.label}: started + dropped = planned`);
  const started = rows.reduce((n, r) => n + r.started, 0);
  const dropped = rows.reduce((n, r) => n + r.dropped, 0);
  assert.ok(dropped > 17, `more than half dropped: ${dropped} of 35`);
  assert.is(summary.metrics['dropped_iterations']!.values['count'], dropped, 'the same drops as dropped_iterations');
  assert.is(summary.metrics['llm_load_delivered']!.values['rate'], started / 35);
  for (const r of rows) assert.is(r.achievedPerSec, r.started / (r.windowMs / 1000));
  // On a very busy machine the late dispatch may be named too, between the drops and the conclusion.
  const headline = `LOAD NOT DELIVERED — ${dropped} of 35 arrivals (${Math.round((dropped / 35) * 100)} %) were dropped (maxVUs 2 reached)`;
  assert.match(output, headline);
  assert.match(output, 'the figures describe a lighter load than planned');
  assert.match(output, '█ OPEN-LOOP LOAD');
  assert.match(output, /open {6}stage 1 {6}20\.00 +\d+\.\d\d +20 +\d+ +\d+ .* NOT DELIVERED/);
  assert.match(output, 'open stage 1: did not hold the offered rate:');

  const md = readFileSync(join(short, 'report.md'), 'utf8');
  assert.match(md, `> **LOAD NOT DELIVERED** — ${headline.slice('LOAD NOT DELIVERED — '.length)}`);
  assert.match(md, 'the figures describe a lighter load than planned.');
  assert.match(md, '| scenario | row | offered/s | achieved/s | planned | started | dropped | delivered | lag p95 | load |');
  assert.match(md, /\| open \| stage 0 \| 15\.00 \| \d+\.\d\d \| 15 \|/);
  assert.match(md, '**No capacity figure:**');
  assert.match(readFileSync(stepSummary, 'utf8'), `> **LOAD NOT DELIVERED** — ${headline.slice('LOAD NOT DELIVERED — '.length)}`);
  assert.not.match(md, 'Observed capacity', 'no capacity advice from a load that was not delivered');
  const json = JSON.parse(readFileSync(join(short, 'report.json'), 'utf8')) as ReportData;
  assert.equal(
    json.load.map((r: OpenLoadRow) => [r.label, r.started, r.dropped]),
    rows.map((r) => [r.label, r.started, r.dropped]),
  );
  assert.match(json.loadShortfall ?? '', `${dropped} of 35 arrivals`);

  // The report is rebuilt from results.ndjson alone, load table and verdict included.
  const rebuilt = join(dir, 'rebuilt');
  const report = await runCli(['report', join(short, 'results.ndjson'), '--out', rebuilt]);
  assert.is(report.code, 0, report.stdout + report.stderr);
  const again = readFileSync(join(rebuilt, 'report.md'), 'utf8');
  const section = (text: string): string => text.slice(text.indexOf('Open-loop load per row:'), text.indexOf('## Recommendations'));
  assert.ok(section(md).length > 100);
  assert.is(section(again), section(md));
  assert.match(again, '> **LOAD NOT DELIVERED**');

  // compare: the open-loop rows side by side, and a warning on the run that fell short.
  const full = join(dir, 'full');
  const delivered = await runCli(['run', fixture('open-undelivered.ts'), '--report', full], { env: { MAXVUS: '40' } });
  assert.is(delivered.code, 0, delivered.stdout + delivered.stderr);
  const cmp = join(dir, 'cmp');
  const compared = await runCli(['compare', full, short, '--label', 'full', '--label', 'short', '--out', cmp]);
  assert.is(compared.code, 0, compared.stdout + compared.stderr);
  const text = readFileSync(join(cmp, 'compare.md'), 'utf8');
  assert.match(text, `short: LOAD NOT DELIVERED — ${dropped} of 35 arrivals`);
  // A stage's open-loop figures sit in the stage's own rows, beside its request figures.
  assert.match(text, /\| open stage 1 \| Dropped arrivals \| 0 \| \d+ \|/);
  assert.match(text, /\| open stage 1 \| Offered rate \| 20\.00 req\/s \| 20\.00 req\/s \| 0\.0% \(same\) \|/);
});

test("llm_load_delivered: ['rate>0.99'] fails a run that dropped arrivals: exit 99", async () => {
  const run = await runCli(['run', fixture('open-undelivered.ts'), '--no-report'], { env: { EXECUTOR: 'constant', THRESHOLD: '1' } });
  const output = run.stdout + run.stderr;
  assert.is(run.code, 99, output);
  assert.match(output, /✗ 'rate>0\.99' rate=\d+(\.\d+)?%/);
  assert.match(output, /LOAD NOT DELIVERED — \d+ of 30 arrivals/);
});

test.run();
