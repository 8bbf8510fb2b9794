import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'llmload-e2e-'));

interface ExportedMetric {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
const readJson = (path: string): { metrics: Record<string, ExportedMetric> } => JSON.parse(readFileSync(path, 'utf8'));
const readNdjson = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('a failing threshold exits 99 and the summary shows ✗ with the observed value', async () => {
  const exported = join(tmp, 'fail.json');
  const run = await runCli(['run', fixture('threshold-fail.ts'), '--quiet', '--summary-export', exported]);
  assert.is(run.code, 99, run.stderr);
  assert.match(run.stdout, /✗ 'p\(95\)<0\.001' p\(95\)=/);
  assert.match(run.stdout, /✓ 'rate<0\.5' rate=0\.00%/);
  const summary = readJson(exported);
  assert.is(summary.metrics['llm_ttft']?.thresholds?.['p(95)<0.001']?.ok, false);
  assert.is(summary.metrics['llm_request_failed']?.thresholds?.['rate<0.5']?.ok, true);
  assert.is(summary.metrics['llm_requests']?.values['count'], 4);
});

test('--no-thresholds runs the same script to exit 0', async () => {
  const run = await runCli(['run', fixture('threshold-fail.ts'), '--quiet', '--no-thresholds']);
  assert.is(run.code, 0, run.stderr);
  assert.not.match(run.stdout, /THRESHOLDS/);
});

test('every fault surfaces as its failure class in the raw results; the rest of the run is intact', async () => {
  const out = join(tmp, 'faults.ndjson');
  const run = await runCli(['run', fixture('faults.ts'), '--quiet', '--out', `json=${out}`]);
  assert.is(run.code, 0, run.stderr);
  const records = readNdjson(out).filter((r) => r['type'] === 'request');
  assert.is(records.length, 9);
  const byFault = new Map(records.map((r) => [(r['tags'] as Record<string, string>)['fault'], r]));
  assert.is(byFault.get('http500')?.['failure'], 'http_5xx');
  assert.is(byFault.get('http500')?.['status'], 500);
  assert.is(byFault.get('http429')?.['failure'], 'http_4xx');
  assert.is(byFault.get('http400')?.['failure'], 'http_4xx');
  assert.is(byFault.get('error')?.['failure'], 'protocol');
  assert.is(byFault.get('reset')?.['failure'], 'disconnect');
  assert.is(byFault.get('stall')?.['failure'], 'stall');
  assert.is(byFault.get('malformed')?.['failure'], 'protocol');
  const healthy = records.filter((r) => (r['tags'] as Record<string, string>)['fault'] === 'none');
  assert.is(healthy.length, 2);
  for (const r of healthy) {
    assert.is(r['ok'], true);
    assert.is(r['outputTokens'], 8);
  }
  assert.match(run.stdout, /✓ failure is data, not an exception/);
  // The summary shows an example message per failure class.
  assert.match(run.stdout, /↳ http_5xx: HTTP 500/);
  assert.match(run.stdout, /↳ stall: /);
  assert.match(run.stdout, /7 of 9|2 of 9 succeeded/);
});

test('setup data reaches every iteration and teardown; custom metrics, checks and handleSummary work', async () => {
  const file = join(tmp, 'handled.json');
  const run = await runCli(['run', fixture('lifecycle.ts'), '--quiet', '-e', 'SECRET_WORD=banana', '-e', `SUMMARY_FILE=${file}`]);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /teardown saw: hello from setup banana/);
  assert.match(run.stdout, /custom summary: my_tokens=30 requests=6/);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), { tokens: 30 });
});

test('the API key never reaches output, summary export or raw results', async () => {
  const key = 'sk-test-VERYSECRET-0123456789';
  const out = join(tmp, 'key.ndjson');
  const exported = join(tmp, 'key.json');
  const run = await runCli(['run', fixture('faults.ts'), '--out', `json=${out}`, '--summary-export', exported, '--api-key-env', 'MY_KEY'], {
    env: { MY_KEY: key },
  });
  assert.is(run.code, 0, run.stderr);
  for (const text of [run.stdout, run.stderr, readFileSync(out, 'utf8'), readFileSync(exported, 'utf8')]) {
    assert.not.ok(text.includes(key), 'key leaked');
    assert.not.ok(text.includes('VERYSECRET'), 'key fragment leaked');
  }
});

test('Ctrl-C mid-run: exit 105, the summary is printed and every finished request is in the raw results', async () => {
  const out = join(tmp, 'sigint.ndjson');
  const exported = join(tmp, 'sigint.json');
  const run = await runCli(['run', fixture('long-run.ts'), '--out', `json=${out}`, '--summary-export', exported], {
    onSpawn: (child) => {
      // Interrupt once requests are flowing (the first progress line), not at a fixed time.
      let sent = false;
      child.stderr?.on('data', (d: Buffer) => {
        if (!sent && /running \dm\d\ds/.test(d.toString())) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      });
    },
  });
  assert.is(run.code, 105, run.stderr + run.stdout);
  assert.match(run.stdout + run.stderr, /stopping: finishing in-flight requests/);
  assert.match(run.stdout, /llm_requests/);
  const records = readNdjson(out).filter((r) => r['type'] === 'request');
  const summary = readJson(exported);
  assert.ok(records.length > 0);
  const counted = (summary.metrics['llm_requests']?.values['count'] ?? 0) + (summary.metrics['llm_requests_interrupted']?.values['count'] ?? 0);
  assert.is(records.length, counted);
  assert.ok(records.every((r) => r['ok'] === true || r['failure'] === 'aborted'));
});

test('ramping-vus requests are tagged with the stage they started in; the summary has one row per stage', async () => {
  const out = join(tmp, 'stages.ndjson');
  const exported = join(tmp, 'stages.json');
  const run = await runCli(['run', fixture('ramping-stages.ts'), '--quiet', '--no-report', '--out', `json=${out}`, '--summary-export', exported]);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /█ STAGES/);
  const records = readNdjson(out).filter((r) => r['type'] === 'request');
  const stages = new Set(records.map((r) => (r['tags'] as Record<string, string>)['stage']));
  assert.equal([...stages].sort(), ['0', '1', '2']);
  const summary = readJson(exported) as unknown as { llmload: { stages: Array<{ tags: Record<string, string>; requests: number }> } };
  assert.equal(
    summary.llmload.stages.map((s) => s.tags['stage']),
    ['0', '1', '2'],
  );
  assert.is(
    summary.llmload.stages.reduce((n, s) => n + s.requests, 0),
    records.length,
  );
});

test.run();
