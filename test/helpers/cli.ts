/** Runs the real llmload CLI (bin/llmload.js) as a child process and collects its output. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../../bin/llmload.js', import.meta.url));
const modulesBin = fileURLToPath(new URL('./llmload-modules.js', import.meta.url));

export const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Called once the child has started, e.g. to send it a signal later. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  timeoutMs?: number;
  /** Working directory (default: a fresh temporary folder, so default report folders land there). */
  cwd?: string;
  /** Run the compiled modules (dist/bin/cli.js, test/helpers/llmload-modules.ts) instead of the bundled command. */
  modules?: boolean;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.modules === true ? modulesBin : bin, ...args], {
      cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'llmload-cli-')),
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** Working directory of the run (default: a fresh temporary folder). */
  cwd?: string;
  env?: Record<string, string>;
  /** Stands in for the process's SIGINT/SIGTERM source. */
  signals?: import('node:events').EventEmitter;
  /** Called with everything the run has written to stderr so far, after each write. */
  onStderr?: (stderrSoFar: string) => void;
  exit?: (code: number) => void;
}

/** Runs the CLI's main() in this process, with captured streams. */
export async function runCliInProcess(args: string[], options: InProcessOptions = {}): Promise<InProcessRun> {
  const { Writable } = await import('node:stream');
  const { main } = await import('../../bin/cli.js');
  let stdout = '';
  let stderr = '';
  const capture = (onText: (text: string) => void): import('node:stream').Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        onText(chunk.toString());
        callback();
      },
    });
  const io: import('../../bin/cli.js').CliIo = {
    stdout: capture((text) => (stdout += text)),
    stderr: capture((text) => {
      stderr += text;
      options.onStderr?.(stderr);
    }),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'llmload-cli-')),
  };
  if (options.signals !== undefined) io.signals = options.signals;
  if (options.exit !== undefined) io.exit = options.exit;
  const code = await main(args, io);
  return { code, stdout, stderr };
}
