/** Column-aligned plain-text and Markdown tables. */
import { visibleLength } from './color.js';

export type Align = 'left' | 'right';

/** Rows of cells as lines with columns padded to their widest cell, separated by two spaces. */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
        return (align[i] ?? 'left') === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A GitHub-flavoured Markdown table (header row, then body rows), as the seed reports use. */
export function markdownTable(header: readonly string[], body: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const rule = header.map((_, i) => ((align[i] ?? 'left') === 'right' ? '---:' : '---'));
  return [header, rule, ...body].map((cells) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
}
