/**
 * `llmload run` boots its first worker thread in bin/llmload.js, before the
 * command loads, and the run takes that thread over rather than starting
 * another (core/run/worker-thread.ts). A command that never runs stops it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkerThreads } from '../../core/run/worker-threads.js';
import { dropFirstWorkerThread, startFirstWorkerThread, takeFirstWorkerThread } from '../../core/run/worker-thread.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';

const preload = fileURLToPath(new URL('../helpers/worker-log.js', import.meta.url));
/** The entry WorkerThreads starts in compiled (not bundled) modules. */
const compiledEntry = new URL('../../core/workers/worker-entry.js', import.meta.url).href;

let sim: SimulatorHandle | null = null;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
});

test.after(async () => {
  await sim?.close();
});

/** The worker threads a command's main thread started, one line each (piscina's worker script). */
async function threadsStartedBy(args: string[]): Promise<{ code: number | null; stderr: string; threads: string[] }> {
  const log = join(mkdtempSync(join(tmpdir(), 'llmload-threads-')), 'threads.txt');
  const run = await runCli(args, { env: { NODE_OPTIONS: `--import=${preload}`, LLMLOAD_TEST_WORKER_LOG: log } });
  const threads = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  return { code: run.code, stderr: run.stderr, threads };
}

test('a run of one thread starts one thread: the one bin/llmload.js started', async () => {
  const run = await threadsStartedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet', '--no-report', '--workers', '1']);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.threads.length, 1, run.threads.join('\n'));
});

test('a run that stops at a usage error stops the thread it started, and exits', async () => {
  const run = await threadsStartedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--vus', 'many']);
  assert.is.not(run.code, 0);
  assert.is(run.threads.length, 1, 'started before the arguments were parsed');
});

test('a thread that cannot start (a Node flag workers refuse) is left to the run, which reports it', () => {
  const run = spawnSync(process.execPath, ['--trace-gc', join(repoRoot, 'bin', 'llmload.js'), 'run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is.not(run.status, 0);
  assert.match(run.stderr, /^error: .*ERR_WORKER_INVALID_EXEC_ARGV/im);
  assert.not.match(run.stderr, /^node:internal\/worker/m, 'not an uncaught throw from bin/llmload.js');
});

test('help starts no thread', async () => {
  const run = await threadsStartedBy(['run', '--help']);
  assert.is(run.code, 0, run.stderr);
  assert.equal(run.threads, []);
});

test('WorkerThreads takes over the first thread when it runs the same entry, once', async () => {
  startFirstWorkerThread(compiledEntry);
  const slot = (globalThis as Record<symbol, { thread: unknown } | undefined>)[Symbol.for('llmload.firstWorkerThread')];
  assert.ok(slot);
  const threads = WorkerThreads.start();
  try {
    assert.is(threads.thread(0), slot.thread);
    assert.is(takeFirstWorkerThread(compiledEntry), undefined, 'taken once');
  } finally {
    await threads.destroy();
  }
});

test('a first thread on another entry is not taken; dropping none is nothing', async () => {
  startFirstWorkerThread(compiledEntry);
  assert.is(takeFirstWorkerThread(`${compiledEntry}?another`), undefined);
  assert.is(takeFirstWorkerThread(compiledEntry), undefined, 'destroyed, not kept');
  await dropFirstWorkerThread();
});

test.run();
