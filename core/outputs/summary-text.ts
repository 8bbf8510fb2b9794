/**
 * The end-of-test summary printed on stdout, laid out like k6's (v1):
 * the target, █ THRESHOLDS (✓/✗, expression, observed value, per metric),
 * █ TOTAL RESULTS (checks, then LLM, THROUGHPUT, EXECUTION and CUSTOM metric
 * lines with dot leaders and aligned statistics), then one table per sweep
 * level, per stage, and per scenario when there are several.
 *
 * It renders from the k6-shaped export only, so a script's handleSummary can
 * print the same text from the data it receives.
 */
import { builtinMetric, DERIVED_METRICS, LLM_INPUT_TOKENS, LLM_OUTPUT_TOKENS, LLM_OUTPUT_TPS } from '../metrics/builtin.js';
import { DELAY_P99_LIMIT_MS, loadGeneratorHeadline, type LoadGeneratorSummary } from '../metrics/load-generator.js';
import type { ThresholdResult } from '../thresholds/types.js';
import { moreRequestsText, thresholdHeadline, thresholdOutcome } from '../thresholds/verdict-words.js';
import { describeNotRun } from '../executors/not-run.js';
import { palette, visibleLength, type Palette } from './color.js';
import { formatNumber, formatPercent, humanizeDuration } from './humanize.js';
import { loadShortfall } from '../metrics/load-delivery.js';
import { modelledTimeLabel, pacingNote } from '../metrics/modelled-time.js';
import { renderGroupTable } from './level-table.js';
import { describeKnownRow } from '../metrics/known-rows.js';
import { renderLoadTable } from './load-table.js';
import type { SummaryData } from './summary-data.js';
import { isSummaryExport, sectionOf, summaryExport, type K6Group, type K6Metric, type SummaryExport } from './summary-export.js';

export interface RenderSummaryOptions {
  /** ANSI colors (decide with shouldUseColor); default off. */
  color?: boolean;
  /** Statistics per trend line; default the data's options.summaryTrendStats. */
  trendStats?: readonly string[];
}

const INDENT = '    ';
const TOKEN_METRICS = new Set([LLM_OUTPUT_TOKENS, LLM_INPUT_TOKENS, LLM_OUTPUT_TPS]);
const SECTION_TITLES: ReadonlyArray<readonly [string, string]> = [
  ['llm', 'LLM'],
  ['execution', 'EXECUTION'],
  ['custom', 'CUSTOM'],
  ['gpu', 'GPU'],
];

/** One metric line before alignment: label, then value columns, then a free-form tail. */
interface Line {
  label: string;
  kind: 'trend' | 'counter' | 'rate' | 'gauge' | 'text';
  columns: string[];
  tail: string;
}

