/**
 * Starts ../shared/tools/sse-stub (the precise SSE server whose timing is
 * known exactly) as a child process on a free loopback port, building it
 * with cargo on first use into .cache/sse-stub (std only, ~5 s).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = join(root, '..', 'shared', 'tools', 'sse-stub', 'Cargo.toml');
const targetDir = join(root, '.cache', 'sse-stub');
const binary = join(targetDir, 'release', 'sse-stub');

/** Path of the built stub, building it if needed; null when it cannot be built here (no cargo or no source). */
export function sseStubBinary(): string | null {
  if (process.env['LLMLOAD_SSE_STUB']) return process.env['LLMLOAD_SSE_STUB'];
  if (existsSync(binary)) return binary;
  if (!existsSync(manifest)) return null;
  const r = spawnSync('cargo', ['build', '--release', '--offline', '-q', '--manifest-path', manifest, '--target-dir', targetDir], {
    stdio: 'inherit',
  });
  return r.status === 0 && existsSync(binary) ? binary : null;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SseStub {
  url: string;
  process: ChildProcess;
  /** GET /stats: the stub's own lateness figures. */
  stats(): Promise<unknown>;
  close(): Promise<void>;
}

/** Start the stub with the given flags (e.g. ['--ttft-ms', '100', '--itl-ms', '20']). */
export async function startSseStub(args: string[]): Promise<SseStub> {
  const bin = sseStubBinary();
  if (bin === null) throw new Error('sse-stub is not available: install cargo or set LLMLOAD_SSE_STUB');
  const port = await freePort();
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  // Wait until it accepts connections.
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const res = await fetch(`${url}/stats`);
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`sse-stub did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    url,
    process: child,
    stats: async () => (await fetch(`${url}/stats`)).json(),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
