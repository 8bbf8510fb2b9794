/** A ReportDocument as GitHub-flavoured Markdown (report.md). */
import type { Block, ReportDocument, Span } from './document.js';
import { escapeMarkdown, escapeMarkdownCell, fenceFor } from './escape.js';

export interface MarkdownOptions {
  /** Folder of the chart SVGs, relative to the Markdown file (default 'charts'). */
  chartsDir?: string;
}

export function renderMarkdown(doc: ReportDocument, options: MarkdownOptions = {}): string {
  const chartsDir = options.chartsDir ?? 'charts';
  const out: string[] = [];
  for (const block of doc.blocks) out.push(renderBlock(block, chartsDir));
  return out.join('\n\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

function renderBlock(block: Block, chartsDir: string): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`;
    case 'paragraph':
      return spans(block.spans);
    case 'note':
      return `> ${spans(block.spans)}`;
    case 'list':
      return block.items.map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${spans(item)}`).join('\n');
    case 'table': {
      const rule = block.header.map((_, i) => ((block.align[i] ?? 'left') === 'right' ? '---:' : '---'));
      const line = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
      return [line(block.header), `| ${rule.join(' | ')} |`, ...block.rows.map(line)].join('\n');
    }
    case 'code': {
      const fence = fenceFor(block.text);
      return `${fence}${block.lang}\n${block.text.replace(/\s+$/, '')}\n${fence}`;
    }
    case 'chart':
      return `![${escapeMarkdown(block.title)}](${chartsDir}/${encodeURIComponent(block.name)}.svg)`;
    case 'rule':
      return '---';
  }
}

function spans(list: readonly Span[]): string {
  return list
    .map((span) => {
      if (typeof span === 'string') return escapeMarkdown(span);
      if ('strong' in span) {
        // `**text **` is not bold in GFM: keep surrounding spaces outside the markers.
        const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(span.strong)!;
        return m[2] === '' ? span.strong : `${m[1]}**${escapeMarkdown(m[2]!)}**${m[3]}`;
      }
      const text = span.code.replace(/\r?\n/g, ' ');
      let longest = 0;
      for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
      const fence = '`'.repeat(longest + 1);
      return text.startsWith('`') || text.endsWith('`') ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
    })
    .join('');
}
