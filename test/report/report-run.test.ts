/**
 * End to end: `llmload run` sweeps the built-in simulator twice (a batch cap
 * of 8 sequences, then 32), writing report folders, JUnit, CSV and a GitHub
 * step summary; `llmload report` rebuilds a report from results.ndjson; and
 * `llmload compare` puts the two runs side by side.
 */
import { Ajv } from 'ajv';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReportData } from '../../core/report/report-data.js';
import { compileVegaLite } from '../../core/report/render-svg.js';
import { shortDuration } from '../../core/outputs/humanize.js';
import { fixture, runCli, type CliRun } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-report-'));
const base = join(dir, 'baseline');
const opt = join(dir, 'optimized');
const stepSummary = join(dir, 'step-summary.md');
let baseRun: CliRun;

test.before(async () => {
  writeFileSync(stepSummary, '# earlier step\n');
  baseRun = await runCli(
    ['run', fixture('report-sweep.ts'), '--quiet', '--report', base, '--out', `junit=${join(dir, 'junit.xml')}`, '--out', `csv=${join(dir, 'requests.csv')}`],
    {
      env: { GITHUB_STEP_SUMMARY: stepSummary },
    },
  );
  const second = await runCli(['run', fixture('report-sweep.ts'), '--quiet', '--report', opt, '-e', 'MAX_SEQS=32']);
  assert.is(second.code, 0, second.stderr);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string): string => readFileSync(path, 'utf8');

test('a run writes its report folder and says where', () => {
  assert.is(baseRun.code, 0, baseRun.stderr);
  for (const file of ['report.md', 'report.html', 'report.json', 'results.ndjson']) assert.ok(existsSync(join(base, file)), file);
  const charts = readdirSync(join(base, 'charts')).sort();
  for (const name of ['throughput', 'latency', 'ttft-distribution', 'itl-distribution', 'timeline', 'server', 'gpu']) {
    assert.ok(charts.includes(`${name}.vl.json`), `${name}.vl.json`);
    assert.ok(charts.includes(`${name}.svg`), `${name}.svg`);
  }
  // Where the report went is a log line (stderr); stdout holds the summary alone.
  assert.match(baseRun.stderr, `report: ${join(base, 'report.md')}`);
  assert.not.match(baseRun.stdout, 'report: ');
  const md = read(join(base, 'report.md'));
  assert.match(md, '![Throughput vs concurrent users](charts/throughput.svg)');
  assert.match(
    md,
    '| users | requests | success | req/s | output tok/s | total tok/s | E2E p50 | E2E p95 | E2E p99 | TTFT p50 | TTFT p95 | TTFT p99 | ITL p50 | ITL p99 | TPOT p50 |',
  );
});

test('results.ndjson ends with the end line: thresholds, options, server scrapes', () => {
  const lines = read(join(base, 'results.ndjson')).trimEnd().split('\n');
  const meta = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.is(meta['type'], 'meta');
  assert.is(meta['format'], 'llmload-results');
  const end = JSON.parse(lines[lines.length - 1]!) as {
    type: string;
    thresholds: Array<{ key: string; ok: boolean }>;
    server: { models: Array<{ id: string }>; scrapes: unknown[] };
    options: { thresholds: Record<string, string[]> };
  };
  assert.is(end.type, 'end');
  assert.equal(
    end.thresholds.map((t) => [t.key, t.ok]),
    [
      ['llm_request_failed', true],
      ['llm_ttft', true],
    ],
  );
  assert.equal(end.options.thresholds, { llm_request_failed: ['rate<0.01'], llm_ttft: ['p(95)<60000'] });
  assert.is(end.server.models[0]!.id, 'llmload/report-test');
  assert.ok(end.server.scrapes.length >= 2, 'scraped /metrics before and after');
  const sampled = lines.filter((l) => l.includes('"textSample"'));
  assert.ok(sampled.length >= 4, 'a few records per level keep a text sample');
});

test('key findings agree with the table: speedup = req/s ÷ req/s at 1 user, efficiency = speedup ÷ users; saturation at 8', () => {
  const data = JSON.parse(read(join(base, 'report.json'))) as ReportData;
  const md = read(join(base, 'report.md'));
  const scaling = md.slice(md.indexOf('| users | req/s | output tok/s | speedup vs 1 |'));
  const lines = scaling.split('\n').slice(2);
  const rows = lines
    .slice(
      0,
      lines.findIndex((l) => !l.startsWith('| ')),
    )
    .map((l) =>
      l
        .split('|')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    );
  assert.equal(
    rows.map((r) => r[0]),
    ['1', '4', '8', '16'],
  );
  const rps1 = Number(rows[0]![1]);
  for (const r of rows) {
    const speedup = Number(r[3]!.replace('×', ''));
    const efficiency = Number(r[4]!.replace('%', '')) / 100;
    // Both req/s are rounded to 0.01 and the speedup to 0.01: allow what those roundings can add up to.
    const ratio = Number(r[1]) / rps1;
    assert.ok(Math.abs(speedup - ratio) <= 0.005 + ratio * (0.005 / Number(r[1]) + 0.005 / rps1) + 1e-9, `${r[0]} users: speedup ${speedup} vs ${Number(r[1])} / ${rps1}`);
    // The table rounds speedup to 0.01 and efficiency to 0.1 %: allow both roundings.
    assert.ok(Math.abs(efficiency - speedup / Number(r[0])) <= 0.005 / Number(r[0]) + 0.0005 + 1e-9, `${r[0]} users: efficiency ${efficiency} vs ${speedup} / ${r[0]}`);
  }
  const summaryRow = (users: string): string[] =>
    md
      .split('\n')
      .find((l) => l.startsWith(`| ${users} | `) && l.split('|').length > 15)!
      .split('|')
      .map((c) => c.trim());
  assert.is(summaryRow('8')[4], rows[2]![1], 'the same req/s in the summary table and the findings');
  assert.match(md, '**Saturation at 8 users.**');
  const f = data.sweeps[0]!.findings!;
  assert.ok(f.saturation.reached && f.saturation.label === '8', 'a batch cap of 8 sequences saturates at 8 users');
  assert.match(md, '### 1. Continuous batching works');
  assert.match(md, `**Speedup: ${f.batching!.speedup.toFixed(2)}×**`);
  // One speedup per level: the batching figure is the scaling table's speedup at the top level.
  assert.is(f.batching!.speedup.toFixed(2), rows[3]![3]!.replace('×', ''));
  assert.match(md, '**None within the tested range:** every level met every threshold that applies to it.');
  // iterationsPerVu 1: each level is one wave, so the report says what it measured and claims no sustained rate.
  assert.ok(f.singleWave);
  assert.match(md, `**${f.capacity!.requests} requests in ${shortDuration(f.capacity!.windowMs!)}** at 16 users`);
  assert.match(md, 'One wave is not a sustained rate');
  assert.not.match(md, /\d requests\/hour/);
  assert.not.match(md, 'sustained at');
  assert.match(md, '| Concurrency | Expected wait (E2E p50) | E2E p95 | TTFT p95 | Acceptable for |');
  // The server's prefix-cache hit rate and the usage's cached input side by side, each defined, and why they differ.
  assert.match(md, '| prefix-cache hit rate | cached input (usage) |');
  assert.match(md, 'The two count different things over different sets');
  assert.match(md, '## Sample responses');
});

/** Check every chart of a folder against vega-lite's JSON schema and compiler, and its SVG; returns how many. */
async function checkCharts(folder: string): Promise<number> {
  const schemaPath = fileURLToPath(import.meta.resolve('vega-lite/vega-lite-schema.json'));
  // Formats (uri, color) are not what this checks; the structure is.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(read(schemaPath)) as object);
  const files = readdirSync(join(folder, 'charts')).filter((f) => f.endsWith('.vl.json'));
  for (const file of files) {
    const spec = JSON.parse(read(join(folder, 'charts', file))) as Record<string, unknown>;
    assert.ok(validate(spec), `${file}: ${ajv.errorsText(validate.errors)}`);
    const vega = await compileVegaLite(file, spec);
    assert.ok(Array.isArray(vega['marks']) && (vega['marks'] as unknown[]).length > 0, `${file} compiles to marks`);
    const svg = read(join(folder, 'charts', file.replace('.vl.json', '.svg')));
    assert.ok(svg.startsWith('<svg'), `${file}: an SVG document`);
    assert.match(svg, /<path|<rect/, `${file}: has drawn marks`);
  }
  return files.length;
}

test('every chart spec is valid Vega-Lite (schema and compiler) and has an SVG rendering', async () => {
  assert.is(await checkCharts(base), 7);
  const timeline = JSON.parse(read(join(base, 'charts', 'timeline.vl.json'))) as { vconcat: Array<{ title: string }> };
  assert.equal(
    timeline.vconcat.map((p) => p.title),
    ['Active VUs and requests in flight', 'Requests completed per second', 'Output tokens per second', 'TTFT p95 per second', 'Failed requests per second'],
  );
});

test('llmload report rebuilds the same report from results.ndjson', async () => {
  const again = join(dir, 'rebuilt');
  const run = await runCli(['report', join(base, 'results.ndjson'), '--out', again]);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, 'report: ');
  // The same report but for its footer, whose re-make command names the inputs of this rebuild.
  const body = (md: string): string => md.slice(0, md.lastIndexOf('Re-make it with'));
  assert.is(body(read(join(again, 'report.md'))), body(read(join(base, 'report.md'))));
  assert.match(read(join(again, 'report.md')), `Re-make it with \`llmload report ${join(base, 'results.ndjson')} --out ${again}\`.`);
  assert.is(read(join(again, 'report.json')), read(join(base, 'report.json')));
  for (const file of readdirSync(join(base, 'charts')).filter((f) => f.endsWith('.vl.json'))) assert.is(read(join(again, 'charts', file)), read(join(base, 'charts', file)), file);
  // A report folder names its results.ndjson, as compare takes folders.
  const fromFolder = await runCli(['report', base, '--out', join(dir, 'rebuilt-from-folder')]);
  assert.is(fromFolder.code, 0, fromFolder.stderr);
  assert.is(read(join(dir, 'rebuilt-from-folder', 'report.json')), read(join(base, 'report.json')));
  const empty = await runCli(['report', join(dir, 'rebuilt-from-folder', 'charts')]);
  assert.is(empty.code, 104);
  assert.match(empty.stderr, 'charts: a folder without results.ndjson');
  const bad = await runCli(['report', join(dir, 'junit.xml')]);
  assert.is(bad.code, 104);
  assert.match(bad.stderr, 'junit.xml:1: not JSON');
});

