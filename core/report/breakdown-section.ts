/**
 * The report's "Per scenario, name and group" section: seed 001's layout
 * (mean, median, min and max of each request's E2E time and output
 * tokens/s) per scenario, per `name` tag and per group, the change from one
 * phase (scenario) to the next, and the script's own metrics per row.
 */
import { b, h, p, table, ul, type Block, type Span } from './document.js';
import type { CustomMetricSummary, CustomValue } from './custom-metrics.js';
import { fmtCount, fmtMs, fmtShare, fmtSpeedup, fmtTokens } from './format.js';
import type { PhaseChange, Spread } from './group-rows.js';
import type { ReportData } from './report-data.js';

const KIND_TITLES = { scenario: 'Per scenario', name: 'Per request name (the name tag)', group: 'Per group (group() and vu.group)' } as const;

export function breakdownSection(data: ReportData): Block[] {
  const rows = data.breakdown?.rows ?? [];
  const custom = data.customMetrics ?? [];
  const scenarios = rows.filter((r) => r.kind === 'scenario');
  const tagged = rows.filter((r) => r.kind !== 'scenario');
  if (scenarios.length < 2 && tagged.length === 0 && custom.length === 0) return [];
  const many = scenarios.length > 1;
  const out: Block[] = [h(2, 'Per scenario, name and group')];
  if (rows.length > 0) {
    out.push(p('Each request’s E2E time and output tokens/s (output tokens ÷ E2E seconds), over the successful requests of the row:'));
    for (const kind of ['scenario', 'name', 'group'] as const) {
      const members = rows.filter((r) => r.kind === kind);
      if (members.length === 0 || (kind === 'scenario' && !many && tagged.length > 0)) continue;
      const withScenario = kind !== 'scenario' && many;
      out.push(p(`${KIND_TITLES[kind]}:`));
      out.push(
        table(
          [
            kind,
            ...(withScenario ? ['scenario'] : []),
            'requests',
            'success',
            'E2E mean',
            'E2E median',
            'E2E min',
            'E2E max',
            'tok/s mean',
            'tok/s median',
            'tok/s min',
            'tok/s max',
          ],
          members.map((r) => [
            r.label,
            ...(withScenario ? [r.scenario] : []),
            String(r.row.requests),
            fmtShare(r.row.successRate),
            ...spreadCells(r.e2e, fmtMs),
            ...spreadCells(r.outputTokensPerSec, fmtTokens),
          ]),
          [...(withScenario ? ['left', 'left'] : ['left']), ...Array<'right'>(10).fill('right')] as Array<'left' | 'right'>,
        ),
      );
    }
  }
  const changes = data.breakdown?.phaseChanges ?? [];
  if (changes.length > 0) {
    out.push(p('Phase to phase (each scenario against the one before it, by mean E2E per request):'));
    out.push(ul(changes.map(phaseChangeSpans)));
  }
  if (custom.length > 0) out.push(...customMetricsBlocks(custom, many));
  return out;
}

/** "continuous vs initial: time +82.5 % (1.83× slower; performance change −82.5 %) …". */
export function phaseChangeSpans(change: PhaseChange): Span[] {
  const pct = change.timeChangePct;
  const factor =
    change.toE2eMeanMs > 0 && change.fromE2eMeanMs > 0 ? Math.max(change.toE2eMeanMs, change.fromE2eMeanMs) / Math.min(change.toE2eMeanMs, change.fromE2eMeanMs) : null;
  const pace = factor === null || Math.abs(pct) < 0.05 ? '' : `${fmtSpeedup(factor)} ${pct > 0 ? 'slower' : 'faster'}; `;
  const spans: Span[] = [
    b(`${change.to} vs ${change.from}`),
    `: ${signed(pct)} time (${pace}performance change ${signed(-pct)}): mean E2E ${fmtMs(change.toE2eMeanMs)} vs ${fmtMs(change.fromE2eMeanMs)}`,
  ];
  if (change.tokensPerSecChangePct !== null && change.toTokensPerSec !== null && change.fromTokensPerSec !== null) {
    spans.push(`; output tokens/s per request ${fmtTokens(change.toTokensPerSec)} vs ${fmtTokens(change.fromTokensPerSec)} (${signed(change.tokensPerSecChangePct)})`);
  }
  spans.push('.');
  return spans;
}

function customMetricsBlocks(metrics: readonly CustomMetricSummary[], manyScenarios: boolean): Block[] {
  const out: Block[] = [p('The script’s own metrics, over the whole run and per row whose samples carry its tag:')];
  for (const metric of metrics) {
    const fmt = metric.isTime ? fmtMs : fmtNumber;
    const rowLabel = (r: CustomMetricSummary['rows'][number]): string =>
      r.kind === 'scenario' ? `scenario ${r.label}` : `${r.kind} ${r.label}${manyScenarios ? ` (${r.scenario})` : ''}`;
    const all = [{ label: 'all', value: metric.overall }, ...metric.rows.map((r) => ({ label: rowLabel(r), value: r.value }))];
    out.push(p(b(metric.name), ` (${metric.type}${metric.isTime ? ', time' : ''}):`));
    out.push(
      table(
        ['row', ...customHeader(metric.type)],
        all.map(({ label, value }) => [label, ...customCells(value, fmt)]),
      ),
    );
  }
  return out;
}

function customHeader(type: CustomMetricSummary['type']): string[] {
  switch (type) {
    case 'trend':
      return ['samples', 'mean', 'median', 'min', 'max', 'p95'];
    case 'counter':
      return ['samples', 'total'];
    case 'rate':
      return ['samples', 'rate', 'passes'];
    case 'gauge':
      return ['samples', 'last', 'min', 'max'];
  }
}

function customCells(value: CustomValue, fmt: (v: number) => string): string[] {
  switch (value.type) {
    case 'trend':
      return [String(value.samples), fmt(value.mean), fmt(value.median), fmt(value.min), fmt(value.max), fmt(value.p95)];
    case 'counter':
      return [String(value.samples), fmtNumber(value.total)];
    case 'rate':
      return [String(value.samples), fmtShare(value.rate), String(value.passes)];
    case 'gauge':
      return [String(value.samples), fmt(value.last), fmt(value.min), fmt(value.max)];
  }
}

function spreadCells(spread: Spread | null, fmt: (v: number) => string): string[] {
  return spread === null ? ['-', '-', '-', '-'] : [fmt(spread.mean), fmt(spread.median), fmt(spread.min), fmt(spread.max)];
}

/** A plain value: up to four significant digits, thousands separated. */
function fmtNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1000) return fmtCount(value);
  return String(Number.parseFloat(value.toPrecision(4)));
}

function signed(pct: number): string {
  if (Math.abs(pct) < 0.05) return '0.0 %';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)} %`;
}
