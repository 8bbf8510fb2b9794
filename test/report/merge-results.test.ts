/**
 * `llmload report a.ndjson b.ndjson …`: the results of a split test's
 * instances make one report whose rows, percentiles and threshold verdict are
 * those of one process with the same records, however the records are split.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { readResultsFile, readResultsFiles } from '../../core/report/results-file.js';
import { buildReportData } from '../../core/report/report-data.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-merge-'));
const whole = join(dir, 'whole.ndjson');

test.before(async () => {
  const run = await runCli(['run', fixture('report-sweep.ts'), '--quiet', '--no-report', '--out', `json=${whole}`]);
  assert.ok(run.code === 0 || run.code === 99, run.stderr);
});

/** Write the whole run's lines dealt into `n` files by `pick`; the end line's open-loop rows stay with the first. */
function split(n: number, pick: (k: number) => number, name: string): string[] {
  const lines = readFileSync(whole, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const files: string[][] = Array.from({ length: n }, () => []);
  let k = 0;
  for (const line of lines) {
    const type = (JSON.parse(line) as { type: string }).type;
    if (type === 'meta') files.forEach((f) => f.push(line));
    else if (type === 'end') files.forEach((f, i) => f.push(i === 0 ? line : JSON.stringify({ ...(JSON.parse(line) as object), load: [] })));
    else files[pick(k++) % n]!.push(line);
  }
  return files.map((f, i) => {
    const path = join(dir, `${name}-${i}.ndjson`);
    writeFileSync(path, f.join('\n') + '\n');
    return path;
  });
}

/**
 * Numbers equal up to the last bits a different order of summation changes (averages and
 * deviations add the records in file order); counts, percentiles and verdicts compare exactly.
 */
function close(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected)) assert.is(actual, expected, path);
    else assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: an object`);
    assert.equal(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [key, value] of Object.entries(expected)) close((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    return;
  }
  assert.is(actual, expected, path);
}

/** The report's figures: rows, totals, percentiles and the verdict (not the file names, not the notes about inputs). */
function figures(data: ReturnType<typeof buildReportData>): unknown {
  const { thresholds, thresholdsOk, total, sweeps, stages, scenarioRows, checks } = data;
  return JSON.parse(JSON.stringify({ thresholds, thresholdsOk, total, sweeps, stages, scenarioRows, checks })) as unknown;
}

test('records split any way over instances make the one-process report figures and verdict', async () => {
  const one = buildReportData(await readResultsFile(whole));
  assert.ok(one.thresholds !== null && one.thresholds.length > 0, 'the run has thresholds to judge');
  const splits: Array<[number, (k: number) => number]> = [
    [2, (k) => k],
    [3, (k) => (k * 7919) % 11],
    [4, (k) => (k < 5 ? 0 : 3)],
  ];
  for (const [n, pick] of splits) {
    const merged = buildReportData(await readResultsFiles(split(n, pick, `split${n}`)));
    close(figures(merged), figures(one), `${n} instances`);
  }
});

test('llmload report takes several results files and writes one merged report', async () => {
  const files = split(2, (k) => k, 'cli');
  const out = join(dir, 'merged');
  const run = await runCli(['report', ...files, '--out', out]);
  assert.is(run.code, 0, run.stderr);
  const merged = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
  const one = buildReportData(await readResultsFile(whole)) as unknown as Record<string, unknown>;
  close(merged['sweeps'], JSON.parse(JSON.stringify(one['sweeps'])), 'sweeps');
  close(merged['total'], JSON.parse(JSON.stringify(one['total'])), 'total');
  assert.is(merged['thresholdsOk'], one['thresholdsOk']);
});

test.run();
