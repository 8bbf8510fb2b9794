/**
 * `nvidia-smi` as one long-lived child:
 *
 *   nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits -lms <interval>
 *
 * The fields are discovered first from `nvidia-smi --help-query-gpu`, since
 * drivers rename them (`clocks_throttle_reasons.*` became
 * `clocks_event_reasons.*`, `clocks.sm` is also `clocks.current.sm`): each
 * wanted figure takes the first of its names the driver lists. A value of
 * `[N/A]` or `[Not Supported]` is a missing value, not an error.
 *
 * The command is configurable (`ssh gpu-host nvidia-smi`): the query
 * arguments are appended to it. A watchdog restarts a child that stops
 * printing (nvidia-smi can hang on a wedged driver), and one that exits; the
 * restarts are counted and said in the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GpuDevice, GpuSample, GpuSourceInfo } from './gpu-types.js';
import { emptySample } from './dcgm.js';

/** Each figure read, with its names from newest to oldest driver. */
const WANTED = {
  index: ['index'],
  uuid: ['uuid', 'gpu_uuid'],
  name: ['name', 'gpu_name'],
  driver: ['driver_version'],
  util: ['utilization.gpu'],
  memUsed: ['memory.used'],
  memTotal: ['memory.total'],
  power: ['power.draw', 'power.draw.instant', 'power.draw.average'],
  temp: ['temperature.gpu'],
  sm: ['clocks.sm', 'clocks.current.sm'],
  throttle: ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'],
} as const;

type Figure = keyof typeof WANTED;

/** Field names listed by `--help-query-gpu`: each is quoted at the start of its line. */
export function parseHelpQueryGpu(text: string): Set<string> {
  const fields = new Set<string>();
  for (const match of text.matchAll(/^\s*"([a-z0-9_.]+)"/gim)) fields.add(match[1]!.toLowerCase());
  return fields;
}

/** For each figure, the field name this driver knows (figures it lacks are left out). */
export function chooseFields(available: ReadonlySet<string>): Array<[Figure, string]> {
  const out: Array<[Figure, string]> = [];
  for (const figure of Object.keys(WANTED) as Figure[]) {
    const name = WANTED[figure].find((n) => available.has(n));
    if (name !== undefined) out.push([figure, name]);
  }
  return out;
}

/** One CSV value: [N/A], [Not Supported] and the like are missing. */
function value(text: string | undefined): string | null {
  if (text === undefined) return null;
  const t = text.trim();
  return t === '' || t.startsWith('[') || t === 'N/A' ? null : t;
}

function number(text: string | null): number | null {
  if (text === null) return null;
  const n = text.startsWith('0x') ? Number.parseInt(text, 16) : Number(text);
  return Number.isFinite(n) ? n : null;
}

export interface NvidiaSmiOptions {
  /** The command and its own arguments (the query arguments are appended). */
  command: readonly string[];
  intervalMs: number;
  /** Label for devices' host (the ssh host, or 'local'). */
  host: string;
  onReading(device: GpuDevice, sample: GpuSample): void;
  clock(): number;
}

/** Restarts after which the source gives up. */
const MAX_RESTARTS = 5;

export class NvidiaSmiSource {
  readonly info: GpuSourceInfo;
  readonly #options: NvidiaSmiOptions;
  readonly #fields: Array<[Figure, string]>;
  readonly #stallMs: number;
  #child: ChildProcess | null = null;
  #lastLineAt = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #restarts = 0;
  #stopped = false;

  private constructor(options: NvidiaSmiOptions, fields: Array<[Figure, string]>) {
    this.#options = options;
    this.#fields = fields;
    this.#stallMs = Math.max(2000, options.intervalMs * 4);
    this.info = { kind: 'nvidia-smi', where: [...options.command].join(' '), readings: 0, note: null };
  }

