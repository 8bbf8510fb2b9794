/**
 * A comparison written out: compare.md (seed 004's table 4.3 layout:
 * `| Level | Metric | Baseline | Candidate | Change |`), compare.html (the same
 * with interactive overlay charts), compare.json (the Comparison), and
 * charts/compare-*.vl.json + .svg overlaying the runs.
 */
import { join } from 'node:path';
import { VEGA_LITE_SCHEMA, throughputSpec, type ChartSpec } from './charts.js';
import type { Change, CompareRow, CompareRun, Comparison, Unit } from './compare.js';
import { RELATIVE_FLOOR } from './compare-noise.js';
import { b, h, note, p, table, ul, type Block, type ReportDocument } from './document.js';
import { fmtCount, fmtRate } from './format.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { shortModelName } from './model-name.js';
import { ensureDir, write } from './output-file.js';
import { writeChart } from './write-report.js';

/** A value with its unit, precise enough that a reader's own % change agrees with the table's. */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'req/s':
      return `${fmtRate(value)} req/s`;
    case 'tok/s':
      return `${value.toFixed(2)} tok/s`;
    case 'ms':
      return `${value.toFixed(2)} ms`;
    case '%':
      return `${value.toFixed(2)}%`;
    case 'req/h':
      return `${fmtCount(value)} req/h`;
    case 'count':
      return fmtCount(value);
    case 'users':
      return `${fmtCount(value)} users`;
    case 'J/tok':
      return `${value.toFixed(3)} J/tok`;
    case 'W':
      return `${value.toFixed(0)} W`;
  }
}

/**
 * `+104.5% (2.05× higher, better)`, `-97.1% (34.91× faster, better)`, `+0.4% (same: within ±2.1%)`, `0.0% (same)`;
 * `not comparable (0 ms: coalesced reads)`; '—' without a change. Times (unit ms) are faster or slower, other figures higher or lower.
 */
export function formatChange(change: Change | null, notComparable: string | null = null, unit: Unit | null = null): string {
  if (notComparable !== null) return `not comparable (${notComparable})`;
  if (change === null) return '—';
  if (Math.abs(change.percent) < 0.05) return '0.0% (same)';
  const text = `${change.percent > 0 ? '+' : '-'}${Math.abs(change.percent).toFixed(1)}%`;
  if (change.verdict === 'same') return `${text} (same: within ±${change.bandPercent.toFixed(1)}%)`;
  const way = unit === 'ms' ? (change.percent < 0 ? 'faster' : 'slower') : change.percent > 0 ? 'higher' : 'lower';
  return change.factor === null ? `${text} (${change.verdict})` : `${text} (${change.factor.toFixed(2)}× ${way}, ${change.verdict})`;
}

function header(comparison: Comparison, first: string): string[] {
  const runs = comparison.runs;
  const cols = [first, 'Metric', runs[0]!.label];
  for (let i = 1; i < runs.length; i++) cols.push(runs[i]!.label, runs.length === 2 ? 'Change' : `Change (${runs[i]!.label})`);
  return cols;
}

function cells(row: CompareRow, first: string): string[] {
  const out = [first, row.metric, withNote(formatValue(row.values[0] ?? null, row.unit), row.notes?.[0] ?? null)];
  for (let i = 1; i < row.values.length; i++)
    out.push(withNote(formatValue(row.values[i] ?? null, row.unit), row.notes?.[i] ?? null), formatChange(row.changes[i] ?? null, row.notComparable?.[i] ?? null, row.unit));
  return out;
}

function withNote(text: string, extra: string | null): string {
  return extra === null || text === '—' ? text : `${text} (${extra})`;
}

