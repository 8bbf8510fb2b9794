/**
 * `llmload run --instances N`: the N runners of a split test as child
 * processes of the coordinator on this machine, each `llmload run` of the same
 * script with `--instance i/N --coordinator-url` and the coordinator's flags.
 * Their stderr is shown prefixed with their instance; a runner whose process
 * ends before it has sent its end is lost (the coordinator learns at once
 * instead of after the heartbeat timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunRequest } from '../run/run-test.js';

const CLI = fileURLToPath(new URL('../../../bin/llmload.js', import.meta.url));

export interface LocalRunnersOptions {
  request: RunRequest;
  count: number;
  coordinatorUrl: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stderr: NodeJS.WritableStream;
  onExit: (index: number, why: string) => void;
}

/** The flags a runner gets: its instance, the coordinator, and every flag that shapes the test's options. */
export function runnerArgv(request: RunRequest, index: number, count: number, coordinatorUrl: string): string[] {
  const argv = ['run', request.scriptPath, '--instance', `${index}/${count}`, '--coordinator-url', coordinatorUrl, '--quiet', '--no-report'];
  const flag = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) argv.push(`--${name}`, String(value));
  };
  for (const env of request.env) flag('env', env);
  for (const stage of request.stages) flag('stage', stage);
  flag('vus', request.vus);
  flag('duration', request.duration);
  flag('iterations', request.iterations);
  flag('url', request.url);
  flag('model', request.model);
  flag('api-key-env', request.apiKeyEnv);
  // One event loop per core is what a many-core machine can give: split them between the runners.
  flag('workers', request.workers ?? Math.max(1, Math.floor(availableParallelism() / count)));
  flag('sim-preset', request.simPreset);
  flag('inconclusive', request.inconclusive);
  flag('time-scale', request.timeScale);
  for (const config of request.simConfig ?? []) flag('sim-config', config);
  if (!request.thresholds) argv.push('--no-thresholds');
  return argv;
}

export class LocalRunners {
  readonly #children: ChildProcess[] = [];

  constructor(options: LocalRunnersOptions) {
    for (let index = 0; index < options.count; index++) {
      const child = spawn(process.execPath, [CLI, ...runnerArgv(options.request, index, options.count, options.coordinatorUrl)], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const prefix = `[${index}/${options.count}] `;
      createInterface({ input: child.stderr }).on('line', (line) => options.stderr.write(prefix + line + '\n'));
      child.on('exit', (code, signal) => options.onExit(index, signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`));
      this.#children.push(child);
    }
  }

  /** Process ids, in instance order (shown, and used by tests to kill one). */
  get pids(): number[] {
    return this.#children.map((child) => child.pid ?? 0);
  }

  /** Wait for every runner process to end; those still running after `graceMs` are killed. */
  async close(graceMs: number): Promise<void> {
    const running = this.#children.filter((child) => child.exitCode === null && child.signalCode === null);
    if (running.length === 0) return;
    const exited = Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve))));
    const timer = setTimeout(() => {
      for (const child of running) child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    for (const child of this.#children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}
