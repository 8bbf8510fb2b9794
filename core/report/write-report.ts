/**
 * Writes a report folder:
 *
 *   report.md            the report, charts as charts/NAME.svg images
 *   report.html          the same content, one self-contained file, interactive charts
 *   report.json          the data behind both (ReportData): what `llmload compare` reads
 *   charts/NAME.vl.json  each chart's Vega-Lite spec, data inline
 *   charts/NAME.svg      each chart rendered headless
 *
 * from a results.ndjson, the same way for a run that just ended and for
 * `llmload report` later.
 */
import { join } from 'node:path';
import { ensureDir, write } from './output-file.js';
import { reportCharts, type ChartSpec } from './charts.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildReportData, type ReportData } from './report-data.js';
import { buildReportDocument } from './report-document.js';
import { remakeCommand } from './remake-command.js';
import { renderSvg } from './render-svg.js';
import { readResultsFile, readResultsFiles } from './results-file.js';
import { saveBundleCodeCaches } from './vega-bundles.js';

export interface WrittenReport {
  dir: string;
  markdown: string;
  html: string;
  json: string;
  charts: string[];
  data: ReportData;
}

export interface WriteReportOptions {
  /** Applied to every text file written (removes secrets). */
  redact?: (text: string) => string;
  /** The raw results the report is made from, when not the folder's own results.ndjson: the footer's re-make command names it. */
  resultsPath?: string;
  /** Where the user stands (default: the process's working folder): the footer's paths are relative to it. */
  cwd?: string;
}

/** Read a results file (or the files of a split test's instances, merged) and write its report into `dir`. */
export async function writeReportFromResults(resultsPath: string | readonly string[], dir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const paths = typeof resultsPath === 'string' ? [resultsPath] : resultsPath;
  const results = paths.length === 1 ? await readResultsFile(paths[0]!) : await readResultsFiles(paths);
  return writeReport(buildReportData(results), dir, paths.length === 1 ? { resultsPath: paths[0]!, ...options } : options);
}

export async function writeReport(data: ReportData, dir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const redact = options.redact ?? ((text: string): string => text);
  const charts = reportCharts(data);
  const doc = buildReportDocument(data, charts, remakeCommand(dir, options.resultsPath ?? null, options.cwd ?? process.cwd()));
  const chartsDir = join(dir, 'charts');
  await ensureDir(chartsDir);
  const written: string[] = [];
  for (const chart of charts) written.push(...(await writeChart(chartsDir, chart, redact)));
  // After the charts, so the functions drawing them compiled lazily are cached too.
  await saveBundleCodeCaches();
  const paths = { markdown: join(dir, 'report.md'), html: join(dir, 'report.html'), json: join(dir, 'report.json') };
  await write(paths.markdown, redact(renderMarkdown(doc)));
  await write(paths.html, await renderHtml(doc, charts, redact));
  await write(paths.json, redact(JSON.stringify(data, null, 2) + '\n'));
  return { dir, ...paths, charts: written, data };
}

/** Write a chart's spec and its SVG; returns both paths. */
export async function writeChart(chartsDir: string, chart: ChartSpec, redact: (text: string) => string = (t) => t): Promise<string[]> {
  const specPath = join(chartsDir, `${chart.name}.vl.json`);
  const svgPath = join(chartsDir, `${chart.name}.svg`);
  await write(specPath, redact(JSON.stringify(chart.spec, null, 2) + '\n'));
  await write(svgPath, redact(await renderSvg(chart.name, chart.spec)));
  return [specPath, svgPath];
}
