#!/usr/bin/env node
// The llmload command: a thin shim over the bundled CLI (dist/bundled/cli.cjs, built from dist/bin/cli.js),
// loaded from its V8 code cache (core/loading/load-bundle.ts).
import { setFlagsFromString } from 'node:v8';

// V8's memory reducer shrinks an isolate's heap with mark-compact collections once its allocation rate drops:
// in a run whose streams wait for tokens, most of the process's CPU while it waited (BENCHMARKS.md, idle). A
// load test's heap need not shrink before it exits. Set before the worker threads and the simulator start:
// their isolates never run it (this one, made before this line, keeps its own).
setFlagsFromString('--no-memory-reducer');
const argv = process.argv.slice(2);

// `llmload run` boots its first worker thread now, beside loading the command and parsing its arguments: the run
// takes it over (core/run/worker-thread.ts). Not for help, nor a coordinator (its runners are processes).
const firstThread =
  argv[0] === 'run' && !argv.some((arg) => /^(-h|--help|--version|--instances|--coordinator)(=|$)/.test(arg)) ? await import('../dist/core/run/worker-thread.js') : undefined;
firstThread?.startFirstWorkerThread(new URL('../dist/core/loading/worker-bundle.js', import.meta.url).href);

const { loadBundle } = await import('../dist/core/loading/load-bundle.js');
const cli = loadBundle(new URL('../dist/bundled/cli.cjs', import.meta.url));
// Written once the command is done, with what it compiled while it ran; only when there was no usable cache.
process.once('exit', () => cli.saveCodeCache());
const { main } = cli.exports;

process.exitCode = await main(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  exit: (code) => process.exit(code),
});
// A command that ended before its run took the thread (a usage error, say) leaves it: stopped here.
await firstThread?.dropFirstWorkerThread();
