/**
 * The Markdown appended to $GITHUB_STEP_SUMMARY when that variable is set (a
 * GitHub Actions job page shows it): the verdict, the table per level, the
 * key findings in one line each, the thresholds, and where the report is.
 */
import { appendFile } from 'node:fs/promises';
import { ErrorCode, LlmloadError } from '../errors.js';
import { b, h, p, ul, type Block, type Span } from '../report/document.js';
import { fmtChange, fmtCount, fmtRate, fmtShare, fmtSpeedup } from '../report/format.js';
import { renderMarkdown } from '../report/markdown.js';
import type { ReportData } from '../report/report-data.js';
import { levelName, summaryTables, thresholdsSection, verdict } from '../report/report-document.js';

export function githubSummary(data: ReportData, reportPath: string | null): string {
  const blocks: Block[] = [h(2, `llmload: ${data.title.replace(/^Load test report: /, '')}`), ...verdict(data)];
  blocks.push(...summaryTables(data).slice(1));
  const findings: Span[][] = [];
  for (const sweep of data.sweeps) {
    const f = sweep.findings;
    if (f === null) continue;
    const top = f.scaling[f.scaling.length - 1]!;
    if (f.scaling.length > 1)
      findings.push([
        b('Scaling: '),
        `${fmtSpeedup(top.speedup)} the ${levelName(sweep, f.baseline.label)} throughput at ${levelName(sweep, top.label)} (efficiency ${fmtShare(top.efficiency)})`,
      ]);
    findings.push([
      b('Saturation: '),
      f.saturation.reached
        ? `${levelName(sweep, f.saturation.label)} (next level: ${fmtChange(f.saturation.gain)} throughput, ${fmtChange(f.saturation.latencyGrowth)} E2E p50)`
        : 'not reached',
    ]);
    findings.push([b('Breaking point: '), f.breaking === null ? 'none within the tested range' : `${levelName(sweep, f.breaking.label)} (${f.breaking.reasons.join('; ')})`]);
    if (f.capacity !== null)
      findings.push([
        b('Capacity: '),
        `~${fmtCount(f.capacity.requestsPerHour)} requests/hour (${fmtRate(f.capacity.requestsPerSec)} req/s) at ${levelName(sweep, f.capacity.label)}`,
      ]);
  }
  if (findings.length > 0) blocks.push(h(3, 'Key findings'), ul(findings));
  if (data.thresholds !== null && data.thresholds.length > 0) blocks.push(...thresholdsSection(data).map((block) => (block.kind === 'heading' ? h(3, block.text) : block)));
  if (reportPath !== null) blocks.push(p('Full report: ', { code: reportPath }));
  return renderMarkdown({ title: data.title, blocks });
}

/** Append to the step summary file. */
export async function appendGithubSummary(path: string, markdown: string): Promise<void> {
  try {
    await appendFile(path, markdown + '\n');
  } catch (error) {
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot append to $GITHUB_STEP_SUMMARY (${path}): ${(error as Error).message}`, { cause: error });
  }
}
