/**
 * Rows per scenario, `name` tag and group, seed 001's mean/median/min/max
 * layout, the phase-to-phase change, and custom metrics: built from a
 * hand-made results.ndjson exactly as `llmload report` reads one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestRecord } from '../../core/client/types.js';
import { ResultsWriter } from '../../core/outputs/results-ndjson.js';
import { renderHtml } from '../../core/report/html.js';
import { renderMarkdown } from '../../core/report/markdown.js';
import { buildReportData, type ReportData } from '../../core/report/report-data.js';
import { buildReportDocument } from '../../core/report/report-document.js';
import { readResultsFile } from '../../core/report/results-file.js';
import { fixture, runCli } from '../helpers/cli.js';
import { makeRecord } from '../helpers/record-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-breakdown-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A successful request: `e2eMs` long with `tokens` output tokens, started at `at`. */
function request(scenario: string, at: number, e2eMs: number, tokens: number, tags: Record<string, string> = {}): RequestRecord {
  return makeRecord({ scenario, tags: { scenario, ...tags }, startedAt: at, scheduledAt: at, e2eMs, ttftMs: 100, ttfcMs: 100, outputTokens: tokens, itlMs: [] });
}

function sample(metric: string, metricType: string, value: number, tags: Record<string, string>, isTime = false): string {
  return JSON.stringify({ type: 'sample', metric, metricType, value, ...(isTime ? { isTime: true } : {}), tags });
}

