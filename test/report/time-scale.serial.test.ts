/**
 * A run against the simulator at --time-scale N is reported in the simulated
 * server's time: the same sweep at 1× and at 20× gives the same report rows,
 * findings, advice, thresholds and summary export (each figure within a
 * tolerance for the client's timing on a busy machine), labelled once at the
 * top; results.ndjson keeps what was measured, with the scale in its meta
 * line. The expected figures come from the simulator's virtual time (STEP_MS
 * per step, TOKENS per answer: test/fixtures/time-scale-sweep.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestRecord } from '../../core/client/types.js';
import type { ReportData } from '../../core/report/report-data.js';
import type { SummaryExport } from '../../core/outputs/summary-export.js';
import { fixture, runCli, type CliRun } from '../helpers/cli.js';
import { checkUnlessBusy, measuringLoad, type MachineLoad } from '../helpers/machine-load.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-time-scale-'));
const LABEL = "Times and rates are in the simulated server's time: this run ran 20× faster than real time";

interface Run {
  cli: CliRun;
  report: ReportData;
  exported: SummaryExport;
  lines: Array<Record<string, unknown>>;
  md: string;
  html: string;
}

async function sweep(name: string, scale: number, env: Record<string, string> = {}, extra: string[] = []): Promise<Run> {
  const folder = join(dir, name);
  const exportPath = join(dir, `${name}.json`);
  const flags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const cli = await runCli(
    ['run', fixture('time-scale-sweep.ts'), '--quiet', '--time-scale', String(scale), '--report', folder, '--summary-export', exportPath, ...flags, ...extra],
    {
      timeoutMs: 120_000,
    },
  );
  assert.is(cli.code, 0, cli.stderr + cli.stdout);
  const read = (file: string): string => readFileSync(join(folder, file), 'utf8');
  return {
    cli,
    report: JSON.parse(read('report.json')) as ReportData,
    exported: JSON.parse(readFileSync(exportPath, 'utf8')) as SummaryExport,
    lines: read('results.ndjson')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    md: read('report.md'),
    html: read('report.html'),
  };
}

/** Within `share` of `expected` (the client's timing on a busy machine moves figures a little, mostly at 20×). */
function near(actual: number | null | undefined, expected: number, share: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= share * expected, `${what}: ${String(actual)} is not within ${share * 100}% of ${expected}`);
}

let real: Run;
let scaled: Run;
/** How busy the machine was while the two sweeps ran: their pacing is real time (12.5 ms steps at 20×). */
let load: MachineLoad;
/** A loaded machine fires the simulator's timers late and bunches its steps: the paced figures then mean nothing. */
const PACING = { minCpuShare: 0.6, p50Ms: 3, p90Ms: 10 };

