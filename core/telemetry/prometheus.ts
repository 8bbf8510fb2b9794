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

/** One sample line's name and value; null when the line is not one. */
export function parseSampleLine(line: string): { name: string; value: number } | null {
  const brace = line.indexOf('{');
  let name: string;
  let rest: string;
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
  return { name, value };
}

function parsePromNumber(text: string): number | null {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (text === '') return null;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}
