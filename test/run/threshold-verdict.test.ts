import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/servers.js';

test('thresholds on unknown metrics, tags or levels exit 104 with suggestions before anything reaches the server', async () => {
  const server = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  try {
    const run = await runCli(['run', fixture('threshold-unknown.ts'), '--url', server.url]);
    const output = run.stdout + run.stderr;
    assert.is(run.code, 104, output);
    assert.match(output, /LL_ERR_THRESHOLD_UNKNOWN/);
    assert.match(output, 'thresholds["llm_ttf"]: no metric named "llm_ttf" — did you mean "llm_ttft"?');
    assert.match(output, 'thresholds["http_req_duration"]: no metric named "http_req_duration"');
    assert.match(output, 'thresholds["llm_ttft{levl:3}"]: unknown tag "levl" — did you mean "level"?');
    assert.match(output, 'thresholds["llm_e2e{level:3}"]: level "3" never occurs in this run (its levels are 2, 4, 8)');
    assert.match(output, 'thresholds["my_lazy"]: no metric named "my_lazy"');
    assert.match(output, 'const m = new Trend("my_lazy")');
    // my_wait is declared at the top of the script: known, not listed.
    assert.not.match(output, 'thresholds["my_wait"]');
    assert.not.match(output, /█ THRESHOLDS/);
    assert.is(server.requests.length, 0, 'no request reached the server');
    assert.is(server.connections(), 0, 'no connection was opened');
  } finally {
    await server.close();
  }
});

const tmp = mkdtempSync(join(tmpdir(), 'llmload-verdict-'));
const NO_DATA = 'llm_ttft{failure:timeout} p(95)<1';

test('a threshold with no data is "no data" in the summary, export, JUnit and report, and the headline says so (exit 0)', async () => {
  const dir = join(tmp, 'complete');
  const run = await runCli([
    'run',
    fixture('sweep-verdict.ts'),
    '--quiet',
    '--report',
    dir,
    '--summary-export',
    join(dir, 'summary.json'),
    '--out',
    `junit=${join(dir, 'junit.xml')}`,
  ]);
  const output = run.stdout + run.stderr;
  assert.is(run.code, 0, output);
  assert.match(output, "○ 'p(95)<1' no data");
  assert.not.match(output, "✓ 'p(95)<1'");
  assert.match(output, `PASS — 3 of 4 thresholds passed; 1 had no data: ${NO_DATA}`);
  const exported = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: Record<string, { thresholds?: Record<string, unknown> }> };
  assert.equal(exported.metrics['llm_ttft{failure:timeout}']?.thresholds, { 'p(95)<1': { ok: true, noData: true } });
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /name="llm_ttft\{failure:timeout\} p\(95\)&lt;1" time="0"><skipped message="no data/);
  const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
  // Markdown escapes < as &lt;.
  assert.match(markdown, `**PASS** — 3 of 4 thresholds passed; 1 had no data: ${NO_DATA.replace('<', '&lt;')}.`);
  assert.not.match(markdown, 'every threshold passed');
  assert.match(markdown, /\| llm_ttft\{failure:timeout\} \| p\(95\)&lt;1 \| no data \| no data \|/);
  assert.not.match(markdown, 'pass (no data)');
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { thresholds: Array<{ key: string; noData: boolean }> };
  assert.is(json.thresholds.find((t) => t.key === 'llm_ttft{failure:timeout}')?.noData, true);
});

test('Ctrl-C during level 4 of 2/4/8: level 8 is "not run" in the summary and report; no verdict claims it passed', async () => {
  const dir = join(tmp, 'interrupted');
  const run = await runCli(['run', fixture('sweep-verdict.ts'), '--report', dir, '--summary-export', join(dir, 'summary.json')], {
    env: { SWEEP_DURATION: '4s' },
    onSpawn: (child) => {
      // Interrupt when the script logs that level 4 started: the signal then lands during level 4.
      let sent = false;
      const watch = (d: Buffer): void => {
        if (!sent && /level 4 started/.test(d.toString())) {
          sent = true;
          child.kill('SIGINT');
        }
      };
      child.stdout?.on('data', watch);
      child.stderr?.on('data', watch);
    },
  });
  const output = run.stdout + run.stderr;
  assert.is(run.code, 105, output);
  assert.match(output, 'stopped early: stopped by a signal (Ctrl-C / SIGTERM); the run stopped before level 8 ran');
  assert.match(output, 'the run stopped before level 8 ran');
  assert.not.match(output, 'every threshold passed');
  assert.match(output, /^\s+8\s+not run\s+-/m);
  const exported = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { llmload: { notRun: unknown; levels: Array<{ tags: Record<string, string> }> } };
  assert.equal(exported.llmload.notRun, [{ scenario: 'sweep', tags: { level: '8' } }]);
  assert.equal(
    exported.llmload.levels.map((l) => l.tags['level']),
    ['2', '4'],
  );
  const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(markdown, 'the run stopped before level 8 ran.');
  assert.not.match(markdown, 'every threshold passed.');
  assert.match(markdown, /\| 8 \| not run \| - \|\n/, 'per-level thresholds table');
  assert.match(markdown, /\| 8 \| not run( \| -){13} \|\n/, 'summary table');
});

test('abortOnFail stops the run with one sentence naming the threshold and what it observed (exit 99)', async () => {
  const run = await runCli(['run', fixture('threshold-abort.ts'), '--no-report']);
  const output = run.stdout + run.stderr;
  assert.is(run.code, 99, output);
  assert.match(output, /^stopping the test: threshold `llm_ttft p\(95\)<0\.001` failed \(observed p\(95\)=\d+(\.\d+)? ms\) and has abortOnFail$/m);
  assert.match(output, 'stopped early: a threshold with abortOnFail failed');
});

test.run();