async function reportOf(lines: string[]): Promise<ReportData> {
  const path = join(dir, `results-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(path, [JSON.stringify({ type: 'meta', format: 'llmload-results', version: 1, script: 'phases.ts' }), ...lines].join('\n') + '\n');
  return buildReportData(await readResultsFile(path));
}

// Seed 001's shape: an "initial" phase, then a "continuous" phase of four tasks (name tags), one inside a group.
const initial = [request('initial', 1000, 10_000, 200), request('initial', 1000, 12_000, 240), request('initial', 1000, 20_000, 400)];
const continuous = [
  request('continuous', 30_000, 40_000, 1000, { name: 'architecture-design' }),
  request('continuous', 30_000, 30_000, 600, { name: 'debugging', group: '::tasks' }),
  request('continuous', 30_000, 20_000, 400, { name: 'debugging', group: '::tasks' }),
  request('continuous', 30_000, 4_000, 80, { name: 'code-review' }),
];
const lines = [
  ...[...initial, ...continuous].map((r) => JSON.stringify(r)),
  sample('xml_size', 'trend', 100, { scenario: 'initial' }),
  sample('xml_size', 'trend', 300, { scenario: 'continuous', name: 'debugging', group: '::tasks' }),
  sample('xml_size', 'trend', 500, { scenario: 'continuous', name: 'debugging', group: '::tasks' }),
  sample('parse_time', 'trend', 1500, { scenario: 'continuous' }, true),
  sample('files_written', 'counter', 2, { scenario: 'continuous' }),
  sample('files_written', 'counter', 3, { scenario: 'initial' }),
  sample('valid_xml', 'rate', 1, { scenario: 'initial' }),
  sample('valid_xml', 'rate', 0, { scenario: 'initial' }),
  sample('checks', 'rate', 1, { scenario: 'initial', check: 'ok' }),
];

test('rows per scenario, name and group carry mean/median/min/max of E2E and tokens/s per request', async () => {
  const data = await reportOf(lines);
  const rows = data.breakdown!.rows;
  assert.equal(
    rows.map((r) => `${r.kind} ${r.scenario} ${r.label} ${r.row.requests}`),
    [
      'scenario initial initial 3',
      'scenario continuous continuous 4',
      'name continuous architecture-design 1',
      'name continuous debugging 2',
      'name continuous code-review 1',
      'group continuous tasks 2',
    ],
  );
  const first = rows[0]!;
  assert.equal(first.e2e, { count: 3, mean: 14_000, median: 12_000, min: 10_000, max: 20_000 });
  // 200 tokens / 10 s, 240 / 12 s, 400 / 20 s: 20 tok/s each.
  assert.equal(first.outputTokensPerSec, { count: 3, mean: 20, median: 20, min: 20, max: 20 });
  const debugging = rows.find((r) => r.label === 'debugging')!;
  assert.equal(debugging.e2e, { count: 2, mean: 25_000, median: 25_000, min: 20_000, max: 30_000 });
  assert.is(rows.find((r) => r.kind === 'group')!.e2e!.mean, 25_000);
});

test('two phases give a phase-to-phase change of mean time and tokens/s', async () => {
  const data = await reportOf(lines);
  const [change] = data.breakdown!.phaseChanges;
  assert.ok(change);
  assert.is(change.from, 'initial');
  assert.is(change.to, 'continuous');
  assert.is(change.fromE2eMeanMs, 14_000);
  assert.is(change.toE2eMeanMs, 23_500);
  assert.ok(Math.abs(change.timeChangePct - ((23_500 - 14_000) / 14_000) * 100) < 1e-9);
  // 25, 20, 20, 20 tok/s against 20, 20, 20.
  assert.is(change.toTokensPerSec, 21.25);
  assert.ok(Math.abs(change.tokensPerSecChangePct! - 6.25) < 1e-9);
  const md = renderMarkdown(buildReportDocument(data, []));
  assert.match(md, '**continuous vs initial**: +67.9 % time (1.68× slower; performance change −67.9 %): mean E2E');
});

test('one scenario has no phase change', async () => {
  const data = await reportOf(initial.map((r) => JSON.stringify(r)));
  assert.equal(data.breakdown!.phaseChanges, []);
  assert.not.match(renderMarkdown(buildReportDocument(data, [])), 'Per scenario, name and group');
});

test('custom metrics reach report.json overall and per row, typed, and leave builtin ones out', async () => {
  const data = await reportOf(lines);
  const custom = data.customMetrics!;
  assert.equal(
    custom.map((m) => [m.name, m.type, m.isTime]),
    [
      ['xml_size', 'trend', false],
      ['parse_time', 'trend', true],
      ['files_written', 'counter', false],
      ['valid_xml', 'rate', false],
    ],
  );
  const xml = custom[0]!;
  assert.equal(xml.overall, { type: 'trend', samples: 3, mean: 300, median: 300, min: 100, max: 500, p95: 480 });
  assert.equal(
    xml.rows.map((r) => `${r.kind} ${r.scenario} ${r.label} ${r.value.samples}`),
    ['scenario initial initial 1', 'scenario continuous continuous 2', 'name continuous debugging 2', 'group continuous tasks 2'],
  );
  assert.equal(custom[2]!.overall, { type: 'counter', samples: 2, total: 5 });
  assert.equal(custom[3]!.overall, { type: 'rate', samples: 2, rate: 0.5, passes: 1 });
});

test('report.md and report.html show the per-row tables and the custom metric tables, escaped in HTML', async () => {
  const data = await reportOf([...lines, JSON.stringify(request('continuous', 30_000, 1000, 20, { name: '<b>x</b>' }))]);
  const doc = buildReportDocument(data, []);
  const md = renderMarkdown(doc);
  assert.match(md, '## Per scenario, name and group');
  assert.match(md, '| scenario | requests | success | E2E mean | E2E median | E2E min | E2E max | tok/s mean | tok/s median | tok/s min | tok/s max |');
  assert.match(md, '| name | scenario | requests |');
  assert.match(md, '| tasks | continuous | 2 |');
  assert.match(md, '**xml_size** (trend):');
  assert.match(md, '| row | samples | mean | median | min | max | p95 |');
  assert.match(md, '| name debugging (continuous) | 2 | 400 | 400 | 300 | 500 | 490 |');
  assert.match(md, '**parse_time** (trend, time):');
  assert.match(md, '| all | 1 | 1.50s |');
  const html = await renderHtml(doc, []);
  assert.match(html, 'Per scenario, name and group');
  assert.not.match(html, '<b>x</b>');
  assert.match(html, '&lt;b&gt;x&lt;/b&gt;');
});

test('a time Trend written by the run reads back as time: isTime travels in its sample lines', async () => {
  const path = join(dir, 'written.ndjson');
  const writer = new ResultsWriter(path, { script: 'x.ts' });
  writer.writeBatch(
    [request('s', 1000, 500, 5)],
    [
      ['parse_time', 'trend', 250, { scenario: 's' }, true],
      ['xml_size', 'trend', 7, { scenario: 's' }, false],
    ],
  );
  await writer.close();
  assert.match(readFileSync(path, 'utf8'), '"value":250,"isTime":true,');
  assert.not.match(readFileSync(path, 'utf8'), '"value":7,"isTime"');
  const custom = buildReportData(await readResultsFile(path)).customMetrics!;
  assert.equal(
    custom.map((m) => [m.name, m.isTime]),
    [
      ['parse_time', true],
      ['xml_size', false],
    ],
  );
});

test('a two-phase run against the simulator reports its phases, names, group and custom Trend', async () => {
  const out = join(dir, 'phases');
  const run = await runCli(['run', fixture('report-phases.ts'), '--quiet', '--no-thresholds', '--report', out]);
  assert.is(run.code, 0, run.stderr);
  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
  assert.equal(
    data.breakdown!.rows.map((r) => `${r.kind} ${r.label} ${r.row.requests}`),
    ['scenario initial 2', 'scenario continuous 4', 'name architecture-design 2', 'name code-review 2', 'name debugging 2', 'group debugging 2'],
  );
  assert.ok(data.breakdown!.rows.every((r) => r.e2e !== null && r.outputTokensPerSec !== null && r.outputTokensPerSec.mean > 0));
  assert.equal(
    data.breakdown!.phaseChanges.map((c) => `${c.to} vs ${c.from}`),
    ['continuous vs initial'],
  );
  const chars = data.customMetrics!.find((m) => m.name === 'answer_chars')!;
  assert.is(chars.overall.samples, 4);
  assert.equal(
    chars.rows.map((r) => `${r.kind} ${r.label} ${r.value.samples}`),
    ['scenario initial 2', 'scenario continuous 2', 'name debugging 2', 'group debugging 2'],
  );
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, '**continuous vs initial**: ');
  assert.match(md, '**answer_chars** (trend):');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), 'Per scenario, name and group');
});

test.run();
