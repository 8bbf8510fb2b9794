/**
 * The report's capacity block for a capacity-search scenario: the answer in
 * one sentence (with its confidence, or why there is none), and a table of
 * every probe with its attainment interval and verdict.
 */
import type { CapacityResult, ProbeOutcome } from '../executors/capacity-bisect.js';
import { b, p, table, type Block } from './document.js';
import type { ReportRow } from './report-data.js';
import { fmtMs } from './format.js';

/** A share as a percentage with one decimal ("99.2%"). */
export function fmtAttainment(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}

/** "[97.1%, 99.8%]" */
export function fmtInterval(low: number, high: number): string {
  return `[${fmtAttainment(low)}, ${fmtAttainment(high)}]`;
}

/** The answer in words: the capacity, the bracket above it and the confidence behind it. */
export function capacitySentence(result: CapacityResult, unit: string): string {
  const need = `${fmtAttainment(result.target)} of requests meeting the SLOs at ${Math.round(result.confidence * 100)} % confidence`;
  const at = result.attainment === null ? '' : ` (attainment ${fmtAttainment(result.attainment.share)}, interval ${fmtInterval(result.attainment.low, result.attainment.high)})`;
  const upper =
    result.upper === null
      ? ''
      : `; ${result.upper.load} ${unit} ${result.upper.verdict === 'fail' ? 'failed' : 'was indeterminate (its interval straddled the target at the longest probe)'}`;
  switch (result.status) {
    case 'found':
      return `Capacity: ${result.capacity} ${unit}${at}, the highest load with ${need}${upper}.`;
    case 'indeterminate':
      return result.capacity === null
        ? `Capacity indeterminate: not even the first load was shown to have ${need}${upper}.`
        : `Capacity: at least ${result.capacity} ${unit}${at} with ${need}; indeterminate above it${upper}.`;
    case 'below-start':
      return `Capacity below the first load: it did not have ${need}${upper}.`;
    case 'at-max':
      return `Capacity: at least ${result.capacity} ${unit}${at}: every load up to the search's maximum had ${need}.`;
    case 'incomplete':
      return `The search stopped before it decided${result.capacity === null ? '' : `: at least ${result.capacity} ${unit}${at} had ${need}`}${upper}.`;
  }
}

/** The capacity sentence and the probe table. */
export function capacityBlocks(result: CapacityResult, rows: readonly ReportRow[], unit: string, axis: string): Block[] {
  const rowOf = (probe: ProbeOutcome): ReportRow | undefined => rows.find((r) => Number(r.label) === probe.load);
  const probeRows = result.probes.map((probe) => {
    const row = rowOf(probe);
    const mark = probe.load === result.capacity ? ' ← capacity' : '';
    return [
      String(probe.load),
      String(probe.requests),
      String(probe.good),
      fmtAttainment(probe.attainment.share),
      fmtInterval(probe.attainment.low, probe.attainment.high),
      `${probe.verdict}${mark}`,
      fmtMs(row?.ttft?.p95),
      fmtMs(row?.e2e?.p95),
    ];
  });
  return [
    p(b(capacitySentence(result, unit))),
    table([axis, 'requests', 'meeting SLOs', 'attainment', `${Math.round(result.confidence * 100)}% interval`, 'verdict', 'TTFT p95', 'E2E p95'], probeRows),
  ];
}
