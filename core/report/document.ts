/**
 * A report as a list of blocks, rendered twice from the same list: to
 * Markdown (markdown.ts) and to HTML (html.ts), so both say the same thing.
 * Text is plain: renderers do all escaping, so a string that came from a
 * server or a model can go into any block.
 */
import type { Align } from '../outputs/text-table.js';

export type { Align } from '../outputs/text-table.js';

/** A run of text: plain, bold or code. */
export type Span = string | { strong: string } | { code: string };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; spans: Span[] }
  | { kind: 'list'; ordered: boolean; items: Span[][] }
  | { kind: 'table'; header: string[]; align: Align[]; rows: string[][] }
  /** Preformatted text shown as it is (model output, options). */
  | { kind: 'code'; text: string; lang: string }
  /** A chart: charts/NAME.svg in Markdown, an interactive view in HTML. */
  | { kind: 'chart'; name: string; title: string }
  | { kind: 'note'; spans: Span[] }
  | { kind: 'rule' };

export interface ReportDocument {
  title: string;
  blocks: Block[];
}

/** Small builders, to keep document code readable. */
export const h = (level: 1 | 2 | 3, text: string): Block => ({ kind: 'heading', level, text });
export const p = (...spans: Span[]): Block => ({ kind: 'paragraph', spans });
export const ul = (items: Span[][]): Block => ({ kind: 'list', ordered: false, items });
export const ol = (items: Span[][]): Block => ({ kind: 'list', ordered: true, items });
export const table = (header: string[], rows: string[][], align?: Align[]): Block => ({
  kind: 'table',
  header,
  rows,
  align: align ?? header.map((_, i) => (i === 0 ? 'left' : 'right')),
});
export const code = (text: string, lang = 'text'): Block => ({ kind: 'code', text, lang });
export const note = (...spans: Span[]): Block => ({ kind: 'note', spans });
export const b = (text: string): Span => ({ strong: text });
export const c = (text: string): Span => ({ code: text });
