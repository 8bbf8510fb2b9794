/**
 * The per-level table of a concurrency sweep (and the same table per stage or
 * per scenario), shaped like the hand-made tables in seeds 000 and 002:
 * users, requests, success, req/s, output tok/s, E2E p50/p95/p99, TTFT
 * p50/p95, ITL p50. Plain text for the terminal or Markdown for reports.
 */
import type { LatencySummary, RequestStatsRow } from '../metrics/request-stats.js';
import { shortDuration, shortPercent } from './humanize.js';
import { alignColumns, markdownTable, type Align } from './text-table.js';

export interface GroupTableOptions {
  /** 'text' (aligned columns) or 'markdown'. Default 'text'. */
  format?: 'text' | 'markdown';
  /** What identifies a row: the level's users (default), the stage, or the scenario. */
  key?: 'level' | 'stage' | 'scenario' | 'name' | 'rate';
  /** Tags of planned rows that never ran (a sweep stopped early): listed after the others as "not run". */
  notRun?: ReadonlyArray<Readonly<Record<string, string>>>;
}

interface Column {
  title: string;
  align: Align;
  cell(row: RequestStatsRow): string;
  /** The cell from tags alone, for a row that never ran; only the columns that identify a row have one. */
  tagCell?(tags: Readonly<Record<string, string>>): string;
}

const NOT_RUN = 'not run';

const ESTIMATED_NOTE = '* token counts estimated: the server reported no usage';
const APPROXIMATE_NOTE = '~ percentile from an HDR histogram (≤ 0.1 % relative error)';

/** The table's lines (header first, then one per row, then notes); [] for no rows. */
export function renderGroupTable(rows: readonly RequestStatsRow[], options: GroupTableOptions = {}): string[] {
  const notRun = options.notRun ?? [];
  if (rows.length === 0 && notRun.length === 0) return [];
  const key = options.key ?? 'level';
  const estimated = rows.some((r) => r.tokensEstimated);
  const approximate = rows.some((r) => [r.e2e, r.ttft, r.itl].some((s) => s?.approximate === true));
  const scenarios = new Set([...rows.map((r) => r.tags['scenario'] ?? ''), ...notRun.map((t) => t['scenario'] ?? '')]);
  const tag =
    (name: string) =>
    (tags: Readonly<Record<string, string>>): string =>
      tags[name] ?? '-';

  const columns: Column[] = [];
  if (key === 'scenario' || scenarios.size > 1) columns.push({ title: 'scenario', align: 'left', cell: (r) => r.tags['scenario'] ?? '-', tagCell: tag('scenario') });
  if (key === 'level') columns.push({ title: 'users', align: 'right', cell: (r) => (r.users === null ? (r.tags['level'] ?? '-') : String(r.users)), tagCell: tag('level') });
  if (key === 'stage') columns.push({ title: 'stage', align: 'right', cell: (r) => r.tags['stage'] ?? '-', tagCell: tag('stage') });
  if (key === 'name') columns.push({ title: 'name', align: 'left', cell: (r) => r.tags['name'] ?? '-', tagCell: tag('name') });
  if (key === 'rate') columns.push({ title: 'target rate', align: 'right', cell: (r) => r.tags['rate'] ?? '-', tagCell: tag('rate') });
  columns.push(
    { title: 'requests', align: 'right', cell: (r) => String(r.requests) },
    { title: 'success', align: 'right', cell: (r) => (r.successRate === null ? '-' : shortPercent(r.successRate)) },
    { title: 'req/s', align: 'right', cell: (r) => fixed(r.requestsPerSec, 2) },
    { title: `output tok/s${estimated ? '*' : ''}`, align: 'right', cell: (r) => fixed(r.outputTokensPerSec, 1) },
    { title: 'E2E p50', align: 'right', cell: (r) => latency(r.e2e, 'p50') },
    { title: 'E2E p95', align: 'right', cell: (r) => latency(r.e2e, 'p95') },
    { title: 'E2E p99', align: 'right', cell: (r) => latency(r.e2e, 'p99') },
    { title: 'TTFT p50', align: 'right', cell: (r) => latency(r.ttft, 'p50') },
    { title: 'TTFT p95', align: 'right', cell: (r) => latency(r.ttft, 'p95') },
    { title: 'ITL p50', align: 'right', cell: (r) => latency(r.itl, 'p50') },
  );

  const header = columns.map((c) => c.title);
  const align = columns.map((c) => c.align);
  const body = rows.map((row) => columns.map((c) => c.cell(row)));
  const firstValue = columns.findIndex((c) => c.tagCell === undefined);
  for (const tags of notRun) body.push(columns.map((c, i) => c.tagCell?.(tags) ?? (i === firstValue ? NOT_RUN : '-')));
  const lines = options.format === 'markdown' ? markdownTable(header, body, align) : alignColumns([header, ...body], align);
  if (estimated || approximate) lines.push('');
  if (estimated) lines.push(ESTIMATED_NOTE);
  if (approximate) lines.push(APPROXIMATE_NOTE);
  return lines;
}

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function latency(summary: LatencySummary | null, pick: 'p50' | 'p95' | 'p99'): string {
  if (summary === null) return '-';
  return `${summary.approximate ? '~' : ''}${shortDuration(summary[pick])}`;
}