  /** Discover the fields and start the child; a string saying why when the command cannot run. */
  static async start(options: NvidiaSmiOptions): Promise<NvidiaSmiSource | string> {
    // Most machines that run llmload have no nvidia-smi: a look along PATH costs microseconds, a failed spawn() ~10-15 ms of the controller's start.
    const [cmd] = options.command;
    if (cmd !== undefined && !cmd.includes('/') && findOnPath(cmd, process.env['PATH'] ?? '') === null) return `${cmd} not found`;
    const help = await runOnce(options.command, ['--help-query-gpu'], 10_000);
    if (typeof help !== 'string') return help.notFound ? `${options.command[0]} not found` : `${options.command.join(' ')} --help-query-gpu failed: ${help.error}`;
    const fields = chooseFields(parseHelpQueryGpu(help));
    if (!fields.some(([f]) => f === 'util' || f === 'memUsed' || f === 'power')) return `${options.command.join(' ')} --help-query-gpu lists no utilisation, memory or power field`;
    const source = new NvidiaSmiSource(options, fields);
    source.#spawn();
    source.#watchdog = setInterval(() => source.#check(), Math.min(1000, options.intervalMs));
    source.#watchdog.unref();
    return source;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#watchdog);
    this.#child?.kill('SIGKILL');
    this.#child = null;
    if (this.#restarts > 0) this.info.note = `restarted ${this.#restarts} ${this.#restarts === 1 ? 'time' : 'times'} after it stopped answering`;
  }

  #spawn(): void {
    const [cmd, ...own] = this.#options.command;
    const query = this.#fields.map(([, name]) => name).join(',');
    const child = spawn(cmd!, [...own, `--query-gpu=${query}`, '--format=csv,noheader,nounits', '-lms', String(this.#options.intervalMs)], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.#child = child;
    this.#lastLineAt = performance.now();
    child.on('error', () => undefined);
    child.on('exit', () => {
      if (this.#child === child) this.#child = null;
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (this.#child !== child) return;
      this.#lastLineAt = performance.now();
      this.#read(line);
    });
  }

  /** The watchdog: a child that printed nothing for a while (or exited) is replaced. */
  #check(): void {
    if (this.#stopped) return;
    if (this.#child !== null && performance.now() - this.#lastLineAt < this.#stallMs) return;
    if (this.#restarts >= MAX_RESTARTS) {
      this.stop();
      this.info.note = `stopped answering ${MAX_RESTARTS + 1} times; given up`;
      return;
    }
    this.#restarts++;
    this.#child?.kill('SIGKILL');
    this.#child = null;
    this.#spawn();
  }

  #read(line: string): void {
    const cells = line.split(',');
    if (cells.length < this.#fields.length) return;
    const got: Partial<Record<Figure, string | null>> = {};
    this.#fields.forEach(([figure], i) => (got[figure] = value(cells[i])));
    const index = got.index ?? null;
    const uuid = got.uuid ?? null;
    const id = `${this.#options.host}/${index !== null ? `gpu${index}` : (uuid ?? 'gpu')}`;
    const sample = emptySample(this.#options.clock(), id);
    sample.util = number(got.util ?? null);
    sample.memUsedMiB = number(got.memUsed ?? null);
    sample.memTotalMiB = number(got.memTotal ?? null);
    sample.powerW = number(got.power ?? null);
    sample.tempC = number(got.temp ?? null);
    sample.smClockMHz = number(got.sm ?? null);
    sample.throttle = number(got.throttle ?? null);
    this.info.readings++;
    this.#options.onReading(
      { id, source: 'nvidia-smi', index, uuid, model: got.name ?? null, host: this.#options.host, pod: null, namespace: null, driver: got.driver ?? null },
      sample,
    );
  }
}

/** Where a command named without a folder is found along `path` (an executable file), or null. */
export function findOnPath(command: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here: the next folder.
    }
  }
  return null;
}

/**
 * Run a command to its end; its stdout, or why it failed. The time limit is our own timer, cleared at
 * every end: spawn()'s `timeout` option arms a timer that only the child's exit clears, and a command
 * that is not there never exits, so that timer held the process open for its whole length after the run.
 */
function runOnce(command: readonly string[], args: readonly string[], timeoutMs: number): Promise<string | { notFound: boolean; error: string }> {
  return new Promise((resolve) => {
    const [cmd, ...own] = command;
    let out = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd!, [...own, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (error) {
      resolve({ notFound: false, error: (error as Error).message });
      return;
    }
    const limit = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const end = (result: string | { notFound: boolean; error: string }): void => {
      clearTimeout(limit);
      resolve(result);
    };
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => (out += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => end({ notFound: error.code === 'ENOENT', error: error.message }));
    child.on('close', (code, signal) =>
      end(code === 0 ? out : { notFound: false, error: signal === 'SIGKILL' ? `no answer within ${timeoutMs / 1000} s` : `exit code ${String(code)}` }),
    );
  });
}
