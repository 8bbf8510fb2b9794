/**
 * `npm run bench`: llmload against the floor (a bare undici loop,
 * floor-undici.ts), both loading the same target in the same run, each as its
 * own process; prints one table (BENCHMARKS.md records it).
 *
 *   npm run bench                          every case, 3 repetitions (about 6 minutes)
 *   npm run bench -- --quick               every case, 1 repetition, smaller runs (about 2 minutes)
 *   npm run bench -- ingest accuracy       only these cases (startup, low-load, idle, ingest, timed, report-build,
 *                                          accuracy, memory, sim, micro; and, only when named, sim-throughput,
 *                                          open-loop-rate and coordinator)
 *   npm run bench -- --reps 5              more repetitions (figures are medians)
 *   npm run bench -- ingest --cpu-prof DIR also profile one llmload run per level (not counted; ingest, timed, low-load)
 *   npm run bench -- --json FILE           where every measurement goes (default .cache/bench/last.json)
 *
 * Cases: low load (100 requests at 4 and 16 streams, one token per read:
 * CPU and peak RSS; the Python peer too where python3-aiohttp is installed),
 * idle overhead (1 stream, CPU per wall second), timed ingest (one token per
 * read at 64 and 512 streams), the report built from 10,000 requests,
 * 1 ingest cost (and 5 worker scaling, same runs), 2 timing accuracy,
 * 3 memory per stream and 10,000 streams, 4 start-up, the ingest and
 * accuracy cases against llmload's simulator, and the micro benchmarks of the
 * hot paths (SSE parser, metrics registry, the controller's per-request work),
 * whose own tables follow the main one. Traffic stays on 127.0.0.1.
 * Benchmarks are not tests: the machine is shared and noisy, and `npm test`
 * never runs these.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { sseStubBinary } from '../helpers/sse-stub.js';
import { accuracyCase } from './macro/accuracy.js';
import { coordinatorCase } from './macro/coordinator.js';
import { ingestCase } from './macro/ingest.js';
import { idleCase, lowLoadCase } from './macro/low-load.js';
import { memoryCase } from './macro/memory.js';
import { cleanup, ROOT, startNode } from './macro/processes.js';
import { table, type CaseOptions, type CaseResult, type Row } from './macro/report.js';
import { reportBuildCase } from './macro/report-build.js';
import { simulatorCase } from './macro/simulator.js';
import { startupCase } from './macro/startup.js';
import { timedCase } from './macro/timed.js';

/** Micro benchmarks, one process each; their own output is printed after the table. */
const MICRO = ['sse-parser', 'response-handler', 'metrics-ingest', 'controller-ingest'] as const;
/** Other benchmarks of test/bench, run only when named (they take a minute or more each). */
const OPT_IN: Record<string, string[]> = { 'sim-throughput': ['sim-throughput.js'], 'open-loop-rate': ['open-loop-rate.js', '500', '20'] };

/** Outputs of the micro and opt-in benchmarks, printed after the table. */
const extraOutputs: string[] = [];

/** Run bench files as child processes (bounded), keeping their output for after the table. */
function scripts(list: ReadonlyArray<readonly string[]>): (options: CaseOptions) => Promise<CaseResult> {
  return async (options) => {
    for (const [file, ...args] of list) {
      const running = startNode(join(ROOT, 'dist', 'test', 'bench', file!), args, { timeoutMs: 180_000 });
      const result = await running.done;
      const ok = result.code === 0 && !result.timedOut;
      options.log(`${file} ${args.join(' ')}: ${(result.wallMs / 1000).toFixed(1)} s${ok ? '' : `, FAILED (exit ${result.code ?? result.signal})`}`);
      extraOutputs.push(`$ node dist/test/bench/${[file, ...args].join(' ')}\n${result.stdout.trimEnd()}${ok ? '' : `\n${result.stderr.trimEnd()}`}`);
    }
    return { rows: [], raw: null };
  };
}

