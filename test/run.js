#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with uvu, each in its
// own process so that one file's crash or leaked handle cannot hide another's
// results, two at a time (the machines have two cores). Prints each file's
// output, then one closing line `N passed, N failed` that CI reads.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'dist', 'test');
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;
const parallel = Number(process.env.LLMLOAD_TEST_JOBS ?? 2);
/** A file that runs longer than this is killed and counted as failed. */
const FILE_TIMEOUT_MS = 240_000;

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'bench' || name === 'fixtures' || name === 'helpers') continue;
      out.push(...listTests(path));
    } else if (name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[test runner] killed after ${FILE_TIMEOUT_MS} ms\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
      const passedCount = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
      // A test that could not check what it measures here (e.g. a timing-accuracy test on a busy
      // machine) says so on a line starting with "skipped:" and returns: skipped, not passed.
      const skippedAtRun = (output.match(/^skipped: /gm) ?? []).length;
      const skipped = Number(/Skipped:\s+(\d+)/.exec(output)?.[1] ?? 0) + skippedAtRun;
      // uvu's Total counts the tests that ran (skipped ones are not in it).
      let failed = total - passedCount;
      // A file that crashed or exited non-zero without reporting counts as one failure.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ file, code, output, passed: Math.max(0, passedCount - skippedAtRun), failed, skipped, skippedAtRun });
    });
  });
}

const files = listTests(testDir).filter((f) => !filter || filter.test(f));
const results = [];
let next = 0;
async function lane() {
  while (next < files.length) {
    const file = files[next++];
    const result = await runFile(file);
    results.push(result);
    process.stdout.write(`\n── ${relative(root, file)} (exit ${result.code})\n${result.output.trim()}\n`);
  }
}
// Timing-accuracy files (*.serial.test.js) run last, alone, so other test files don't steal their CPU.
const serial = files.filter((f) => f.endsWith('.serial.test.js'));
const queue = files.filter((f) => !f.endsWith('.serial.test.js'));
files.length = 0;
files.push(...queue);
await Promise.all(Array.from({ length: Math.max(1, parallel) }, lane));
files.push(...serial);
await lane();

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
const failedFiles = results.filter((r) => r.failed > 0).map((r) => relative(root, r.file));
if (failedFiles.length > 0) process.stdout.write(`\nfailing files:\n  ${failedFiles.join('\n  ')}\n`);
const skippedFiles = results.filter((r) => r.skippedAtRun > 0);
if (skippedFiles.length > 0) {
  process.stdout.write('\nskipped checks:\n');
  for (const r of skippedFiles) for (const line of r.output.match(/^skipped: .*$/gm) ?? []) process.stdout.write(`  ${relative(root, r.file)}: ${line}\n`);
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