/** The summary text (ends with a newline). */
export function renderSummary(input: SummaryData | SummaryExport, options: RenderSummaryOptions = {}): string {
  const data = isSummaryExport(input) ? input : summaryExport(input);
  const c = palette(options.color ?? false);
  const trendStats = options.trendStats ?? data.options.summaryTrendStats;
  const out: string[] = [''];

  out.push(...headerLines(data, c), '');
  const thresholds = thresholdLines(data, c);
  if (thresholds.length > 0) out.push(`  ${c.bold('█ THRESHOLDS')}`, '', ...thresholds);

  out.push(`  ${c.bold('█ TOTAL RESULTS')}`, '');
  const blocks = resultBlocks(data, trendStats, c);
  const width = Math.max(0, ...blocks.flatMap((b) => b.lines.map((l) => visibleLength(l.label)))) + 3;
  const columnWidths = alignWidths(blocks.flatMap((b) => b.lines));
  for (const block of blocks) {
    if (block.title !== '') out.push(`${INDENT}${c.bold(block.title)}`);
    for (const line of block.lines) out.push(renderLine(line, width, columnWidths, c));
    if (block.after.length > 0) out.push(...block.after.map((l) => (l === '' ? '' : `${INDENT}${l}`)));
    out.push('');
  }
  const loadGenerator = data.llmload.loadGenerator;
  if (loadGenerator !== undefined && loadGenerator !== null) out.push(`  ${c.bold('█ LOAD GENERATOR')}`, '', ...loadGeneratorLines(loadGenerator, c), '');
  if (data.llmload.approximate.length > 0) {
    out.push(`${INDENT}~ percentiles from an HDR histogram (≤ 0.1 % relative error): ${data.llmload.approximate.join(', ')}`, '');
  }

  const tables: ReadonlyArray<readonly [string, 'level' | 'stage' | 'scenario' | 'name' | 'rate', SummaryExport['llmload']['levels']]> = [
    ['LEVELS', 'level', data.llmload.levels],
    ['RATES', 'rate', data.llmload.rates ?? []],
    ['STAGES', 'stage', data.llmload.stages],
    ['SCENARIOS', 'scenario', data.llmload.scenarioRows.length > 1 ? data.llmload.scenarioRows : []],
    ['REQUESTS BY NAME', 'name', data.llmload.names ?? []],
  ];
  for (const [title, key, rows] of tables) {
    const notRun = (data.llmload.notRun ?? []).filter((p) => p.tags[key] !== undefined).map((p) => ({ scenario: p.scenario, ...p.tags }));
    const lines = renderGroupTable(rows, { key, notRun });
    if (lines.length === 0) continue;
    out.push(`  ${c.bold(`█ ${title}`)}`, '', ...lines.map((l) => (l === '' ? '' : `${INDENT}${l}`)), '');
  }
  const known = data.llmload.known ?? [];
  if (known.length > 0) {
    const several = new Set(known.map((r) => r.scenario)).size > 1;
    out.push(`  ${c.bold('█ STOP WHEN KNOWN')}`, '', ...known.map((row) => `${INDENT}${describeKnownRow(row, several)}`), '');
  }
  const load = renderLoadTable(data.llmload.load ?? []);
  if (load.length > 0) out.push(`  ${c.bold('█ OPEN-LOOP LOAD')}`, '', ...load.map((l) => (l === '' ? '' : `${INDENT}${l}`)), '');
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Which target was measured, and whether the run stopped early. */
function headerLines(data: SummaryExport, c: Palette): string[] {
  const { target, aborted } = data.llmload;
  let where: string;
  if (target.simulator !== null) {
    const scale = target.simulator.timeScale !== undefined && target.simulator.timeScale !== 1 ? `, time scale ${target.simulator.timeScale}×` : '';
    where = `built-in simulator (preset ${target.simulator.preset}${scale})${target.url === null ? '' : ` at ${target.url}`}`;
  } else {
    where = target.url ?? 'built-in simulator';
  }
  const lines = [`  target: ${where}${target.model === null ? '' : ` · model ${target.model}`}`];
  const modelled = modelledTimeLabel(data.llmload.timeScale ?? 1);
  if (modelled !== null) lines.push(`  ${c.bold('simulated time')}: ${modelled}`);
  const { requests, levels, stages, rates } = data.llmload;
  const pacing = pacingNote(data.llmload.timeScale ?? 1, [
    { ...requests, label: 'all' },
    ...[...levels, ...stages, ...rates].map((row) => ({ ...row, label: rowLabel(row.tags) })),
  ]);
  if (pacing !== null) lines.push(`  ${c.yellow('⚠')} ${pacing}`);
  const notRun = data.llmload.notRun ?? [];
  const before = notRun.length === 0 ? '' : `the run stopped before ${describeNotRun(notRun, data.llmload.scenarios.length)} ran`;
  if (aborted !== null) lines.push(`  ${c.red('stopped early')}: ${aborted}${before === '' ? '' : `; ${before}`}`);
  else if (before !== '') lines.push(`  ${c.red('not run')}: ${before}`);
  const shortfall = loadShortfall(data.llmload.load ?? []);
  if (shortfall !== null) lines.push(`  ${c.red('LOAD NOT DELIVERED')} — ${shortfall}`);
  const loadGenerator = data.llmload.loadGenerator;
  const saturated = loadGenerator === undefined || loadGenerator === null ? null : loadGeneratorHeadline(loadGenerator);
  if (saturated !== null) lines.push(`  ${c.red('⚠')} ${saturated}`);
  return lines;
}

/**
 * █ LOAD GENERATOR: one line of figures for the whole run, then the rows (levels, rates, stages)
 * where the load generator was saturated.
 */
function loadGeneratorLines(summary: LoadGeneratorSummary, c: Palette): string[] {
  const f = summary.overall;
  const parts: string[] = [];
  if (f.delayP99Ms !== null) parts.push(`event-loop delay p99 ${humanizeDuration(f.delayP99Ms)}${f.delayMaxMs === null ? '' : ` (max ${humanizeDuration(f.delayMaxMs)})`}`);
  if (f.utilization !== null) parts.push(`busiest thread ${formatPercent(f.utilization)} busy`);
  if (f.cpu !== null) parts.push(`llmload CPU ${formatPercent(f.cpu)} of the cores${f.machineCpu === null ? '' : `, machine ${formatPercent(f.machineCpu)}`}`);
  if (f.coalescedShare !== null) parts.push(`token reads coalesced ${formatPercent(f.coalescedShare)} of ${f.tokenGaps}`);
  if (f.dispatched > 0) parts.push(`sent over ${DELAY_P99_LIMIT_MS} ms late ${formatPercent(f.dispatchedLate / f.dispatched)} of ${f.dispatched}`);
  const lines = [`${INDENT}${parts.join(' · ')}`];
  for (const row of summary.rows) {
    if (row.verdict !== null) lines.push(`${INDENT}${c.red('✗')} ${row.scenario === '' ? '' : `${row.scenario} `}${row.axis} ${row.value}: ${row.verdict}`);
  }
  return lines;
}

function thresholdLines(data: SummaryExport, c: Palette): string[] {
  const byMetric = new Map<string, ThresholdResult[]>();
  for (const result of data.llmload.thresholds) {
    const list = byMetric.get(result.metric) ?? [];
    list.push(result);
    byMetric.set(result.metric, list);
  }
  const lines: string[] = [];
  for (const [metric, results] of byMetric) {
    lines.push(`${INDENT}${metric}`);
    for (const r of results) {
      const outcome = thresholdOutcome(r);
      if (outcome === 'inconclusive') {
        lines.push(`${INDENT}${inconclusiveLine(r, data.metrics[metric], c)}`);
        continue;
      }
      const mark = outcome === 'pass' ? c.green('✓') : outcome === 'fail' ? c.red('✗') : c.yellow('○');
      let observed: string;
      if (r.error !== undefined) observed = c.red(r.error);
      else if (r.observed === null) observed = c.yellow('no data');
      else observed = `${r.aggregation}=${formatObserved(r, r.observed, data.metrics[metric])}`;
      lines.push(`${INDENT}${mark} '${r.source}' ${observed}`);
    }
    lines.push('');
  }
  // Said in words whenever a threshold could not be judged: a ✓ count alone would read as "all passed".
  const notRun = data.llmload.notRun ?? [];
  const unsettled = data.llmload.thresholds.some((r) => thresholdOutcome(r) === 'no data' || thresholdOutcome(r) === 'inconclusive');
  if (data.llmload.thresholds.length > 0 && (notRun.length > 0 || unsettled)) {
    lines.push(`${INDENT}${thresholdHeadline(data.llmload.thresholds, notRun.length === 0 ? '' : describeNotRun(notRun, data.llmload.scenarios.length))}`, '');
  }
  return lines;
}

/**
 * "✗ inconclusive: 'rate<0.01' rate=0.00% (95 % interval 0.00%-7.13%), about 330 more requests needed":
 * ✗ when it fails the run, a yellow ? when its inconclusive policy lets it pass (never a ✓).
 */
function inconclusiveLine(r: ThresholdResult, metric: K6Metric | undefined, c: Palette): string {
  const mark = r.ok ? c.yellow('?') : c.red('✗');
  const word = r.ok ? 'inconclusive (let pass)' : 'inconclusive';
  const interval =
    r.interval === null || r.interval === undefined
      ? ''
      : ` (${Math.round(r.interval.confidence * 100)} % interval ${formatObserved(r, r.interval.low, metric)}-${formatObserved(r, r.interval.high, metric)})`;
  return `${mark} ${word}: '${r.source}' ${r.aggregation}=${formatObserved(r, r.observed!, metric)}${interval}, ${moreRequestsText(r)}`;
}

/** A value of a threshold's aggregation in the unit of its metric. */
function formatObserved(result: ThresholdResult, value: number, metric: K6Metric | undefined): string {
  const brace = result.metric.indexOf('{');
  const name = brace === -1 ? result.metric : result.metric.slice(0, brace);
  const info = builtinMetric(name);
  const type = metric?.type ?? info?.type;
  const contains = metric?.contains ?? info?.contains ?? 'default';
  if (info?.derived === true) return `${formatNumber(value)}/s`;
  if (result.aggregation === 'rate') return type === 'counter' ? `${formatNumber(value)}/s` : formatPercent(value);
  if (result.aggregation === 'count' || result.aggregation === 'value') return formatNumber(value);
  return contains === 'time' ? humanizeDuration(value) : formatNumber(value);
}

interface Block {
  title: string;
  lines: Line[];
  /** Free lines printed after the metric lines (check list, failures). */
  after: string[];
}

function resultBlocks(data: SummaryExport, trendStats: readonly string[], c: Palette): Block[] {
  const blocks: Block[] = [];
  const checks = checkBlock(data, c);
  if (checks !== null) blocks.push(checks);
  const estimated = data.llmload.tokensEstimated;
  const approximate = new Set(data.llmload.approximate);
  const empty = new Set(data.llmload.empty);
  const derived = new Set(DERIVED_METRICS);
  const bySection = new Map<string, Line[]>();
  for (const [key, metric] of Object.entries(data.metrics)) {
    const section = sectionOf(key);
    if (section === 'checks' || section === 'throughput') continue;
    const brace = key.indexOf('{');
    const parent = brace === -1 ? key : key.slice(0, brace);
    if (derived.has(parent)) continue;
    const label = brace !== -1 && Object.hasOwn(data.metrics, parent) ? `  { ${key.slice(brace + 1, -1)} }` : key;
    let tail = '';
    if (estimated && TOKEN_METRICS.has(parent)) tail += ' (estimated)';
    if (approximate.has(key)) tail += ' ~';
    const list = bySection.get(section) ?? [];
    // A counter with no samples is a real zero (e.g. no dropped iterations); other kinds have no value.
    const noValue = empty.has(key) && metric.type !== 'counter';
    list.push(noValue ? { label, kind: 'text', columns: ['no samples'], tail: '' } : metricLine(label, metric, trendStats, tail));
    bySection.set(section, list);
  }
  const llm = bySection.get('llm');
  if (llm !== undefined) blocks.push({ title: 'LLM', lines: llm, after: notStreamedLines(data) });
  const throughput = throughputBlock(data);
  if (throughput !== null) blocks.push(throughput);
  for (const [section, title] of SECTION_TITLES) {
    if (section === 'llm') continue;
    const lines = bySection.get(section);
    if (lines !== undefined) blocks.push({ title, lines, after: [] });
  }
  return blocks;
}

/** Requests answered in one body are in E2E and tokens but give no streaming figure: say how many. */
function notStreamedLines(data: SummaryExport): string[] {
  const n = data.llmload.requests.notStreamed ?? 0;
  return n === 0 ? [] : [`${n} ${n === 1 ? 'request' : 'requests'} not streamed: no TTFT/ITL/TPOT for ${n === 1 ? 'it' : 'them'}`];
}

function metricLine(label: string, metric: K6Metric, trendStats: readonly string[], tail: string): Line {
  const v = metric.values;
  const fmt = (value: number): string => (metric.contains === 'time' ? humanizeDuration(value) : formatNumber(value));
  switch (metric.type) {
    case 'trend':
      return { label, kind: 'trend', columns: trendStats.filter((s) => v[s] !== undefined).map((s) => `${s}=${fmt(v[s]!)}`), tail };
    case 'counter':
      return { label, kind: 'counter', columns: [fmt(v['count'] ?? 0), `${formatNumber(v['rate'] ?? 0)}/s`], tail };
    case 'rate': {
      const passes = v['passes'] ?? 0;
      const total = passes + (v['fails'] ?? 0);
      return { label, kind: 'rate', columns: [formatPercent(v['rate'] ?? 0), `${passes} out of ${total}`], tail };
    }
    case 'gauge':
      return { label, kind: 'gauge', columns: [fmt(v['value'] ?? 0), `min=${fmt(v['min'] ?? 0)}`, `max=${fmt(v['max'] ?? 0)}`], tail };
  }
}

/** checks_total / checks_succeeded / checks_failed, then the checks per group, as k6 v1. */
function checkBlock(data: SummaryExport, c: Palette): Block | null {
  const checks = data.metrics['checks'];
  if (checks === undefined) return null;
  const passes = checks.values['passes'] ?? 0;
  const fails = checks.values['fails'] ?? 0;
  const total = passes + fails;
  const rate = data.state.testRunDurationMs > 0 ? total / (data.state.testRunDurationMs / 1000) : 0;
  const share = (n: number): string => formatPercent(total === 0 ? 0 : n / total);
  const lines: Line[] = [
    { label: 'checks_total', kind: 'counter', columns: [String(total), `${formatNumber(rate)}/s`], tail: '' },
    { label: 'checks_succeeded', kind: 'rate', columns: [share(passes), `${passes} out of ${total}`], tail: '' },
    { label: 'checks_failed', kind: 'rate', columns: [share(fails), `${fails} out of ${total}`], tail: '' },
  ];
  for (const [key, metric] of Object.entries(data.metrics)) {
    if (key.startsWith('checks{')) lines.push(metricLine(`  { ${key.slice(7, -1)} }`, metric, [], ''));
  }
  const after = ['', ...groupCheckLines(data.root_group, '', c)];
  return { title: '', lines, after };
}

function groupCheckLines(group: K6Group, indent: string, c: Palette): string[] {
  const lines: string[] = [];
  for (const check of group.checks) {
    const total = check.passes + check.fails;
    if (check.fails === 0) {
      lines.push(`${indent}${c.green('✓')} ${check.name}`);
    } else {
      lines.push(`${indent}${c.red('✗')} ${check.name}`);
      const percent = total === 0 ? 0 : Math.floor((check.passes / total) * 100);
      lines.push(`${indent}  ${c.dim(`↳  ${percent}% — ✓ ${check.passes} / ✗ ${check.fails}`)}`);
    }
  }
  for (const child of group.groups) {
    lines.push('', `${indent}█ ${child.name}`, '');
    lines.push(...groupCheckLines(child, `${indent}  `, c));
  }
  return lines;
}

/** Requests, token throughput over the window, goodput, peak, failures by class. */
function throughputBlock(data: SummaryExport): Block | null {
  const { requests, throughput, failures, tokensEstimated } = data.llmload;
  if (requests.requests === 0 && requests.interrupted === 0) return null;
  const est = tokensEstimated ? ' (estimated)' : '';
  const perSec = (value: number | null, unit: string): string => (value === null ? '-' : `${formatNumber(value)}${unit}`);
  const lines: Line[] = [
    { label: 'window', kind: 'text', columns: [humanizeDuration(throughput.windowMs)], tail: ' first request start → last request end' },
    {
      label: 'requests',
      kind: 'text',
      columns: [perSec(throughput.requestsPerSec, '/s')],
      tail: ` ${requests.successful} of ${requests.requests} succeeded${requests.successRate === null ? '' : ` (${formatPercent(requests.successRate)})`}`,
    },
    { label: 'output tokens', kind: 'text', columns: [perSec(throughput.outputTokensPerSec, ' tok/s')], tail: ` ${requests.outputTokens} tokens${est}` },
    {
      label: 'total tokens',
      kind: 'text',
      columns: [perSec(throughput.totalTokensPerSec, ' tok/s')],
      tail: ` ${requests.inputTokens} input + ${requests.outputTokens} output${est}`,
    },
  ];
  if (throughput.goodputPerSec !== null) lines.push({ label: 'goodput', kind: 'text', columns: [perSec(throughput.goodputPerSec, '/s')], tail: ' requests meeting every SLO' });
  if (throughput.peakOutputTokensPerSec !== null) {
    lines.push({ label: 'peak output', kind: 'text', columns: [perSec(throughput.peakOutputTokensPerSec, ' tok/s')], tail: ' busiest 1 s bucket' });
  }
  if (throughput.averageConcurrency !== null) {
    lines.push({ label: 'avg concurrency', kind: 'text', columns: [formatNumber(throughput.averageConcurrency)], tail: ' Σ E2E / window' });
  }
  const classes = Object.entries(failures).sort((a, b) => b[1] - a[1]);
  lines.push({ label: 'failures', kind: 'text', columns: [classes.length === 0 ? 'none' : classes.map(([name, n]) => `${name} ${n}`).join(', ')], tail: '' });
  // Example messages go after the aligned lines so their length does not widen the columns.
  const after: string[] = [];
  for (const [name] of classes) {
    for (const example of data.llmload.failureExamples?.[name] ?? []) after.push(`  ↳ ${name}: ${truncate(example, 160)}`);
  }
  if (requests.interrupted > 0) {
    lines.push({ label: 'interrupted', kind: 'text', columns: [String(requests.interrupted)], tail: ' cut off by llmload; in neither success nor failure' });
  }
  return { title: 'THROUGHPUT', lines, after };
}

/** Narrowest first value column of non-trend lines, as k6 pads "90      13.1/s". */
const MIN_FIRST_COLUMN = 7;

/**
 * Width of each value column, so values line up across metrics as in k6:
 * trend statistics per position among trend lines; for every other line the
 * first value shares one width, the rest per line kind.
 */
function alignWidths(lines: readonly Line[]): Map<string, number[]> {
  const widths = new Map<string, number[]>();
  const widen = (key: string, i: number, width: number): void => {
    const list = widths.get(key) ?? [];
    list[i] = Math.max(list[i] ?? 0, width);
    widths.set(key, list);
  };
  widen('first', 0, MIN_FIRST_COLUMN);
  for (const line of lines) {
    line.columns.forEach((column, i) => {
      const width = visibleLength(column);
      if (line.kind === 'trend') widen('trend', i, width);
      else if (line.kind === 'text') widen('text', i, width);
      else if (i === 0) widen('first', 0, width);
      else widen(line.kind, i, width);
    });
  }
  return widths;
}

function renderLine(line: Line, width: number, widths: Map<string, number[]>, c: Palette): string {
  const dots = c.dim('.'.repeat(Math.max(1, width - visibleLength(line.label))));
  const last = line.columns.length - 1;
  const values = line.columns
    .map((column, i) => {
      const shared = line.kind !== 'trend' && line.kind !== 'text' && i === 0;
      const target = shared ? widths.get('first')?.[0] : widths.get(line.kind)?.[i];
      const padded = i === last && line.tail === '' ? column : column + ' '.repeat(Math.max(0, (target ?? 0) - visibleLength(column)));
      return c.cyan(padded);
    })
    .join(' ');
  const tail = line.kind === 'text' && line.tail !== '' ? ` ${c.dim(line.tail.trim())}` : line.tail;
  return `${INDENT}${line.label}${dots}: ${values}${tail}`.trimEnd();
}

/** At most `max` characters of one line of text. */
function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** A row's name for a note: its level, rate or stage. */
function rowLabel(tags: Record<string, string>): string {
  if (tags['level'] !== undefined) return `level ${tags['level']}`;
  if (tags['rate'] !== undefined) return `rate ${tags['rate']}`;
  if (tags['stage'] !== undefined) return `stage ${tags['stage']}`;
  return '';
}