test.before(async () => {
  const measured = await measuringLoad(async () => {
    real = await sweep('real', 1);
    scaled = await sweep('scaled', 20);
  });
  load = measured.load;
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

// 8 tokens at 250 ms a step, in modelled time: TTFT one or two steps (250-500 ms), TPOT 250 ms,
// E2E ~2.1 s. At 20× a step is 12.5 ms of real time, well above what the simulator can pace.
//
// The 1× run lands near these. The 20× run's figures carry the client's own lateness (start-up,
// a busy machine) stretched 20 times, so they are checked two ways: exactly, as the measured
// values × 20; and loosely, against the modelled figures, where a value left in real time would be
// 20 times too small.
const E2E_MS = 2150;
/** How much slower a 20× figure may read: 100 ms of start-up lateness on a loaded machine is 2 s of modelled time. */
const SLOWER = 5;

function band(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && actual >= 0.75 * expected && actual <= SLOWER * expected, `${what}: ${String(actual)} is not near ${expected}`);
}

test("a 20× run's report rows are in the modelled server's time, as the 1× run's", () => {
  for (const run of [real, scaled]) {
    assert.equal(
      run.report.sweeps[0]!.rows.map((r) => r.label),
      ['1', '3'],
    );
  }
  checkUnlessBusy(load, PACING, 'paced figures of the 1× and 20× rows', () => {
    for (const row of real.report.sweeps[0]!.rows) {
      near(row.tpot?.p50, 250, 0.25, `TPOT p50 at ${row.label}`);
      near(row.itl?.avg, 250, 0.25, `ITL mean at ${row.label}`);
      near(row.e2e?.p50, E2E_MS, 0.2, `E2E p50 at ${row.label}`);
      // One answer per user, all at once: the level's throughput is its users over one answer's time.
      near(row.requestsPerSec, (Number(row.label) * 1000) / E2E_MS, 0.3, `req/s at ${row.label}`);
    }
    near(real.report.run.durationMs, 2 * E2E_MS, 0.5, 'run time');
    for (const row of scaled.report.sweeps[0]!.rows) {
      band(row.tpot?.p50, 250, `20×: TPOT p50 at ${row.label}`);
      band(row.itl?.avg, 250, `20×: ITL mean at ${row.label}`);
      band(row.e2e?.p50, E2E_MS, `20×: E2E p50 at ${row.label}`);
      band(row.ttft?.p50, 250, `20×: TTFT p50 at ${row.label}`);
      const rps = (Number(row.label) * 1000) / E2E_MS;
      assert.ok(row.requestsPerSec !== null && row.requestsPerSec >= rps / SLOWER && row.requestsPerSec <= rps * 1.33, `20×: req/s at ${row.label}: ${row.requestsPerSec}`);
    }
  });
  // Exactly the measured figures × 20: level 1 is one request; the run time is the end line's.
  const level1 = scaled.lines.find((l) => l['type'] === 'request' && (l['tags'] as Record<string, string>)['level'] === '1') as unknown as RequestRecord;
  const row1 = scaled.report.sweeps[0]!.rows[0]!;
  near(row1.e2e?.p50, level1.e2eMs! * 20, 0.001, '20×: E2E of level 1');
  near(row1.ttft?.p50, level1.ttftMs! * 20, 0.001, '20×: TTFT of level 1');
  const measuredMs = scaled.lines[scaled.lines.length - 1]!['durationMs'] as number;
  near(scaled.report.run.durationMs, measuredMs * 20, 0.001, '20×: run time');
  // The time series is in modelled seconds too: the scaled run's last point is as far out as the real one's, or further.
  const last = (run: Run): number => run.report.series.points[run.report.series.points.length - 1]?.t ?? 0;
  band(last(scaled), Math.max(1, last(real)), '20×: time series span');
  assert.is(scaled.report.run.timeScale, 20);
  assert.is(real.report.run.timeScale, 1);
});

test("thresholds, findings and advice are judged in the modelled server's time", () => {
  checkUnlessBusy(load, PACING, 'thresholds, timeout advice and classes of the paced runs', () => {
    // llm_tpot p(50)>125 passes only on modelled TPOT (measured at 20×: 12.5 ms).
    for (const run of [real, scaled]) assert.ok(run.report.thresholdsOk, JSON.stringify(run.report.thresholds));
    // Twice the highest E2E p99: ~5 s of modelled time (measured at 20×, it would say 1 s).
    const advice = (md: string): number => Number(/set client timeouts to at least ([\d.]+)s/.exec(md)?.[1]);
    near(advice(real.md), 5, 0.25, 'timeout advice at 1×');
    const scaledAdvice = advice(scaled.md);
    assert.ok(scaledAdvice >= 4 && scaledAdvice <= 5 * SLOWER, `timeout advice at 20×: ${scaledAdvice} s`);
    assert.equal(
      scaled.report.sweeps[0]!.findings!.experience.map((e) => e.suits),
      real.report.sweeps[0]!.findings!.experience.map((e) => e.suits),
    );
  });
});

test('the label says so once at the top of report.md and report.html, and of the summary; a 1× run has none', () => {
  const once = (text: string): void => assert.is(text.split(LABEL).length - 1, 1, text.slice(0, 800));
  once(scaled.md);
  once(scaled.html.replace(/&#39;|&#x27;|&apos;/g, "'"));
  once(scaled.cli.stdout);
  assert.ok(scaled.md.indexOf(LABEL) < scaled.md.indexOf('## Summary'), 'before the tables');
  for (const text of [real.md, real.html, real.cli.stdout]) assert.not.match(text, "simulated server's time");
});

test('results.ndjson keeps what was measured, and names the scale and origin in its meta line', () => {
  const meta = scaled.lines[0]!;
  assert.is(meta['type'], 'meta');
  assert.is(meta['timeScale'], 20);
  assert.equal(meta['simulator'], { preset: 'fast', timeScale: 20 });
  assert.type(meta['timeOriginMs'], 'number');
  assert.is(real.lines[0]!['timeScale'], 1);
  const records = scaled.lines.filter((l) => l['type'] === 'request') as unknown as RequestRecord[];
  assert.is(records.length, 4);
  // Measured at 20×: ~110 ms of real time per answer, not the modelled ~2.1 s.
  for (const r of records) assert.ok(r.e2eMs !== null && r.e2eMs < 500, `measured E2E ${String(r.e2eMs)}`);
  const end = scaled.lines[scaled.lines.length - 1]!;
  assert.is(end['type'], 'end');
  assert.ok((end['durationMs'] as number) < 2000, `measured run time ${String(end['durationMs'])}`);
});

test("the summary export is in the modelled server's time, with the scale", () => {
  const e2e = (run: Run): number | undefined => run.exported.metrics['llm_e2e']?.values['med'];
  checkUnlessBusy(load, PACING, 'exported E2E medians', () => {
    band(e2e(scaled), E2E_MS, 'exported E2E median at 20×');
    near(e2e(real), E2E_MS, 0.2, 'exported E2E median at 1×');
  });
  assert.is(scaled.exported.llmload.timeScale, 20);
  assert.is(real.exported.llmload.timeScale, undefined);
  near(scaled.exported.state.testRunDurationMs, scaled.report.run.durationMs!, 0.001, 'exported run time');
  // The report and the export read the same records in the same time: the same figures.
  near(scaled.exported.llmload.throughput.requestsPerSec, scaled.report.total.requestsPerSec!, 0.001, 'exported req/s');
  near(scaled.exported.llmload.levels[1]!.e2e!.p95, scaled.report.sweeps[0]!.rows[1]!.e2e!.p95, 0.001, 'exported level E2E p95');
});

test("user-experience classes follow the modelled server: 20× and 40× give one server's classes", async () => {
  // 175 tokens at 200 ms a step: 35 s an answer (batch: E2E p95 over 30 s); with one sequence at a
  // time the second user waits for the first (E2E p95 ~70 s: background). Measured (1.75 s and 3.5 s
  // at 20×), they would read interactive and batch. The classes rest on E2E, which coarse pacing does not move.
  const env = { STEP_MS: '200', TOKENS: '175', MAX_SEQS: '1', LEVELS: '1,2' };
  const classes = async (scale: number): Promise<Array<string | null>> => (await sweep(`classes-${scale}`, scale, env)).report.sweeps[0]!.findings!.experience.map((e) => e.suits);
  assert.equal(await classes(20), ['batch', 'background']);
  assert.equal(await classes(40), ['batch', 'background']);
});

test('a scale finer than the simulator can pace is said in the report and the summary', async () => {
  // 40 ms steps at 1000×: 0.04 ms of real time each, far below the 1 ms the simulator paces
  // (thresholds off: the TPOT it reads is off too, which is the point).
  const fine = await sweep('fine', 1000, { STEP_MS: '40', TOKENS: '20', LEVELS: '1' }, ['--no-thresholds']);
  const note = 'finer than the 1 ms step the simulator can pace';
  assert.ok(
    fine.report.notes.some((n) => n.includes(note) && /--time-scale \d+ or less/.test(n)),
    fine.report.notes.join('\n'),
  );
  assert.match(fine.cli.stdout, note);
  for (const run of [real, scaled]) {
    assert.not.ok(
      run.report.notes.some((n) => n.includes(note)),
      run.report.notes.join('\n'),
    );
    assert.not.match(run.cli.stdout, note);
  }
});

test.run();