const CASES: Record<string, (options: CaseOptions) => Promise<CaseResult>> = {
  startup: startupCase,
  'low-load': lowLoadCase,
  idle: idleCase,
  ingest: ingestCase,
  timed: timedCase,
  'report-build': reportBuildCase,
  accuracy: accuracyCase,
  memory: memoryCase,
  sim: simulatorCase,
  micro: scripts(MICRO.map((name) => [`${name}.js`])),
  // Only when named: 8 runner processes at once take the whole machine.
  coordinator: coordinatorCase,
  ...Object.fromEntries(Object.entries(OPT_IN).map(([name, command]) => [name, scripts([command])])),
};
/** What runs when no case is named. */
const DEFAULT_CASES = ['startup', 'low-load', 'idle', 'ingest', 'timed', 'report-build', 'accuracy', 'memory', 'sim', 'micro'];

interface Args {
  cases: string[];
  quick: boolean;
  reps: number;
  cpuProfDir: string | null;
  json: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { cases: [], quick: false, reps: 3, cpuProfDir: null, json: join(ROOT, '.cache', 'bench', 'last.json') };
  let repsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--reps') {
      args.reps = Number(value());
      repsGiven = true;
      if (!(Number.isInteger(args.reps) && args.reps >= 1)) throw new Error(`--reps must be a positive integer, got ${args.reps}`);
    } else if (a === '--cpu-prof') args.cpuProfDir = resolve(value());
    else if (a === '--json') args.json = resolve(value());
    else if (a === '--case') args.cases.push(...value().split(','));
    else if (a in CASES) args.cases.push(a);
    else throw new Error(`unknown argument ${a} (cases: ${Object.keys(CASES).join(', ')}; flags: --quick, --reps N, --case a,b, --cpu-prof DIR, --json FILE)`);
  }
  for (const c of args.cases) if (!(c in CASES)) throw new Error(`unknown case ${c} (known: ${Object.keys(CASES).join(', ')})`);
  if (args.cases.length === 0) args.cases = DEFAULT_CASES;
  if (args.quick && !repsGiven) args.reps = 1;
  return args;
}

function machine(): Record<string, string> {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return { cpus: String(availableParallelism()), cpu, node: process.version, platform: `${process.platform} ${process.arch}` };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (sseStubBinary() === null) throw new Error('the sse-stub cannot be built here (needs cargo and ../shared/tools/sse-stub)');
  const info = machine();
  const startedAt = new Date();
  const load0 = loadavg()[0]!;
  const log = (line: string): void => void process.stderr.write(`  ${line}\n`);
  process.stderr.write(
    `llmload bench: ${args.cases.join(', ')}; ${args.reps} repetition${args.reps > 1 ? 's' : ''}${args.quick ? ', quick' : ''}\n` +
      `machine: ${info['cpus']} CPUs (${info['cpu']}), Node ${info['node']}, load average ${load0.toFixed(2)}\n`,
  );
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const t0 = performance.now();
  try {
    for (const name of args.cases) {
      const caseStart = performance.now();
      process.stderr.write(`${name}:\n`);
      const result = await CASES[name]!({ quick: args.quick, reps: args.reps, cpuProfDir: args.cpuProfDir, log });
      rows.push(...result.rows);
      raw[name] = result.raw;
      log(`(${((performance.now() - caseStart) / 1000).toFixed(0)} s)`);
    }
  } finally {
    cleanup();
  }
  const seconds = (performance.now() - t0) / 1000;
  const load1 = loadavg()[0]!;
  process.stdout.write(
    `\nllmload ${readVersion()} vs the floor (bare undici loop), ${args.reps} repetition${args.reps > 1 ? 's' : ''} (medians), ${startedAt.toISOString()}, ` +
      `${seconds.toFixed(0)} s; ${info['cpus']} CPUs (${info['cpu']}), Node ${info['node']}; load average ${load0.toFixed(2)} → ${load1.toFixed(2)}\n\n`,
  );
  if (rows.length > 0) process.stdout.write(`${table(rows)}\n`);
  for (const output of extraOutputs) process.stdout.write(`\n${output}\n`);
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, JSON.stringify({ startedAt: startedAt.toISOString(), seconds, machine: info, args, rows, raw }, null, 2));
  process.stderr.write(`\nevery measurement: ${args.json}\n`);
}

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '';
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
