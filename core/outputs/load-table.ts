/**
 * The open-loop load table: per constant-arrival-rate scenario, ramping stage
 * or rate-sweep rate, what the schedule offered, what was started, what was
 * dropped, how late arrivals went out, and whether the load was delivered.
 * Plain text for the terminal; the report builds its table from the same cells.
 */
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import { shortDuration, shortPercent } from './humanize.js';
import { alignColumns, type Align } from './text-table.js';

export const LOAD_TABLE_HEADER: readonly string[] = ['scenario', 'row', 'offered/s', 'achieved/s', 'planned', 'started', 'dropped', 'delivered', 'lag p95', 'load'];
export const LOAD_TABLE_ALIGN: readonly Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];

/** One row's cells, in LOAD_TABLE_HEADER's order. */
export function loadTableCells(row: OpenLoadRow): string[] {
  return [
    row.scenario,
    row.label === row.scenario ? '-' : row.label,
    rate(row.offeredPerSec),
    rate(row.achievedPerSec),
    String(row.planned),
    String(row.started),
    String(row.dropped),
    row.delivered === null ? '-' : shortPercent(row.delivered),
    row.dispatchLagP95Ms === null ? '-' : shortDuration(row.dispatchLagP95Ms),
    row.shortfall === null ? 'delivered' : 'NOT DELIVERED',
  ];
}

/** The table's lines, then one line per row that fell short saying why; [] without rows. */
export function renderLoadTable(rows: readonly OpenLoadRow[]): string[] {
  if (rows.length === 0) return [];
  const lines = alignColumns([LOAD_TABLE_HEADER, ...rows.map(loadTableCells)], LOAD_TABLE_ALIGN);
  const short = rows.filter((r) => r.shortfall !== null);
  if (short.length > 0) lines.push('');
  for (const r of short) lines.push(`${r.scenario}${r.label === r.scenario ? '' : ` ${r.label}`}: did not hold the offered rate: ${r.shortfall}`);
  lines.push('', 'offered = arrivals the schedule planned in the row ÷ its window; achieved = arrivals started ÷ the same window');
  return lines;
}

function rate(value: number | null): string {
  return value === null ? '-' : value.toFixed(2);
}
