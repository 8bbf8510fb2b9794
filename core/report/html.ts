/**
 * A ReportDocument as one self-contained HTML file that works offline:
 * vega, vega-lite and vega-embed are inlined from their dist bundles in
 * node_modules (read when the report is written, never fetched), each chart's
 * Vega-Lite spec sits in a `<script type="application/json">` element, and a
 * few lines of script hand each spec to vegaEmbed.
 *
 * Every piece of text is escaped (escape.ts): markup with escapeHtml, inline
 * JSON with jsonForScript (`<` as \u003c), inlined libraries with scriptSafe.
 */
import type { ChartSpec } from './charts.js';
import type { Block, ReportDocument, Span } from './document.js';
import { escapeHtml, jsonForScript, scriptSafe } from './escape.js';
import { bundleSources } from './vega-bundles.js';

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 28px; border-bottom: 1px solid #d0d7de; padding-bottom: 8px; }
h2 { font-size: 21px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 17px; margin-top: 24px; }
table { border-collapse: collapse; margin: 12px 0; font-size: 13.5px; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 4px 9px; white-space: nowrap; }
th { background: #f6f8fa; }
td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafbfc; }
code { background: #eff1f3; padding: 1px 5px; border-radius: 4px; font-size: 90%; }
pre { background: #f6f8fa; padding: 10px 12px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; font-size: 13px; }
pre code { background: none; padding: 0; }
blockquote { margin: 12px 0; padding: 4px 14px; border-left: 4px solid #d0d7de; color: #57606a; }
figure.chart { margin: 18px 0; }
figure.chart figcaption { color: #57606a; font-size: 13px; }
.vega-embed { max-width: 100%; overflow-x: auto; }
.chart-error { color: #b42318; }
`;

/** Render charts in the page: each figure's spec is read from its JSON element and embedded. */
const INIT = `
(function () {
  var figures = document.querySelectorAll('div[data-spec]');
  for (var i = 0; i < figures.length; i++) {
    (function (el) {
      var spec = JSON.parse(document.getElementById(el.getAttribute('data-spec')).textContent);
      vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).catch(function (error) {
        el.className += ' chart-error';
        el.textContent = 'This chart could not be drawn: ' + error.message;
      });
    })(figures[i]);
  }
})();
`;

/**
 * The report as one HTML file. `redact` runs over what the report says (the document and the chart specs),
 * not over the inlined libraries: they are ~1 MB of code that holds no secret of the run, and the
 * redaction's regular expressions took 40-70 ms over them.
 */
export async function renderHtml(doc: ReportDocument, charts: readonly ChartSpec[], redact: (text: string) => string = (text) => text): Promise<string> {
  const libs = await bundleSources();
  const specs = new Map(charts.map((c) => [c.name, c]));
  const body: string[] = [];
  const specScripts: string[] = [];
  let chartIndex = 0;
  for (const block of doc.blocks) {
    if (block.kind === 'chart') {
      const chart = specs.get(block.name);
      if (chart === undefined) continue;
      const id = `spec-${chartIndex++}`;
      body.push(
        `<figure class="chart" id="chart-${escapeHtml(block.name)}"><div class="vega-chart" data-spec="${id}" role="img" aria-label="${escapeHtml(block.title)}"></div><figcaption>${escapeHtml(block.title)}</figcaption></figure>`,
      );
      specScripts.push(`<script type="application/json" id="${id}">${jsonForScript(chart.spec)}</script>`);
      continue;
    }
    body.push(renderBlock(block));
  }
  const document = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    ...specScripts,
  ].join('\n');
  return [redact(document), ...libs.map((lib) => `<script>${scriptSafe(lib.source)}</script>`), `<script>${INIT}</script>`, '</body>', '</html>', ''].join('\n');
}

function renderBlock(block: Exclude<Block, { kind: 'chart' }>): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level} id="${slug(block.text)}">${escapeHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${spans(block.spans)}</p>`;
    case 'note':
      return `<blockquote>${spans(block.spans)}</blockquote>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((item) => `<li>${spans(item)}</li>`).join('')}</${tag}>`;
    }
    case 'table': {
      const cls = (i: number): string => ((block.align[i] ?? 'left') === 'right' ? ' class="r"' : '');
      const head = `<tr>${block.header.map((cell, i) => `<th${cls(i)}>${escapeHtml(cell)}</th>`).join('')}</tr>`;
      const rows = block.rows.map((row) => `<tr>${row.map((cell, i) => `<td${cls(i)}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
      return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
    }
    case 'code':
      return `<pre><code>${escapeHtml(block.text)}</code></pre>`;
    case 'rule':
      return '<hr>';
  }
}

function spans(list: readonly Span[]): string {
  return list
    .map((span) => {
      if (typeof span === 'string') return escapeHtml(span);
      if ('strong' in span) return `<strong>${escapeHtml(span.strong)}</strong>`;
      return `<code>${escapeHtml(span.code)}</code>`;
    })
    .join('');
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
