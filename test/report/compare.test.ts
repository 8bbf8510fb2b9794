import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestStatsRow } from '../../core/metrics/request-stats.js';
import { compareRuns, percentChange, type CompareRun } from '../../core/report/compare.js';
import { buildCompareDocument, formatChange, formatValue } from '../../core/report/compare-report.js';
import { renderMarkdown } from '../../core/report/markdown.js';

test("% change and direction: seed 004's table 4.3", () => {
  const throughput = percentChange(1172.5, 2397.85, 'higher')!;
  assert.is(throughput.percent.toFixed(1), '104.5');
  assert.is(throughput.verdict, 'better');
  assert.is(formatChange(throughput), '+104.5% (better)');
  const latency = percentChange(4853.96, 3380.91, 'lower')!;
  assert.is(formatChange(latency), '-30.3% (better)');
  assert.is(formatChange(percentChange(1580.47, 1854.7, 'higher')), '+17.4% (better)');
  assert.is(formatChange(percentChange(3744.57, 1933.36, 'lower')), '-48.4% (better)');
  assert.is(formatChange(percentChange(100, 120, 'lower')), '+20.0% (worse)');
  assert.is(formatChange(percentChange(100, 90, 'higher')), '-10.0% (worse)');
  assert.is(formatChange(percentChange(100, 100, 'higher')), '0.0% (same)');
  assert.is(percentChange(0, 5, 'higher'), null, 'no % change from a zero baseline');
  assert.is(percentChange(null, 5, 'higher'), null);
  assert.is(formatValue(2397.85, 'tok/s'), '2397.85 tok/s');
  assert.is(formatValue(3380.91, 'ms'), '3380.91 ms');
});

function row(users: number, rps: number, e2eP50: number): RequestStatsRow {
  const lat = { count: 1, avg: e2eP50, min: e2eP50, max: e2eP50, std: 0, p50: e2eP50, p90: e2eP50, p95: e2eP50, p99: e2eP50, approximate: false };
  return {
    tags: { scenario: 'sweep', level: String(users) },
    users,
    requests: 10,
    successful: 10,
    failed: 0,
    interrupted: 0,
    successRate: 1,
    failures: {},
    window: { startMs: 0, endMs: 1000, durationMs: 1000 },
    requestsPerSec: rps,
    outputTokensPerSec: rps * 100,
    totalTokensPerSec: rps * 110,
    goodputPerSec: null,
    averageConcurrency: null,
    outputTokens: 1000,
    inputTokens: 100,
    cachedTokens: 0,
    avgOutputTokens: 100,
    avgOutputChars: 400,
    tokensEstimated: false,
    e2e: lat,
    ttft: lat,
    itl: null,
    tpot: null,
  };
}

function run(label: string, levels: Array<[number, number, number]>, script = 'sweep.ts', model = 'Qwen/Qwen2.5-14B-Instruct'): CompareRun {
  const rows = levels.map(([u, rps, e2e]) => ({ scenario: 'sweep', label: String(u), users: u, row: row(u, rps, e2e) }));
  return { label, source: label, script, model, levels: rows, stages: [], total: row(0, 10, 100), saturation: null, capacityPerHour: null };
}

test('levels match by value; a level only one run has is shown with a gap and a warning', () => {
  const comparison = compareRuns([run('baseline', [[2, 10, 4853.96], [192, 11.725, 14950]]), run('optimized', [[2, 15, 3380.91], [512, 23.9785, 14630]])]);
  assert.equal(
    comparison.groups.map((g) => [g.group, g.presentIn]),
    [
      ['level 2', [true, true]],
      ['level 192', [true, false]],
      ['level 512', [false, true]],
      ['whole run', [true, true]],
    ],
  );
  const e2e = comparison.rows.find((r) => r.group === 'level 2' && r.metric === 'E2E p50')!;
  assert.equal(e2e.values, [4853.96, 3380.91]);
  assert.is(formatChange(e2e.changes[1]!), '-30.3% (better)');
  const gap = comparison.rows.find((r) => r.group === 'level 512' && r.metric === 'Request throughput')!;
  assert.equal(gap.values, [null, 23.9785]);
  assert.is(gap.changes[1], null);
  assert.match(comparison.warnings.join('\n'), 'level 192 (only baseline)');
  assert.match(comparison.warnings.join('\n'), 'level 512 (only optimized)');
  const peak = comparison.headline.find((r) => r.metric === 'Max output throughput')!;
  assert.equal(peak.notes, ['at 192', 'at 512']);
  assert.is(formatChange(peak.changes[1]!), '+104.5% (better)');
});

test("the Markdown keeps seed 004's layout: | Level | Metric | Baseline | Candidate | Change |", () => {
  const comparison = compareRuns([run('baseline', [[2, 10, 4853.96]]), run('optimized', [[2, 15, 3380.91]])]);
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| Level | Metric | baseline | optimized | Change |');
  assert.match(md, '| level 2 | E2E p50 | 4853.96 ms | 3380.91 ms | -30.3% (better) |');
  assert.match(md, '| level 2 | Request throughput | 10.00 req/s | 15.00 req/s | +50.0% (better) |');
  assert.not.match(md, 'Warning');
});

test('different scripts or models are allowed, with a warning; three runs compare against the first', () => {
  const comparison = compareRuns([run('a', [[1, 10, 100]]), run('b', [[1, 12, 90]], 'other.ts'), run('c', [[1, 8, 120]], 'sweep.ts', 'meta-llama/Llama-3.1-8B')]);
  assert.match(comparison.warnings[0]!, 'different scripts (sweep.ts, other.ts)');
  assert.match(comparison.warnings[1]!, 'different models');
  const rps = comparison.rows.find((r) => r.group === 'level 1' && r.metric === 'Request throughput')!;
  assert.equal(rps.changes.map((c) => (c === null ? null : formatChange(c))), [null, '+20.0% (better)', '-20.0% (worse)']);
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| Level | Metric | a | b | Change (b) | c | Change (c) |');
  assert.match(md, '**Warning:** The runs come from different scripts');
  assert.throws(() => compareRuns([run('a', [])]), /at least two runs/);
});

test.run();
