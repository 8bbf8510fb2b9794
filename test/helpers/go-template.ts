/**
 * Renders the Helm chart's templates in tests, where no helm binary can be
 * installed: the subset of Go's text/template and Helm's functions that the
 * generated chart uses (core/k8s/chart.ts), with Go's semantics for each —
 * `{{-`/`-}}` trim whitespace, `if` tests Go truthiness, a pipeline's value is
 * the last argument of the next call. Anything else throws, so a template
 * that grows a construct this does not know fails the test instead of
 * rendering wrongly.
 */

export interface TemplateContext {
  Values: Record<string, unknown>;
  Release: { Name: string; Namespace: string };
}

type Node = { text: string } | { action: string };

/** Render `template`; `helpers` holds `define` blocks (templates/_helpers.tpl). */
export function renderGoTemplate(template: string, context: TemplateContext, helpers = ''): string {
  const defines = new Map<string, Node[]>();
  collectDefines(tokenize(helpers), defines);
  return renderNodes(tokenize(template), context, defines);
}

function tokenize(source: string): Node[] {
  const nodes: Node[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      nodes.push({ text: rest });
      break;
    }
    let text = rest.slice(0, open);
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error('unclosed {{');
    let action = rest.slice(open + 2, close);
    rest = rest.slice(close + 2);
    if (action.startsWith('-')) {
      text = text.replace(/\s+$/, '');
      action = action.slice(1);
    }
    if (action.endsWith('-')) {
      action = action.slice(0, -1);
      rest = rest.replace(/^\s+/, '');
    }
    nodes.push({ text }, { action: action.trim() });
  }
  return nodes;
}

function collectDefines(nodes: Node[], defines: Map<string, Node[]>): void {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (!('action' in node)) continue;
    if (node.action.startsWith('/*')) continue;
    const m = /^define "([^"]+)"$/.exec(node.action);
    if (m === null) throw new Error(`unsupported helper action: ${node.action}`);
    const end = matchingEnd(nodes, i);
    defines.set(m[1]!, nodes.slice(i + 1, end));
    i = end;
  }
}

function matchingEnd(nodes: Node[], start: number): number {
  let depth = 0;
  for (let i = start + 1; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (!('action' in node)) continue;
    if (/^(if|define|with|range) /.test(node.action)) depth++;
    else if (node.action === 'end') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new Error('no matching {{ end }}');
}

function renderNodes(nodes: Node[], context: unknown, defines: Map<string, Node[]>): string {
  let out = '';
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if ('text' in node) {
      out += node.text;
      continue;
    }
    if (node.action.startsWith('/*')) continue;
    if (node.action.startsWith('if ')) {
      const end = matchingEnd(nodes, i);
      if (truthy(evaluate(node.action.slice(3), context, defines))) out += renderNodes(nodes.slice(i + 1, end), context, defines);
      i = end;
      continue;
    }
    const value = evaluate(node.action, context, defines);
    out += typeof value === 'string' ? value : String(value);
  }
  return out;
}

/** Go's truthiness: false, 0, nil, empty string, empty map or array are false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function evaluate(pipeline: string, context: unknown, defines: Map<string, Node[]>): unknown {
  let value: unknown;
  let first = true;
  for (const command of splitOutside(pipeline, '|')) {
    const words = words_(command.trim());
    const args = words.slice(1).map((w) => operand(w, context, defines));
    if (!first) args.push(value);
    value = call(words[0]!, args, context, defines, words.length === 1 && first);
    first = false;
  }
  return value;
}

function call(head: string, args: unknown[], context: unknown, defines: Map<string, Node[]>, alone: boolean): unknown {
  if (alone && !/^[a-zA-Z]/.test(head)) return operand(head, context, defines);
  switch (head) {
    case 'toJson':
      return JSON.stringify(args[0] ?? null);
    case 'quote':
      return JSON.stringify(scalarText(args[0]));
    case 'add1':
      return Number(args[0]) + 1;
    case 'not':
      return !truthy(args[0]);
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < args.length; i += 2) out[String(args[i])] = args[i + 1];
      return out;
    }
    case 'printf': {
      const [format, ...rest] = args as [string, ...unknown[]];
      let k = 0;
      return format.replace(/%[sv]/g, () => scalarText(rest[k++]));
    }
    case 'include': {
      const body = defines.get(String(args[0]));
      if (body === undefined) throw new Error(`no template named ${String(args[0])}`);
      return renderNodes(body, args[1], defines);
    }
    default:
      throw new Error(`unsupported function: ${head}`);
  }
}

/** Go's %v of a scalar; maps and lists are not used with quote or printf here. */
function scalarText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return '';
  throw new Error(`unsupported non-scalar value: ${JSON.stringify(value)}`);
}

function operand(word: string, context: unknown, defines: Map<string, Node[]>): unknown {
  if (word.startsWith('"')) return JSON.parse(word) as unknown;
  if (word.startsWith('(')) return evaluate(word.slice(1, -1), context, defines);
  if (/^\d+$/.test(word)) return Number(word);
  if (word === '.') return context;
  if (word.startsWith('.')) {
    let value: unknown = context;
    for (const key of word.slice(1).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    return value;
  }
  throw new Error(`unsupported operand: ${word}`);
}

/** Words of a command: quoted strings and parenthesised pipelines stay whole. */
function words_(command: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < command.length) {
    if (command[i] === ' ') {
      i++;
      continue;
    }
    let j = i;
    if (command[i] === '"') {
      j++;
      while (command[j] !== '"') j += command[j] === '\\' ? 2 : 1;
      j++;
    } else if (command[i] === '(') {
      let depth = 0;
      do {
        if (command[j] === '"') {
          j++;
          while (command[j] !== '"') j += command[j] === '\\' ? 2 : 1;
        } else if (command[j] === '(') depth++;
        else if (command[j] === ')') depth--;
        j++;
      } while (depth > 0);
    } else while (j < command.length && command[j] !== ' ') j++;
    out.push(command.slice(i, j));
    i = j;
  }
  return out;
}

function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
