/**
 * Just enough of the Prometheus text exposition format (version 0.0.4) to
 * read an inference server's /metrics: every sample line
 *
 *   metric_name{label="value",…} value [timestamp]
 *
 * summed over its label sets, so `vllm:num_requests_running{model_name="a"}`
 * and `{model_name="b"}` read as one figure. Comment lines (`# HELP`,
 * `# TYPE`) and histogram buckets are skipped.
 */

/** Prefixes of the metric families kept (vLLM, SGLang, TGI, llama.cpp server). */
const KEEP = /^(?:vllm:|sglang:|tgi_|llamacpp:)/;

/** Metric name → value summed over label sets, for the kept families. */
export function parsePrometheusText(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (sample === null || !KEEP.test(sample.name) || sample.name.endsWith('_bucket') || sample.name.endsWith('_created')) continue;
    out[sample.name] = (out[sample.name] ?? 0) + sample.value;
  }
  return out;
}

/** One sample with its labels (label values unescaped). */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Every sample of the families `keep` accepts, labels kept: what a DCGM exporter (one series per
 * GPU, told apart by `gpu`, `UUID`, `Hostname`…) or any other exporter needs. Histogram buckets
 * and `_created` lines are skipped as above. Hand-written like parsePrometheusText rather than a
 * package: the 0.0.4 text format's sample line is the whole grammar needed here, and the npm
 * parsers either pull in a client library or drop the escapes in label values.
 */
export function parsePrometheusSamples(text: string, keep: (name: string) => boolean): PromSample[] {
  const out: PromSample[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSampleLine(line, true);
    if (sample === null || !keep(sample.name) || sample.name.endsWith('_bucket') || sample.name.endsWith('_created')) continue;
    out.push({ name: sample.name, labels: sample.labels ?? {}, value: sample.value });
  }
  return out;
}

/** One sample line's name and value (and labels, when asked for); null when the line is not one. */
export function parseSampleLine(line: string, withLabels = false): { name: string; value: number; labels?: Record<string, string> } | null {
  const brace = line.indexOf('{');
  let name: string;
  let rest: string;
  let labels: Record<string, string> | undefined;
  if (brace !== -1 && brace < (line.indexOf(' ') === -1 ? line.length : line.indexOf(' '))) {
    name = line.slice(0, brace);
    // Label values may hold '}' inside quotes: find the closing brace outside a quoted string.
    let i = brace + 1;
    let quoted = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '}') break;
    }
    if (i >= line.length) return null;
    if (withLabels) {
      const parsed = parseLabels(line.slice(brace + 1, i));
      if (parsed === null) return null;
      labels = parsed;
    }
    rest = line.slice(i + 1).trim();
  } else {
    const space = line.search(/\s/);
    if (space === -1) return null;
    name = line.slice(0, space);
    rest = line.slice(space).trim();
  }
  const valueText = rest.split(/\s+/)[0] ?? '';
  const value = parsePromNumber(valueText);
  if (name === '' || value === null) return null;
  return labels === undefined ? { name, value } : { name, value, labels };
}

/** `a="1",b="x\\"y"` → { a: '1', b: 'x"y' }; null when malformed. */
function parseLabels(body: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    while (i < body.length && (body[i] === ' ' || body[i] === ',')) i++;
    if (i >= body.length) break;
    const eq = body.indexOf('=', i);
    if (eq === -1) return null;
    const key = body.slice(i, eq).trim();
    i = eq + 1;
    while (body[i] === ' ') i++;
    if (body[i] !== '"' || key === '') return null;
    i++;
    let value = '';
    for (; i < body.length && body[i] !== '"'; i++) {
      if (body[i] === '\\' && i + 1 < body.length) {
        i++;
        value += body[i] === 'n' ? '\n' : body[i];
      } else value += body[i];
    }
    if (i >= body.length) return null;
    i++;
    labels[key] = value;
  }
  return labels;
}

function parsePromNumber(text: string): number | null {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (text === '') return null;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}
