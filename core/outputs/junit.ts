/**
 * `--out junit=FILE`: the run as a JUnit XML report for CI, one test case per
 * threshold and per check. A failed threshold carries the value it observed;
 * a check fails when any of its evaluations failed. A threshold with no data is
 * skipped (not judged), which is how CI tools show it. An inconclusive threshold
 * (its limit within its value's 95 % interval) that fails the run is a failure
 * whose message starts "inconclusive"; one let pass (inconclusive: 'pass') is a
 * passing test case whose system-out starts "inconclusive (let pass)", so that
 * CI counts it as passed but anyone reading it sees it was not shown.
 */
import type { CheckRecord } from '../metrics/registry.js';
import type { ThresholdResult } from '../thresholds/types.js';
import { moreRequestsText } from '../thresholds/verdict-words.js';

export interface JunitInput {
  thresholds: readonly ThresholdResult[] | null;
  checks: readonly CheckRecord[];
  /** Test run time, ms. */
  durationMs: number;
  /** Suite name prefix, e.g. the script's file name. */
  name: string;
}

export function renderJunit(input: JunitInput): string {
  const thresholds = input.thresholds ?? [];
  const seconds = (input.durationMs / 1000).toFixed(3);
  const thresholdCases = thresholds.map((t) => {
    const name = `${t.key} ${t.source}`;
    const observed = t.observed === null ? 'no data' : `${t.aggregation}=${formatValue(t.metric, t.observed)}`;
    // No data is neither a pass nor a failure: CI tools show a skipped test as "not judged".
    if (t.ok && t.noData)
      return `    <testcase classname="llmload.thresholds" name="${xml(name)}" time="0"><skipped message="${xml(`no data: ${t.metric} had no samples`)}"/></testcase>`;
    const inconclusive = t.state === 'inconclusive' ? inconclusiveText(t, observed) : null;
    if (t.ok && inconclusive !== null)
      return `    <testcase classname="llmload.thresholds" name="${xml(name)}" time="0"><system-out>${xml(`inconclusive (let pass): ${inconclusive}`)}</system-out></testcase>`;
    if (t.ok) return `    <testcase classname="llmload.thresholds" name="${xml(name)}" time="0"><system-out>${xml(`observed ${observed}`)}</system-out></testcase>`;
    const message = t.error !== undefined ? `cannot evaluate: ${t.error}` : inconclusive !== null ? `inconclusive: ${inconclusive}` : `observed ${observed}, expected ${t.source}`;
    return `    <testcase classname="llmload.thresholds" name="${xml(name)}" time="0"><failure type="threshold" message="${xml(message)}">${xml(`${t.key}: ${message}`)}</failure></testcase>`;
  });
  const checkCases = input.checks.map((check) => {
    const group = check.group === '' ? '' : `${check.group.replace(/^::/, '').replaceAll('::', ' › ')} › `;
    const name = `${group}${check.name}`;
    const total = check.passes + check.fails;
    if (check.fails === 0)
      return `    <testcase classname="llmload.checks" name="${xml(name)}" time="0"><system-out>${xml(`${check.passes} of ${total} passed`)}</system-out></testcase>`;
    const message = `${check.fails} of ${total} failed (${((check.fails / Math.max(1, total)) * 100).toFixed(2)}%)`;
    return `    <testcase classname="llmload.checks" name="${xml(name)}" time="0"><failure type="check" message="${xml(message)}">${xml(message)}</failure></testcase>`;
  });
  const failedThresholds = thresholds.filter((t) => !t.ok).length;
  const skippedThresholds = thresholds.filter((t) => t.ok && t.noData).length;
  const failedChecks = input.checks.filter((c) => c.fails > 0).length;
  const suite = (name: string, cases: string[], failures: number, skipped = 0): string =>
    `  <testsuite name="${xml(`${input.name} ${name}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}">\n${cases.join('\n')}${cases.length > 0 ? '\n' : ''}  </testsuite>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="llmload" tests="${thresholdCases.length + checkCases.length}" failures="${failedThresholds + failedChecks}" errors="0" skipped="${skippedThresholds}" time="${seconds}">`,
    suite('thresholds', thresholdCases, failedThresholds, skippedThresholds),
    suite('checks', checkCases, failedChecks),
    '</testsuites>',
    '',
  ].join('\n');
}

/** "observed rate=0 (95 % interval 0-0.0713), expected rate<0.01, about 330 more requests needed". */
function inconclusiveText(t: ThresholdResult, observed: string): string {
  const interval =
    t.interval === null || t.interval === undefined
      ? ''
      : ` (${Math.round(t.interval.confidence * 100)} % interval ${formatValue(t.metric, t.interval.low)}-${formatValue(t.metric, t.interval.high)})`;
  return `observed ${observed}${interval}, expected ${t.source}, ${moreRequestsText(t)}`;
}

function formatValue(metric: string, value: number): string {
  const rounded = String(Number.parseFloat(value.toPrecision(6)));
  if (/^llm_(ttft|ttfc|ttfb|itl|tpot|e2e|connecting)\b/.test(metric)) return `${rounded}ms`;
  return rounded;
}

/** Text for an XML attribute or element; characters XML 1.0 forbids are dropped. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- XML 1.0 allows no C0 controls other than tab, LF and CR.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
