/**
 * Three-state thresholds end to end against the built-in simulator (10× time scale, 48
 * requests): a rate threshold 48 requests cannot settle is inconclusive and fails the run
 * (exit 99) by default, with the message in every output; `--inconclusive pass` and a
 * threshold's own `inconclusive: 'pass'` let it pass, still named inconclusive.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExportedThreshold } from '../../core/outputs/summary-export.js';
import type { ReportData } from '../../core/report/report-data.js';
import { fixture, runCli, type CliRun } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-inconclusive-'));
const read = (path: string): string => readFileSync(path, 'utf8');
const thresholdsOf = (path: string, metric: string): Record<string, ExportedThreshold> =>
  (JSON.parse(read(path)) as { metrics: Record<string, { thresholds: Record<string, ExportedThreshold> }> }).metrics[metric]!.thresholds;

let strict: CliRun;
const report = join(dir, 'report');
const stepSummary = join(dir, 'step.md');

test.before(async () => {
  strict = await runCli(
    ['run', fixture('threshold-inconclusive.ts'), '--quiet', '--summary-export', join(dir, 'strict.json'), '--out', `junit=${join(dir, 'strict.xml')}`, '--report', report],
    { env: { GITHUB_STEP_SUMMARY: stepSummary } },
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('by default an inconclusive threshold fails the run (exit 99) and says inconclusive, not failed', () => {
  assert.is(strict.code, 99, strict.stderr + strict.stdout);
  assert.match(strict.stdout, /✗ inconclusive: 'rate<0\.01' rate=0\.00% \(95 % interval 0\.00%-7\.[0-9]+%\), about [0-9]+ more requests needed/);
  // Clearly inside their limits with 48 requests: plain passes.
  assert.match(strict.stdout, /✓ 'rate<0\.5' rate=0\.00%/);
  assert.match(strict.stdout, /✓ 'p\(50\)<60000' p\(50\)=/);
  // The threshold's own opt-out: passes, but never as a plain ✓.
  assert.match(strict.stdout, /\? inconclusive \(let pass\): 'rate>0\.99' rate=100\.00%/);
  assert.not.match(strict.stdout, /✓ 'rate<0\.01'|✓ 'rate>0\.99'/);
  assert.match(strict.stdout, /FAIL — 0 failed, 2 inconclusive \(1 let pass\) of 4 thresholds: llm_request_failed rate<0\.01 \(about [0-9]+ more requests needed\)/);
});

test("the summary export carries each threshold's state, interval and more-requests estimate", () => {
  const failed = thresholdsOf(join(dir, 'strict.json'), 'llm_request_failed');
  assert.is(failed['rate<0.01']!.ok, false);
  assert.is(failed['rate<0.01']!.state, 'inconclusive');
  assert.is(failed['rate<0.01']!.interval!.confidence, 0.95);
  assert.ok(failed['rate<0.01']!.interval!.high > 0.01 && failed['rate<0.01']!.interval!.low === 0, JSON.stringify(failed));
  assert.ok(failed['rate<0.01']!.moreRequests! > 48, JSON.stringify(failed));
  assert.equal({ ok: failed['rate<0.5']!.ok, state: failed['rate<0.5']!.state }, { ok: true, state: 'pass' });
  const checks = thresholdsOf(join(dir, 'strict.json'), 'checks');
  assert.equal({ ok: checks['rate>0.99']!.ok, state: checks['rate>0.99']!.state }, { ok: true, state: 'inconclusive' });
  const ttft = thresholdsOf(join(dir, 'strict.json'), 'llm_ttft');
  assert.is(ttft['p(50)<60000']!.state, 'pass');
  assert.ok(ttft['p(50)<60000']!.interval !== null, 'a median of 48 samples has an order-statistic interval');
});

test('JUnit: an inconclusive threshold that fails is a failure saying inconclusive; one let pass is a passing case with a note', () => {
  const xml = read(join(dir, 'strict.xml'));
  assert.match(
    xml,
    /<testcase classname="llmload.thresholds" name="llm_request_failed rate&lt;0.01" time="0"><failure type="threshold" message="inconclusive: observed rate=0 \(95 % interval 0-0\.07[0-9]+\), expected rate&lt;0.01, about [0-9]+ more requests needed">/,
  );
  assert.match(xml, /name="checks rate&gt;0.99" time="0"><system-out>inconclusive \(let pass\): observed rate=1 /);
  assert.match(xml, /<testsuite name="[^"]* thresholds" tests="4" failures="1" errors="0" skipped="0"/);
});

test('the GitHub step summary and the report carry the inconclusive verdict', () => {
  const summary = read(stepSummary);
  assert.match(summary, /\*\*FAIL\*\* — 0 failed, 2 inconclusive \(1 let pass\) of 4 thresholds/);
  assert.match(summary, /INCONCLUSIVE \(95 % interval [^;]+; about [0-9]+ more requests needed\)/);
  assert.match(summary, /inconclusive, let pass \(/);
  const data = JSON.parse(read(join(report, 'report.json'))) as ReportData;
  assert.is(data.thresholdsOk, false);
  const rate = data.thresholds!.find((t) => t.source === 'rate<0.01')!;
  assert.is(rate.state, 'inconclusive');
  assert.ok(rate.moreRequests! > 0);
  assert.match(read(join(report, 'report.md')), /0 failed, 2 inconclusive \(1 let pass\) of 4 thresholds/);
  assert.match(read(join(report, 'report.html')), /INCONCLUSIVE \(95 % interval/);
});

test('llmload report rebuilds the same verdict from results.ndjson', async () => {
  const again = join(dir, 'again');
  const run = await runCli(['report', join(report, 'results.ndjson'), '--out', again]);
  assert.is(run.code, 0, run.stderr);
  assert.match(read(join(again, 'report.md')), /0 failed, 2 inconclusive \(1 let pass\) of 4 thresholds/);
});

test('--inconclusive pass lets every inconclusive threshold pass (exit 0), still labelled inconclusive', async () => {
  const exported = join(dir, 'lenient.json');
  const run = await runCli(['run', fixture('threshold-inconclusive.ts'), '--quiet', '--no-report', '--inconclusive', 'pass', '--summary-export', exported]);
  assert.is(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /\? inconclusive \(let pass\): 'rate<0\.01' rate=0\.00%/);
  assert.match(run.stdout, /PASS — 2 of 4 thresholds passed, 2 inconclusive \(let pass\)/);
  const failed = thresholdsOf(exported, 'llm_request_failed');
  assert.equal({ ok: failed['rate<0.01']!.ok, state: failed['rate<0.01']!.state }, { ok: true, state: 'inconclusive' });
});

test('--inconclusive pass does not let a clearly failing threshold pass', async () => {
  const exported = join(dir, 'fail.json');
  const run = await runCli(['run', fixture('threshold-fail.ts'), '--quiet', '--no-report', '--inconclusive', 'pass', '--summary-export', exported]);
  assert.is(run.code, 99, run.stderr);
  assert.match(run.stdout, /✗ 'p\(95\)<0\.001' p\(95\)=/);
  assert.equal({ ok: thresholdsOf(exported, 'llm_ttft')['p(95)<0.001']!.ok, state: thresholdsOf(exported, 'llm_ttft')['p(95)<0.001']!.state }, { ok: false, state: 'fail' });
});

test("split over local instances, the coordinator gives the same three-state verdict on every runner's requests", async () => {
  const exported = join(dir, 'split.json');
  const run = await runCli(['run', fixture('threshold-inconclusive.ts'), '--quiet', '--no-report', '--instances', '2', '--summary-export', exported]);
  assert.is(run.code, 99, run.stderr + run.stdout);
  assert.match(run.stdout, /✗ inconclusive: 'rate<0\.01' rate=0\.00% \(95 % interval 0\.00%-7\.[0-9]+%\)/);
  assert.match(run.stdout, /\? inconclusive \(let pass\): 'rate>0\.99'/);
  assert.is(thresholdsOf(exported, 'llm_request_failed')['rate<0.01']!.state, 'inconclusive');
});

test('--inconclusive takes pass or fail only', async () => {
  const run = await runCli(['run', fixture('threshold-inconclusive.ts'), '--quiet', '--no-report', '--inconclusive', 'maybe']);
  assert.is(run.code, 2, run.stderr);
  assert.match(run.stderr, /inconclusive/);
});

test.run();