export function buildCompareDocument(comparison: Comparison, charts: readonly ChartSpec[]): ReportDocument {
  const runs = comparison.runs;
  const title = `Comparison: ${runs.map((r) => r.label).join(' vs ')}`;
  const blocks: Block[] = [h(1, title)];
  for (const warning of comparison.warnings) blocks.push(note(b('Warning: '), warning));
  blocks.push(
    p(
      `Baseline: ${runs[0]!.label}. Change = (candidate − baseline) ÷ baseline × 100, and the factor beside it = the larger figure ÷ the smaller; capacity, throughput, goodput and success are better higher, times better lower. A capacity is better only when it reaches the load where the other search stopped passing.`,
    ),
  );
  blocks.push(
    p(
      `Noise band: a change is "same" unless it is larger than both ${(RELATIVE_FLOOR * 100).toFixed(0)}% of the baseline and 1.96 × √(SE₁² + SE₂²), the 95% band of the two runs' own sampling errors. Each SE comes from that run's requests: σ ÷ √n for a mean, σ × √(q(1 − q) ÷ n) ÷ φ(z_q) for a percentile q, the spread of an extreme of n draws for min, max and total time, the mean E2E's relative error for a throughput (concurrency ÷ mean E2E), the binomial error for success. Changes inside the band are run-to-run noise, not a better or worse server.`,
    ),
  );
  blocks.push(h(2, 'Runs'));
  blocks.push(
    table(
      ['Run', 'Source', 'Script', 'Model'],
      runs.map((r) => [r.label, r.source, r.script ?? '-', r.model === null ? '-' : shortModelName(r.model)]),
      ['left', 'left', 'left', 'left'],
    ),
  );
  if (comparison.setup.length > 0) {
    const differing = comparison.setup.filter((s) => s.differs).length;
    blocks.push(h(2, 'Setup'));
    blocks.push(
      p(
        differing === 0
          ? 'The runs declare and publish the same setup.'
          : `${differing} of ${comparison.setup.length} setup items differ between the runs (marked ≠): the changes below are theirs as much as the load's.`,
      ),
    );
    blocks.push(
      table(
        ['Item', ...runs.map((r) => r.label), ''],
        comparison.setup.map((s) => [s.item, ...s.values.map((v) => v ?? '-'), s.differs ? '≠' : '']),
        ['left', ...runs.map(() => 'left' as const), 'left'],
      ),
    );
  }
  blocks.push(h(2, 'Improvement summary'));
  blocks.push(
    table(
      header(comparison, 'Scope'),
      comparison.headline.map((row) => cells(row, row.group)),
      header(comparison, '').map((_, i) => (i < 2 ? 'left' : 'right')),
    ),
  );
  const tally: string[][] = [];
  for (let i = 1; i < runs.length; i++) {
    const changes = comparison.rows.map((r) => r.changes[i]).filter((c): c is Change => c !== null && c !== undefined);
    const apart = comparison.rows.filter((r) => (r.notComparable?.[i] ?? null) !== null).length;
    const changed = changes.filter((c) => c.verdict === 'changed').length;
    tally.push([
      `${runs[i]!.label}: ${changes.filter((c) => c.verdict === 'better').length} better, ${changes.filter((c) => c.verdict === 'worse').length} worse, ${changes.filter((c) => c.verdict === 'same').length} same (within the noise band)${changed > 0 ? `, ${changed} changed (a plan figure)` : ''} of ${changes.length} matched figures${apart > 0 ? `; ${apart} not comparable (a 0 or missing latency)` : ''}`,
    ]);
  }
  blocks.push(ul(tally));
  blocks.push(h(2, comparison.groups.some((g) => g.kind !== 'level' && g.kind !== 'total') ? 'Per level, scenario, name and group' : 'Per level'));
  blocks.push(
    table(
      header(comparison, comparison.groups.every((g) => g.kind === 'level' || g.kind === 'total') ? 'Level' : 'Row'),
      comparison.rows.map((row) => cells(row, row.group)),
      header(comparison, '').map((_, i) => (i < 2 ? 'left' : 'right')),
    ),
  );
  const missing = comparison.groups.filter((g) => g.presentIn.some((x) => !x));
  if (missing.length > 0) blocks.push(p('— marks a level a run did not have (or a figure it could not compute).'));
  if (charts.length > 0) {
    blocks.push(h(2, 'Charts'));
    for (const chart of charts) blocks.push({ kind: 'chart', name: chart.name, title: chart.title });
  }
  return { title, blocks };
}

/** Overlays of the runs: throughput and latency per level, one colour per run. */
export function compareCharts(runs: readonly CompareRun[]): ChartSpec[] {
  if (!runs.some((r) => r.levels.length > 0)) return [];
  const throughput = runs.flatMap((run) =>
    run.levels.flatMap((l) => [
      { run: run.label, level: l.users ?? Number(l.label), metric: 'requests/s', value: l.row.requestsPerSec },
      { run: run.label, level: l.users ?? Number(l.label), metric: 'output tokens/s', value: l.row.outputTokensPerSec },
    ]),
  );
  const latency = runs.flatMap((run) =>
    run.levels.flatMap((l) =>
      (
        [
          ['E2E p50', l.row.e2e?.p50],
          ['E2E p95', l.row.e2e?.p95],
          ['TTFT p95', l.row.ttft?.p95],
        ] as const
      ).map(([metric, ms]) => ({ run: run.label, level: l.users ?? Number(l.label), metric, ms: ms ?? null })),
    ),
  );
  const through = throughputSpec('compare-throughput', throughput, 'concurrent users', { field: 'run', title: 'run' });
  const latencySpec: ChartSpec = {
    name: 'compare-latency',
    title: 'Latency vs concurrent users',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: 'Latency vs concurrent users',
      background: 'white',
      data: { values: latency },
      facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['E2E p50', 'E2E p95', 'TTFT p95'] } },
      spec: {
        width: 200,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'level', type: 'quantitative', title: 'concurrent users', scale: { zero: false } },
          y: { field: 'ms', type: 'quantitative', title: 'ms' },
          color: { field: 'run', type: 'nominal', title: 'run' },
          tooltip: [
            { field: 'run', type: 'nominal' },
            { field: 'level', type: 'quantitative' },
            { field: 'metric', type: 'nominal' },
            { field: 'ms', type: 'quantitative', format: ',.1f' },
          ],
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
  return [{ ...through, title: 'Throughput vs concurrent users' }, latencySpec];
}

export interface WrittenComparison {
  dir: string;
  markdown: string;
  html: string;
  json: string;
  text: string;
}

export async function writeComparison(runs: readonly CompareRun[], comparison: Comparison, dir: string, redact: (text: string) => string = (t) => t): Promise<WrittenComparison> {
  const charts = compareCharts(runs);
  const doc = buildCompareDocument(comparison, charts);
  await ensureDir(join(dir, 'charts'));
  for (const chart of charts) await writeChart(join(dir, 'charts'), chart, redact);
  const text = redact(renderMarkdown(doc));
  const paths = { markdown: join(dir, 'compare.md'), html: join(dir, 'compare.html'), json: join(dir, 'compare.json') };
  await write(paths.markdown, text);
  await write(paths.html, await renderHtml(doc, charts, redact));
  await write(paths.json, redact(JSON.stringify(comparison, null, 2) + '\n'));
  return { dir, ...paths, text };
}
