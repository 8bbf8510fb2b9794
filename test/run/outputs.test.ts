/**
 * No lost or mixed results: every output is probed before the first request,
 * an output failing at the end spares the others and the summary, parallel
 * runs never share a report folder, Ctrl-C twice still writes the report, and
 * stdout carries the summary alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli, runCliInProcess } from '../helpers/cli.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { createDefaultReportDir } from '../../core/report/report-dir.js';
import { makeDir } from '../../core/outputs/make-dir.js';

const tmp = mkdtempSync(join(tmpdir(), 'llmload-outputs-'));
// A regular file: any path under it cannot be created (ENOTDIR), on every platform.
const blocker = join(tmp, 'not-a-folder');
writeFileSync(blocker, 'x');
const linux = existsSync('/proc/self') && existsSync('/dev/full');

let server: TestServer;
test.before(async () => {
  server = await startHttpServer((_req, res) => {
    res.statusCode = 500;
    res.end('{}');
  });
});
test.after(() => server.close());

const lines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const unwritable: Array<[string, string[], Record<string, string>]> = [
  ['--out json', ['--out', `json=${join(blocker, 'results.ndjson')}`], {}],
  ['--out csv', ['--out', `csv=${join(blocker, 'results.csv')}`, '--no-report'], {}],
  ['--out junit', ['--out', `junit=${join(blocker, 'junit.xml')}`], {}],
  ['--summary-export', ['--summary-export', join(blocker, 'summary.json')], {}],
  ['--report', ['--report', join(blocker, 'report')], {}],
  ['$GITHUB_STEP_SUMMARY', [], { GITHUB_STEP_SUMMARY: join(blocker, 'step.md') }],
];
for (const [source, flags, env] of unwritable) {
  test(`an unwritable ${source} fails with exit 103 naming the path and the reason, before any request`, async () => {
    const cwd = mkdtempSync(join(tmp, 'cwd-'));
    const before = server.requests.length;
    const run = await runCliInProcess(['run', fixture('quick-pass.ts'), '--url', server.url, '--quiet', ...flags], { cwd, env });
    assert.is(run.code, 103, run.stderr);
    assert.match(run.stderr, 'LL_ERR_OUTPUT');
    assert.match(run.stderr, `(${source})`);
    assert.match(run.stderr, blocker);
    assert.match(run.stderr, /ENOTDIR|EEXIST/);
    assert.is(server.requests.length, before, 'nothing reached the target');
    // The default report folder is not made for a run that cannot start.
    assert.not.ok(existsSync(join(cwd, 'llmload-results')) && readdirSync(join(cwd, 'llmload-results')).length > 0);
  });
}

test('a folder that cannot be made fails at once, also where recursive mkdir would spin (/proc)', async () => {
  if (!linux) return;
  const started = performance.now();
  await makeDir('/proc/llmload-none/deeper').then(
    () => assert.unreachable('made a folder in /proc'),
    (error: NodeJS.ErrnoException) => assert.is(error.code, 'ENOENT'),
  );
  assert.ok(performance.now() - started < 5_000);
  const before = server.requests.length;
  const run = await runCli(['run', fixture('quick-pass.ts'), '--url', server.url, '--report', '/proc/llmload-none'], { timeoutMs: 60_000 });
  assert.is(run.code, 103, run.stderr);
  assert.match(run.stderr, "/proc/llmload-none (--report): ENOENT: no such file or directory, mkdir '/proc/llmload-none'");
  assert.is(server.requests.length, before);
});

test('--report DIR --no-report is a usage error, and writes nothing', async () => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const run = await runCliInProcess(['run', fixture('quick-pass.ts'), '--report', 'out', '--no-report'], { cwd });
  assert.is(run.code, 2, run.stderr);
  assert.match(run.stderr, '--report and --no-report contradict each other');
  assert.equal(readdirSync(cwd), []);
  const twice = await runCliInProcess(['run', fixture('quick-pass.ts'), '--report', 'a', '--report', 'b'], { cwd });
  assert.is(twice.code, 2, twice.stderr);
  assert.match(twice.stderr, '--report given 2 times');
});

test('an export failing at the end (disk full) is named; the summary, results, report and other exports are kept; the exit says so', async () => {
  if (!linux) return;
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const passing = await runCliInProcess(['run', fixture('quick-pass.ts'), '--quiet', '--summary-export', '/dev/full', '--out', 'junit=junit.xml', '--report', 'rep'], { cwd });
  assert.is(passing.code, 103, passing.stderr);
  assert.match(passing.stderr, /cannot write \/dev\/full \(--summary-export\): ENOSPC/);
  assert.match(passing.stderr, 'thresholds passed');
  assert.match(passing.stdout, 'llm_requests');
  assert.ok(existsSync(join(cwd, 'junit.xml')));
  assert.ok(existsSync(join(cwd, 'rep', 'report.md')));
  const records = lines(join(cwd, 'rep', 'results.ndjson'));
  assert.is(records.filter((r) => r['type'] === 'request').length, 6);
  assert.is(records[records.length - 1]?.['type'], 'end');

  // A failed threshold stays the verdict (99); the failed export is still named.
  const failing = await runCliInProcess(['run', fixture('threshold-fail.ts'), '--quiet', '--summary-export', '/dev/full', '--out', 'csv=/dev/full', '--report', 'rep2'], { cwd });
  assert.is(failing.code, 99, failing.stderr);
  assert.match(failing.stderr, /cannot write \/dev\/full \(--summary-export\): ENOSPC/);
  assert.match(failing.stderr, /cannot write \/dev\/full \(--out csv\): ENOSPC/);
  assert.match(failing.stderr, '2 outputs could not be written (above); thresholds failed');
  assert.match(failing.stdout, /✗ 'p\(95\)<0\.001'/);
  assert.ok(existsSync(join(cwd, 'rep2', 'report.md')));

  // A run that fails only on inconclusive thresholds is not called failed.
  const unsure = await runCliInProcess(['run', fixture('threshold-inconclusive.ts'), '--quiet', '--summary-export', '/dev/full', '--report', 'rep3'], { cwd });
  assert.is(unsure.code, 99, unsure.stderr);
  assert.match(unsure.stderr, 'an output could not be written (above); thresholds inconclusive (which fails the run)');
});

test('default report folders made in the same second are distinct, even when asked for at once', async () => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const now = new Date(2026, 0, 14, 10, 15, 0);
  const dirs = await Promise.all(Array.from({ length: 8 }, () => createDefaultReportDir(cwd, 'sweep.ts', now)));
  assert.is(new Set(dirs).size, 8);
  assert.equal(readdirSync(join(cwd, 'llmload-results')).sort(), ['20260114-101500-sweep', ...[2, 3, 4, 5, 6, 7, 8].map((i) => `20260114-101500-sweep-${i}`)].sort());
});

test('two runs of one script started together write two report folders, each with its own results', async () => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const runs = await Promise.all([0, 1].map(() => runCliInProcess(['run', fixture('quick-pass.ts'), '--quiet'], { cwd })));
  for (const run of runs) assert.is(run.code, 0, run.stderr);
  const folders = readdirSync(join(cwd, 'llmload-results'));
  assert.is(folders.length, 2);
  for (const folder of folders) {
    const records = lines(join(cwd, 'llmload-results', folder, 'results.ndjson'));
    assert.is(records.filter((r) => r['type'] === 'meta').length, 1);
    assert.is(records.filter((r) => r['type'] === 'request').length, 6);
    assert.is(records.filter((r) => r['type'] === 'end').length, 1);
    assert.ok(existsSync(join(cwd, 'llmload-results', folder, 'report.md')));
  }
  // Each run names its own folder.
  assert.is.not(/report: (\S+)/.exec(runs[0]!.stderr)?.[1], /report: (\S+)/.exec(runs[1]!.stderr)?.[1]);
});

test('Ctrl-C twice, then again while the report is written: exit 105, summary and report written, the rebuild command shown', async () => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const signals = new EventEmitter();
  const exits: number[] = [];
  const sent = new Set<string>();
  const once = (key: string, fn: () => void): void => {
    if (sent.has(key)) return;
    sent.add(key);
    setImmediate(fn);
  };
  const run = await runCliInProcess(['run', fixture('long-run.ts'), '--report', 'rep'], {
    cwd,
    signals,
    exit: (code) => exits.push(code),
    onStderr: (text) => {
      // Two presses back to back, while the load runs: a graceful stop, then at once.
      if (/running \dm\d\ds/.test(text)) once('first', () => (signals.emit('SIGINT'), signals.emit('SIGINT')));
      // While the report is being written: one press is told to wait, the next gives up.
      if (text.includes('raw results:')) once('third', () => (signals.emit('SIGINT'), signals.emit('SIGINT')));
    },
  });
  assert.is(run.code, 105, run.stderr);
  assert.match(run.stderr, 'stopping now');
  assert.match(run.stderr, 'the load has stopped; writing the summary and report');
  assert.match(run.stderr, 'rebuild it with: llmload report rep/results.ndjson --out rep');
  assert.equal(exits, [105]);
  assert.match(run.stdout, 'llm_requests');
  assert.ok(existsSync(join(cwd, 'rep', 'report.md')));
  assert.equal(signals.listenerCount('SIGINT'), 0);
});

test('a real process sent Ctrl-C twice exits 105 with the summary and the report', async () => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const run = await runCli(['run', fixture('long-run.ts'), '--report', 'rep'], {
    cwd,
    onSpawn: (child) => {
      let text = '';
      let sent = 0;
      child.stderr?.on('data', (d: Buffer) => {
        text += d.toString();
        if (sent === 0 && /running \dm\d\ds/.test(text)) {
          sent = 1;
          child.kill('SIGINT');
        } else if (sent === 1 && text.includes('stopping: finishing in-flight')) {
          // The graceful stop takes milliseconds here, so this press usually lands while the
          // summary and report are written: the moment a second Ctrl-C used to kill the process.
          sent = 2;
          child.kill('SIGINT');
        }
      });
    },
  });
  assert.is(run.signal, null, run.stderr);
  assert.is(run.code, 105, run.stderr);
  assert.match(run.stderr, /stopping now|the load has stopped; writing the summary and report/);
  assert.match(run.stdout, 'llm_requests');
  assert.ok(existsSync(join(cwd, 'rep', 'report.md')));
});

test("stdout carries handleSummary's output alone; logs, the script's console and report paths go to stderr", async () => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  const run = await runCli(['run', fixture('console-json-summary.ts')], { cwd });
  assert.is(run.code, 0, run.stderr);
  const data = JSON.parse(run.stdout) as { metrics: Record<string, { values: Record<string, number> }> };
  assert.is(data.metrics['llm_requests']?.values['count'], 4);
  assert.match(run.stderr, /^llmload: .*console-json-summary\.ts → /m);
  for (const line of ['init: loading the script', 'setup: preparing', 'request done', 'a warning', 'raw results: ', 'report: llmload-results/']) assert.match(run.stderr, line);
});

test.run();
