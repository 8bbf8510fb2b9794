/**
 * Requests answered in one body (`stream: false`) against the built-in
 * simulator: they count in E2E, requests and tokens, give no TTFT, TTFC, ITL
 * or TPOT sample, and the summary, its export and the report say how many
 * there were.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestStatsRow } from '../../core/metrics/request-stats.js';
import type { ReportData } from '../../core/report/report-data.js';
import { fixture, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'llmload-not-streamed-'));

interface Exported {
  metrics: Record<string, { values: Record<string, number> }>;
  llmload: { requests: RequestStatsRow };
}
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const requestLines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r['type'] === 'request');

async function run(mode: string): Promise<{ output: string; exported: Exported; report: ReportData; records: Array<Record<string, unknown>> }> {
  const exportPath = join(tmp, `${mode}.json`);
  const reportDir = join(tmp, `${mode}-report`);
  const cli = await runCli(['run', fixture('not-streamed.ts'), '-e', `MODE=${mode}`, '--summary-export', exportPath, '--report', reportDir]);
  assert.is(cli.code, 0, cli.stderr + cli.stdout);
  return {
    output: cli.stdout + cli.stderr,
    exported: readJson<Exported>(exportPath),
    report: readJson<ReportData>(join(reportDir, 'report.json')),
    records: requestLines(join(reportDir, 'results.ndjson')),
  };
}

test('mixed: only the 5 streamed requests give TTFT, ITL and TPOT samples; all 10 give E2E', async () => {
  const { output, exported, report, records } = await run('mixed');
  assert.is(records.length, 10);
  const streamed = records.filter((r) => r['stream'] === true);
  const oneBody = records.filter((r) => r['stream'] === false);
  assert.is(streamed.length, 5);
  assert.is(oneBody.length, 5);
  for (const r of oneBody) {
    assert.is(r['ttftMs'], null);
    assert.is(r['ttfcMs'], null);
    assert.equal(r['itlMs'], []);
    assert.ok(typeof r['e2eMs'] === 'number' && r['outputTokens'] === 8);
  }
  // Each streamed answer of 8 tokens in 8 events has 7 gaps.
  const itlSamples = streamed.reduce((n, r) => n + (r['itlMs'] as number[]).length, 0);
  assert.is(itlSamples, 35);
  for (const row of [exported.llmload.requests, report.total]) {
    assert.is(row.requests, 10);
    assert.is(row.notStreamed, 5);
    assert.is(row.e2e?.count, 10);
    assert.is(row.ttft?.count, 5);
    assert.is(row.tpot?.count, 5);
    assert.is(row.itl?.count, itlSamples);
    assert.is(row.outputTokens, 80);
  }
  assert.is(exported.metrics['llm_requests']?.values['count'], 10);
  assert.match(output, '5 requests not streamed: no TTFT/ITL/TPOT for them');
  assert.ok(
    report.notes.some((n) => n.startsWith('5 requests were not streamed')),
    report.notes.join('\n'),
  );
});

test('options.request.stream false: no TTFT, TTFC, ITL or TPOT sample at all; E2E and tokens still counted', async () => {
  const { output, exported, report, records } = await run('option');
  assert.is(records.length, 5);
  assert.ok(records.every((r) => r['stream'] === false && r['ttftMs'] === null));
  for (const name of ['llm_ttft', 'llm_ttfc', 'llm_itl', 'llm_tpot', 'llm_ttft_sched']) assert.is(exported.metrics[name], undefined, name);
  assert.is(exported.metrics['llm_output_tokens']?.values['avg'], 8);
  assert.ok((exported.metrics['llm_output_tps']?.values['avg'] ?? 0) > 0);
  for (const row of [exported.llmload.requests, report.total]) {
    assert.is(row.notStreamed, 5);
    assert.is(row.e2e?.count, 5);
    assert.is(row.ttft, null);
    assert.is(row.itl, null);
    assert.is(row.tpot, null);
    assert.is(row.outputTokens, 40);
  }
  assert.equal(report.distributions, []);
  assert.match(output, '5 requests not streamed: no TTFT/ITL/TPOT for them');
});

test.run();
