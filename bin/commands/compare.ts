/** `llmload compare <run-a> <run-b> [...]`: runs side by side with % change, the first run as the baseline. */
import { join, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { redactSecrets } from '../../core/outputs/redact.js';
import { RESULTS_ROOT } from '../../core/report/report-dir.js';
import type { CliIo } from '../../core/run/io.js';

interface CompareArgs {
  runs: string[];
  out?: string;
  label?: string[];
}

export function compareCommand(io: CliIo): CommandModule<object, CompareArgs> {
  return {
    command: 'compare <runs..>',
    describe: 'Compare runs side by side (report folders, report.json, results.ndjson or --summary-export files); the first is the baseline',
    builder: (y) =>
      y
        .positional('runs', { type: 'string', array: true, demandOption: true, describe: 'Two or more runs, baseline first' })
        .option('out', {
          alias: 'o',
          type: 'string',
          describe: `Folder for compare.md, compare.html, compare.json and charts (default: ${RESULTS_ROOT}/compare-<YYYYMMDD-HHMMSS>/). Example: --out reports/compare`,
        })
        .option('label', {
          alias: 'l',
          type: 'string',
          array: true,
          describe: 'Names for the runs, in order (default: folder or file names). Example: --label baseline --label optimized',
        })
        .example('$0 compare llmload-results/baseline llmload-results/optimized', 'Baseline vs optimized, per level')
        .example('$0 compare a/summary.json b/summary.json --label fp16 --label fp8', 'Compare two --summary-export files') as unknown as Argv<CompareArgs>,
    handler: async (args) => {
      // The report modules load only for this command, not on every CLI start.
      const [{ compareRuns, loadRuns }, { writeComparison }] = await Promise.all([import('../../core/report/compare.js'), import('../../core/report/compare-report.js')]);
      const runs = await loadRuns(
        args.runs.map((r) => resolve(io.cwd, r)),
        args.label ?? [],
      );
      for (const run of runs) run.source = relative(io.cwd, run.source) || '.';
      const comparison = compareRuns(runs);
      const out = resolve(io.cwd, args.out ?? join(RESULTS_ROOT, `compare-${stamp(new Date())}`));
      const written = await writeComparison(runs, comparison, out, (text) => redactSecrets(text, io.env));
      for (const warning of comparison.warnings) io.stderr.write(`llmload compare: warning: ${warning}\n`);
      io.stdout.write(written.text);
      io.stdout.write(`\ncomparison: ${relative(io.cwd, written.markdown)} (also compare.html, compare.json, charts/)\n`);
    },
  };
}

function stamp(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}
