/**
 * Worker threads start before the run knows its options (core/run/worker-threads.ts):
 * they boot while the controller bundles, validates and probes. A run that
 * stops before the load must still end promptly with no thread left, and the
 * script in a thread started early must see the process.env a late one did.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fixture, runCli } from '../helpers/cli.js';
import { runTest, type RunRequest } from '../../core/run/run-test.js';
import { startEarly, type EarlyStart } from '../../core/run/early-start.js';
import { bundleScript } from '../../core/bundle/bundle-script.js';
import { isLlmloadError } from '../../core/errors.js';

/** Well above a thread's start and stop on a busy machine; a run that waited on a thread it forgot would not end at all. */
const PROMPT_MS = 5_000;

function sink(onText: (text: string) => void = () => undefined): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      onText(chunk.toString());
      callback();
    },
  });
}

function request(script: string, extra: Partial<RunRequest> = {}): RunRequest {
  return { scriptPath: fixture(script), quiet: true, thresholds: true, outputs: [], env: [], stages: [], ...extra };
}

/** runTest in this process with a thread and the bundle started first, as `llmload run` does: the error it threw (or its exit code), how long it took, what stderr got. */
async function runStartedEarly(req: RunRequest, early: Partial<EarlyStart>): Promise<{ error: unknown; code: number | null; ms: number; stderr: string }> {
  let stderr = '';
  const io = { stdout: sink(), stderr: sink((text) => (stderr += text)), env: { ...process.env, NO_COLOR: '1' }, cwd: mkdtempSync(join(tmpdir(), 'llmload-early-')) };
  // -e values and the fixture's setup() write this process's env: the next run must not see them.
  const envBefore = { ...process.env };
  const started = performance.now();
  try {
    const code = await runTest(req, io, early);
    return { error: null, code, ms: performance.now() - started, stderr };
  } catch (error) {
    return { error, code: null, ms: performance.now() - started, stderr };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  }
}

test('rejected options end the run promptly with the same error, and no early thread is left', async () => {
  const req = request('bad-option.ts');
  const early = startEarly(req);
  const threads = early.threads!;
  assert.is(threads.alive, 1, 'a thread is booting before the options are read');
  const run = await runStartedEarly(req, early);
  assert.ok(isLlmloadError(run.error), String(run.error));
  assert.is((run.error as { code: string }).code, 'LL_ERR_INVALID_OPTIONS');
  assert.is(threads.alive, 0);
  assert.ok(run.ms < PROMPT_MS, `${run.ms.toFixed(0)} ms`);
});

test('a script that does not build ends the run promptly, and no early thread is left', async () => {
  const req = request('syntax-error.ts');
  const early = startEarly(req);
  const threads = early.threads!;
  const run = await runStartedEarly(req, early);
  assert.is((run.error as { code: string }).code, 'LL_ERR_SCRIPT_BUILD');
  assert.is(threads.alive, 0);
  assert.ok(run.ms < PROMPT_MS, `${run.ms.toFixed(0)} ms`);
});

test('an unreachable target ends the run promptly, with every thread the options asked for stopped', async () => {
  const req = request('early-workers.ts', { url: 'http://127.0.0.1:1', workers: 2 });
  const early = startEarly(req);
  const threads = early.threads!;
  const run = await runStartedEarly(req, early);
  assert.is((run.error as { code: string }).code, 'LL_ERR_TARGET_UNREACHABLE');
  assert.is(threads.size, 2, 'the second thread started once the options said 2');
  assert.is(threads.alive, 0);
  assert.ok(run.ms < PROMPT_MS, `${run.ms.toFixed(0)} ms`);
});

test('a failing setup() ends the run promptly, and no early thread is left', async () => {
  const req = request('early-workers.ts', { env: ['EARLY_SETUP_THROWS=1'], workers: 2 });
  const early = startEarly(req);
  const threads = early.threads!;
  const run = await runStartedEarly(req, early);
  assert.is(run.code, null, run.stderr);
  assert.match(String((run.error as Error).message), /setup failed on purpose/);
  assert.is(threads.alive, 0);
  assert.ok(run.ms < PROMPT_MS, `${run.ms.toFixed(0)} ms`);
});

test('the run hosts its VUs on the threads it was given, grown to the planned count, and stops them at the end', async () => {
  const req = request('early-workers.ts', { env: ['EARLY_VALUE=from -e'], workers: 2 });
  const early = startEarly(req);
  const threads = early.threads!;
  const run = await runStartedEarly(req, early);
  assert.is(run.code, 0, `${String(run.error)}\n${run.stderr}`);
  assert.is(threads.size, 2);
  assert.is(threads.alive, 0);
});

test('the run takes the bundle started early over, and removes it at the end', async () => {
  const bundle = await bundleScript(fixture('early-workers.ts'));
  // A path that does not bundle: the run must not bundle it again.
  const run = await runStartedEarly(request('no-such-script.ts'), { bundle: Promise.resolve(bundle) });
  assert.is(run.code, 0, `${String(run.error)}\n${run.stderr}`);
  assert.is(existsSync(fileURLToPath(bundle.bundleUrl)), false, 'the temporary bundle is removed');
});

test('the script in a thread started before -e and setup() sees what they set, from its first line', async () => {
  const run = await runCli(['run', fixture('early-workers.ts'), '--no-report', '--quiet', '--workers', '2', '-e', 'EARLY_VALUE=from -e']);
  assert.is(run.code, 0, run.stderr);
  const lines = [...run.stderr.matchAll(/vu \d+: .*/g)].map((m) => m[0]);
  assert.equal(lines.sort(), ['vu 1: module saw from -e; VU code sees set by setup', 'vu 2: module saw from -e; VU code sees set by setup'], run.stderr);
});

test.run();