test('llmload compare: per-level table with % change and direction, overlay charts, JSON', async () => {
  const run = await runCli(['compare', base, opt, '--label', 'baseline', '--label', 'optimized', '--out', join(dir, 'compare')]);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, '| Level | Metric | baseline | optimized | Change |');
  const json = JSON.parse(read(join(dir, 'compare', 'compare.json'))) as {
    rows: Array<{ group: string; metric: string; values: number[]; changes: Array<{ percent: number; verdict: string; factor: number; bandPercent: number } | null> }>;
  };
  const rps = json.rows.find((r) => r.group === 'level 16' && r.metric === 'Request throughput')!;
  const percent = ((rps.values[1]! - rps.values[0]!) / rps.values[0]!) * 100;
  assert.ok(Math.abs(rps.changes[1]!.percent - percent) < 1e-9);
  assert.ok(percent > 30, `a batch cap of 32 serves 16 users faster (got ${percent.toFixed(1)} %)`);
  assert.is(rps.changes[1]!.verdict, 'better');
  const line = run.stdout.split('\n').find((l) => l.startsWith('| level 16 | Request throughput |'))!;
  assert.match(line, `${percent >= 0 ? '+' : '-'}${Math.abs(percent).toFixed(1)}% (${(rps.values[1]! / rps.values[0]!).toFixed(2)}× higher, better) |`);
  const e2e = json.rows.find((r) => r.group === 'level 16' && r.metric === 'E2E p50')!;
  const e2eChange = e2e.changes[1]!;
  const outside = Math.abs(e2eChange.percent) > e2eChange.bandPercent;
  assert.is(e2eChange.verdict, !outside ? 'same' : e2e.values[1]! < e2e.values[0]! ? 'better' : 'worse', 'latency: lower is better, outside the noise band');
  for (const file of ['compare.md', 'compare.html']) assert.ok(existsSync(join(dir, 'compare', file)), file);
  assert.is(await checkCharts(join(dir, 'compare')), 2, 'throughput and latency overlays');
  assert.is(run.stderr, '', 'same script and model: no warning');
});

