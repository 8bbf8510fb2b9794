/**
 * What the macro benchmarks print: one row per figure, llmload next to the
 * floor and how they compare, with the target and whether it is met.
 */

export interface Row {
  case: string;
  figure: string;
  llmload: string;
  floor: string;
  /** Ratio or difference, llmload against the floor. */
  compare: string;
  target: string;
  /** 'pass', 'MISS', or '' for figures without a target. */
  verdict: string;
}

/** Options every case receives. */
export interface CaseOptions {
  quick: boolean;
  reps: number;
  /** Pass --cpu-prof to one llmload run per level in the ingest, timed and low-load cases, profiles into this folder. */
  cpuProfDir: string | null;
  /** One line of progress (stderr). */
  log(line: string): void;
}

export interface CaseResult {
  rows: Row[];
  /** Every measurement, for the JSON record. */
  raw: unknown;
}

export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A signed difference, e.g. "+0.42 ms". */
export function signed(value: number, unit: string, digits = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '−'}${fmt(Math.abs(value), digits)}${unit}`;
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a / b) ? `${fmt(a / b, 2)}×` : 'n/a';
}

export function verdict(ok: boolean | null): string {
  return ok === null ? '' : ok ? 'pass' : 'MISS';
}

/** The rows as a Markdown table (also readable as plain text). */
export function table(rows: readonly Row[]): string {
  const head: Row = { case: 'case', figure: 'figure', llmload: 'llmload', floor: 'floor', compare: 'llmload vs floor', target: 'target', verdict: 'result' };
  const cols: Array<keyof Row> = ['case', 'figure', 'llmload', 'floor', 'compare', 'target', 'verdict'];
  const all = [head, ...rows];
  const width = cols.map((c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: Row): string => `| ${cols.map((c, i) => r[c].padEnd(width[i]!)).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (i >= 2 && i <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
