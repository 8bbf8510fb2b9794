/**
 * Escaping for the two places report text lands. Everything a server or a
 * model said (model names, answers, error messages) passes through here.
 */

const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML[ch]!);
}

/**
 * JSON for inside a <script> element: `<`, `>` and `&` become \u003c, \u003e
 * and \u0026 (so no `</script>` or `<!--` can end or confuse the element), and
 * U+2028/U+2029 are escaped for older JavaScript parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A JavaScript library for an inline <script>: a `</script` or `<!--` inside
 * it (in a string or regex literal) would end or alter the element, so the
 * `<` of each is written as the equivalent escape `\x3c`.
 */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '\\x3c/$1').replace(/<!--/g, '\\x3c!--');
}

/** Inline Markdown text: characters Markdown would act on are backslash-escaped, `<` written as an entity. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*[\]_]/g, (ch: string, at: number, whole: string) =>
      // An underscore between two word characters never starts emphasis in GFM; leave it readable.
      ch === '_' && /\w/.test(whole[at - 1] ?? '') && /\w/.test(whole[at + 1] ?? '') ? ch : `\\${ch}`,
    )
    .replace(/^#/, '\\#')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/** A Markdown table cell: pipes escaped, line breaks flattened, `<` written as an entity. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

/** A fence longer than any run of backticks in `text`, so a code block cannot be closed early. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}