test('junit, csv and the GitHub step summary', () => {
  const junit = read(join(dir, 'junit.xml'));
  assert.match(junit, '<testcase classname="llmload.thresholds" name="llm_ttft p(95)&lt;60000" time="0"><system-out>observed p(95)=');
  assert.match(junit, '<testcase classname="llmload.checks" name="has text"');
  const csv = read(join(dir, 'requests.csv')).trimEnd().split('\r\n');
  assert.is(
    csv[0],
    'started_at,scenario,level,stage,vu,iteration,api,stream,ok,failure,status,ttfb_ms,ttft_ms,ttfc_ms,e2e_ms,tpot_ms,itl_mean_ms,itl_max_ms,chunks,output_tokens,input_tokens,cached_tokens,tokens_source,output_chars,finish_reason,error,tags',
  );
  assert.is(csv.length - 1, 1 + 4 + 8 + 16, 'one row per request: 1 iteration per VU at 1/4/8/16 users');
  const summary = read(stepSummary);
  assert.ok(summary.startsWith('# earlier step\n'), 'appended, not replaced');
  assert.match(summary, '## llmload: llmload/report-test');
  assert.match(summary, '**Saturation:** 8 users');
  assert.match(summary, `Full report: \`${join(base, 'report.md')}\``);
});

test.run();
