/** A CLI process a test watches while it runs: its stderr so far, waiting for a line, its end. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli.js';

const bin = fileURLToPath(new URL('../../../bin/llmload.js', import.meta.url));

export interface WatchedCli {
  child: ChildProcess;
  cwd: string;
  stderr(): string;
  stdout(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects after `timeoutMs` or when the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliRun>;
}

export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): WatchedCli {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'llmload-cli-'));
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const watch of [...watchers]) watch();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      for (const watch of [...watchers]) watch();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void done.then(() => (ended = true));
  return {
    child,
    cwd,
    stderr: () => stderr,
    stdout: () => stdout,
    done,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} in stderr within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
        const finish = (error?: Error, match?: RegExpMatchArray): void => {
          clearTimeout(timer);
          watchers.delete(check);
          if (error !== undefined) reject(error);
          else resolve(match!);
        };
        const check = (): void => {
          const match = stderr.match(pattern);
          if (match !== null) finish(undefined, match);
          else if (ended || child.exitCode !== null || child.signalCode !== null) finish(new Error(`the process ended without ${pattern} in stderr:\n${stderr}`));
        };
        watchers.add(check);
        check();
      });
    },
  };
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
