/**
 * The llmload command line: flags → options → run → exit code. Only wiring;
 * the work happens in core/. Everything the process touches (argv, streams,
 * env) comes in as one object so tests can run the CLI in-process.
 */
import yargs from 'yargs';
import { formatError } from '../core/outputs/format-error.js';
import { ExitCode, isLlmloadError } from '../core/errors.js';
import { benchCommand } from './commands/bench.js';
import { compareCommand } from './commands/compare.js';
import { k8sCommand } from './commands/k8s.js';
import { newCommand } from './commands/new.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { simCommand } from './commands/sim.js';
import type { CliIo } from '../core/run/io.js';

export type { CliIo } from '../core/run/io.js';

/** Run the CLI with `argv` (without node and script path); resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const parser = yargs(argv)
    .scriptName('llmload')
    .usage('$0 <command> [options]\n\nLoad tests for LLM inference servers (vLLM, SGLang, TGI, llama.cpp, Ollama).')
    .command(runCommand(io, setExit))
    .command(benchCommand(io, setExit, argv))
    .command(newCommand(io))
    .command(simCommand)
    .command(reportCommand(io))
    .command(compareCommand(io))
    .command(k8sCommand(io))
    .middleware(mapStackTraces)
    .demandCommand(1, 'name a command: run, bench, new, sim, report, compare, k8s')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      // A .check() that returns a message hands it over as the "error" too: a usage failure, not a crash.
      if (error && (error as unknown) !== message) throw error;
      throw new UsageFailure(message);
    });
  skipHelpCache(parser);
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageFailure) {
      io.stderr.write(`llmload: ${error.message}\nRun 'llmload --help' or 'llmload run --help' for usage.\n`);
      return ExitCode.USAGE;
    }
    io.stderr.write(formatError(error, io.env) + '\n');
    return isLlmloadError(error) ? error.exitCode : ExitCode.GENERIC_ENGINE;
  }
  return exitCode;
}

class UsageFailure extends Error {}

/**
 * Stack traces name TypeScript lines, through source maps. Node reads and parses the map of every
 * module loaded while mapping is on (~50 ms of CPU for the run engine's ~300 modules, before the first
 * request), so `run` turns it on itself once its engine has loaded (bin/commands/run.ts); the script,
 * bundled with an inline map, is loaded after that. The bundled command (dist/bundled/) is loaded
 * before either: an unexpected error's trace is mapped when shown (core/outputs/bundled-stack.ts).
 */
function mapStackTraces(args: { _: readonly (string | number)[] }): void {
  if (args._[0] !== 'run') process.setSourceMapsEnabled(true);
}

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } | undefined } | undefined;
}

/**
 * yargs renders the command's whole help text right after starting its handler, to show it on a
 * later failure: ~100 ms of CPU before a run's first request. Failures here go through .fail(),
 * which prints a hint and never that text, so the render is skipped (help itself is unaffected).
 */
function skipHelpCache(parser: object): void {
  const usage = (parser as YargsInternals).getInternalMethods?.()?.getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = (): void => {};
}
