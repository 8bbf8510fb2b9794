/**
 * A YAML writer for Kubernetes objects, and for the Helm chart's templates
 * made from the same objects.
 *
 * Why not a YAML library: the chart's templates are these objects with some
 * values replaced by Go-template expressions and some entries wrapped in
 * `{{- if }}` lines, which no YAML serializer writes. The data is JSON-like
 * (objects, arrays, strings, numbers, booleans), so the writer stays small and
 * leaves no room for YAML's implicit typing: every string is written
 * double-quoted with JSON escapes (valid YAML), or, when it spans lines (the
 * bundled script), as a literal block. Keys are plain only when they cannot
 * be read as anything but a string.
 */

/** A value written as a Go-template expression: `{{ expr }}` (chart templates only). */
export class TemplateExpr {
  constructor(readonly expr: string) {}
}

/** A map entry written only when a Go-template condition holds: `{{- if cond }}` … `{{- end }}` (chart templates only). */
export class TemplateIf {
  constructor(
    readonly condition: string,
    readonly value: unknown,
  ) {}
}

/** Shorthand for a value from the chart's values: `{{ toJson .Values.path }}` writes strings, numbers and maps alike as YAML. */
export const fromValues = (path: string): TemplateExpr => new TemplateExpr(`toJson .Values.${path}`);

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** Plain keys YAML 1.1 readers would turn into booleans or null. */
const RESERVED_KEY = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

/** Documents separated by `---`, each ending with a newline. */
export function toYamlDocuments(documents: readonly unknown[]): string {
  return documents.map((doc) => `---\n${toYaml(doc)}`).join('');
}

export function toYaml(value: unknown): string {
  if (!isMap(value) && !Array.isArray(value)) return `${scalar(value, 0)}\n`;
  return block(value, 0).join('\n') + '\n';
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof TemplateExpr) && !(value instanceof TemplateIf);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) && !RESERVED_KEY.test(name) ? name : JSON.stringify(name);
}

/** The lines of a non-empty map or array at `indent` spaces. */
function block(value: Record<string, unknown> | readonly unknown[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if ((isMap(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
        // The first line of the item's block goes after the dash.
        const inner = block(item, indent + 2);
        lines.push(`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1));
      } else lines.push(`${pad}- ${inline(item, indent + 2)}`);
    }
    return lines;
  }
  for (const [name, raw] of Object.entries(value)) {
    if (raw === undefined) continue;
    if (raw instanceof TemplateIf) {
      lines.push(`${pad}{{- if ${raw.condition} }}`, ...entry(name, raw.value, indent), `${pad}{{- end }}`);
    } else lines.push(...entry(name, raw, indent));
  }
  return lines;
}

function entry(name: string, value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isMap(value) && Object.keys(value).length > 0) return [`${pad}${key(name)}:`, ...block(value, indent + 2)];
  if (Array.isArray(value) && value.length > 0) return [`${pad}${key(name)}:`, ...block(value, indent)];
  return [`${pad}${key(name)}: ${inline(value, indent + 2)}`];
}

function inline(value: unknown, indent: number): string {
  if (isMap(value)) return '{}';
  if (Array.isArray(value)) return '[]';
  return scalar(value, indent);
}

function scalar(value: unknown, indent: number): string {
  if (value instanceof TemplateExpr) return `{{ ${value.expr} }}`;
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} in a Kubernetes object`);
    return String(value);
  }
  if (typeof value === 'string') return literalBlock(value, indent) ?? JSON.stringify(value);
  throw new TypeError(`cannot write a ${typeof value} in a Kubernetes object`);
}

/**
 * A multi-line string as `|` (or `|-` without a final newline) with an
 * explicit indentation indicator, so a first line that starts with spaces
 * reads back the same. Null when the text cannot round-trip as a block:
 * carriage returns, control characters, or trailing empty lines.
 */
function literalBlock(text: string, indent: number): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a literal block cannot hold
  if (!text.includes('\n') || /[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/.test(text) || text.endsWith('\n\n')) return null;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const chomp = text.endsWith('\n') ? '' : '-';
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((line) => (line === '' ? '' : pad + line));
  // The content is always two spaces deeper than its key or dash: the indicator says so, for a first line that starts with spaces.
  return `|2${chomp}\n${lines.join('\n')}`;
}
