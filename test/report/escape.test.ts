import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeHtml, escapeMarkdown, escapeMarkdownCell, fenceFor, jsonForScript, scriptSafe } from '../../core/report/escape.js';
import { code, p, table } from '../../core/report/document.js';
import { renderHtml } from '../../core/report/html.js';
import { renderMarkdown } from '../../core/report/markdown.js';

const EVIL = '</script><script>alert(1)</script><!-- & "quotes" \'single\'';

test('HTML text and attributes', () => {
  assert.is(escapeHtml(EVIL), '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &amp; &quot;quotes&quot; &#39;single&#39;');
});

test('JSON inside <script>: no < > & left, still the same value', () => {
  const json = jsonForScript({ text: EVIL, line: 'a\u2028b' });
  assert.not.match(json, '<');
  assert.not.match(json, '>');
  assert.not.match(json, '&');
  assert.match(json, '\\u003c/script\\u003e');
  assert.equal(JSON.parse(json), { text: EVIL, line: 'a\u2028b' });
});

test('inlined libraries cannot close their <script> element', () => {
  assert.is(scriptSafe('var s = "</script>"; var t = "<!--";'), 'var s = "\\x3c/script>"; var t = "\\x3c!--";');
});

test('Markdown: inline text, table cells and code fences', () => {
  assert.is(escapeMarkdown('a *b* [c] finish_reason _x_ <b>'), 'a \\*b\\* \\[c\\] finish_reason \\_x\\_ &lt;b>');
  assert.is(escapeMarkdownCell('a|b <i>\nc'), 'a\\|b &lt;i> c');
  assert.is(fenceFor('no ticks'), '```');
  assert.is(fenceFor('has ```` four'), '`````');
});

test('a document with hostile text renders escaped in both formats', async () => {
  const doc = { title: EVIL, blocks: [p(EVIL), table(['h'], [[EVIL]]), code(`${EVIL}\n\`\`\`\nafter fence`)] };
  const html = await renderHtml(doc, []);
  const body = html.slice(0, html.indexOf('<script>'));
  assert.not.match(body, '<script>alert(1)');
  assert.match(body, '<title>&lt;/script&gt;&lt;script&gt;alert(1)');
  assert.match(body, '<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  assert.match(body, '<td>&lt;/script&gt;&lt;script&gt;alert(1)');
  const md = renderMarkdown(doc);
  assert.not.match(md.replace(/````[\s\S]*?````/, ''), '<script>', 'outside the code block, < is an entity');
  assert.match(md, '````text\n</script>', 'inside a fence longer than any backtick run, text stays as it is');
});

test('the HTML report redacts what it says and leaves the inlined libraries alone', async () => {
  const secret = 'sk-test-0123456789abcdef';
  const doc = { title: 'run', blocks: [p(`key ${secret} in a model answer`)] };
  const seen: string[] = [];
  const redact = (text: string): string => {
    seen.push(text);
    return text.split(secret).join('[REDACTED]');
  };
  const html = await renderHtml(doc, [], redact);
  assert.not.match(html, secret);
  assert.match(html, '<p>key [REDACTED] in a model answer</p>');
  // The ~1 MB of vega, vega-lite and vega-embed never pass through the redaction's regular expressions.
  const redacted = seen.reduce((n, text) => n + text.length, 0);
  assert.ok(redacted < 50_000, `redaction ran over ${redacted} characters`);
  assert.ok(html.length > 500_000, 'the libraries are inlined');
});

test.run();
