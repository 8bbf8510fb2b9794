/** `llmload report <results.ndjson>`: rebuild a run's report folder from its raw results. */
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { redactSecrets } from '../../core/outputs/redact.js';
import type { CliIo } from '../../core/run/io.js';

interface ReportArgs {
  results: string[];
  out?: string;
}

/** Where the report goes by default: beside a report folder's results.ndjson, else in FILE-report/ beside the file. */
export function defaultReportOut(results: string): string {
  return basename(results) === 'results.ndjson' ? dirname(results) : join(dirname(results), `${basename(results, extname(results))}-report`);
}

export function reportCommand(io: CliIo): CommandModule<object, ReportArgs> {
  return {
    command: 'report <results..>',
    describe:
      "Build the report folder (Markdown, HTML, Vega-Lite charts) from a run's raw results, without re-running the load; several results files (the instances of one split test) make one merged report",
    builder: (y) =>
      y
        .positional('results', {
          type: 'string',
          array: true,
          demandOption: true,
          describe:
            'Raw results of a run: a report folder, its results.ndjson, or a --out json=FILE file; or several, one per instance of a test run with --instance, merged into one report',
        })
        .option('out', {
          alias: 'o',
          type: 'string',
          describe: "Report folder (default: the results file's folder when it is a report folder's results.ndjson, else FILE-report/ beside it). Example: --out reports/run1",
        })
        .example('$0 report llmload-results/20260114-101500-sweep', "Re-make a run's report in place")
        .example('$0 report results.ndjson --out reports/sweep', 'Build a report from --out json results')
        .example('$0 report i0.ndjson i1.ndjson i2.ndjson --out reports/merged', "Merge the instances' results of one split test into one report") as unknown as Argv<ReportArgs>,
    handler: async (args) => {
      // The report modules load only for this command, not on every CLI start.
      const { writeReportFromResults } = await import('../../core/report/write-report.js');
      const { resultsFileOf } = await import('../../core/report/results-file.js');
      const results = args.results.map((path) => resultsFileOf(resolve(io.cwd, path)));
      const out = resolve(io.cwd, args.out ?? (results.length === 1 ? defaultReportOut(results[0]!) : join(dirname(results[0]!), 'merged-report')));
      const written = await writeReportFromResults(results, out, { redact: (text) => redactSecrets(text, io.env), cwd: io.cwd });
      const show = (path: string): string => relative(io.cwd, path) || '.';
      io.stdout.write(
        `report: ${show(written.markdown)}\nhtml:   ${show(written.html)}\ndata:   ${show(written.json)}\ncharts: ${written.charts.filter((c) => c.endsWith('.svg')).length} in ${show(join(out, 'charts'))}\n`,
      );
    },
  };
}
