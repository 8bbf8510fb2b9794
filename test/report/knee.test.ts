import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kneeText } from '../../core/report/finding-text.js';
import { computeFindings, type LevelInput } from '../../core/report/findings.js';
import { findKnee, type KneePoint } from '../../core/report/knee.js';
import { renderMarkdown } from '../../core/report/markdown.js';
import { buildReportData } from '../../core/report/report-data.js';
import { buildReportDocument } from '../../core/report/report-document.js';
import { readResultsFile } from '../../core/report/results-file.js';
import { makeRecord } from '../helpers/record-fixture.js';

const points = (pairs: ReadonlyArray<[number, number]>): KneePoint[] => pairs.map(([load, throughput]) => ({ label: String(load), load, throughput }));
const text = (spans: ReturnType<typeof kneeText>): string => spans.map((s) => (typeof s === 'string' ? s : 'strong' in s ? s.strong : '')).join('');

// Seed 002's levels (40: 11.81, 60: 20.09, 80: 19.34 req/s), with the lower and higher levels a fuller sweep would add.
const seed002Like: Array<[number, number]> = [
  [10, 3.2],
  [20, 6.1],
  [40, 11.81],
  [60, 20.09],
  [80, 19.34],
  [100, 19.8],
];

test('a clear knee: a seed-002-like curve bends at 60 users, with the fit quality and both slopes', () => {
  const knee = findKnee(points(seed002Like));
  assert.ok(knee.found, JSON.stringify(knee));
  if (!knee.found) return;
  assert.is(knee.label, '60');
  assert.ok(knee.slopeBefore > 0.25 && knee.slopeBefore < 0.4, `slope before ${knee.slopeBefore}`);
  assert.ok(Math.abs(knee.slopeAfter) < 0.05, `slope after ${knee.slopeAfter}`);
  assert.ok(knee.r2 > 0.98 && knee.lineR2 < knee.r2, `${knee.r2} vs ${knee.lineR2}`);
});

test('linear scaling has no knee: the best bend keeps the slope, and says so', () => {
  const knee = findKnee(
    points([
      [1, 0.52],
      [2, 0.99],
      [4, 2.03],
      [8, 3.98],
      [16, 8.05],
      [32, 15.9],
    ]),
  );
  assert.not.ok(knee.found);
  if (knee.found) return;
  assert.is(knee.reason, 'still-scaling');
  assert.ok(knee.fit !== null && knee.fit.lineR2 > 0.99);
});

test('too few levels: seed 002 itself (three levels) makes no claim, whatever its shape', () => {
  const knee = findKnee(points(seed002Like.slice(2, 5)));
  assert.equal(knee, { found: false, levels: 3, fit: null, reason: 'too-few-levels' });
  assert.is(findKnee(points([[1, 1]])).found, false);
  // Repeated loads do not count as more levels.
  assert.is(
    findKnee(
      points([
        [1, 1],
        [1, 1.1],
        [2, 2],
        [4, 2],
      ]),
    ).found,
    false,
  );
});

test('a bend in noise is no knee; flat throughput has none either', () => {
  const noisy = findKnee(
    points([
      [1, 5],
      [2, 9],
      [3, 4],
      [4, 10],
      [5, 5],
      [6, 9],
    ]),
  );
  assert.not.ok(noisy.found);
  if (!noisy.found) assert.ok(noisy.reason === 'poor-fit' || noisy.reason === 'still-scaling' || noisy.reason === 'no-growth', noisy.reason);
  const flat = findKnee(
    points([
      [1, 5],
      [2, 5],
      [4, 5],
      [8, 5],
    ]),
  );
  assert.is(!flat.found && flat.reason, 'no-growth');
});

function level(users: number, rps: number): LevelInput {
  const e2e = { count: users, avg: 1000, min: 1000, max: 1000, std: 0, p50: 1000, p90: 1000, p95: 1000, p99: 1000, approximate: false };
  return {
    label: String(users),
    users,
    checks: [],
    row: {
      tags: { scenario: 'sweep', level: String(users) },
      users,
      requests: users,
      successful: users,
      failed: 0,
      interrupted: 0,
      successRate: 1,
      failures: {},
      window: { startMs: 0, endMs: (users / rps) * 1000, durationMs: (users / rps) * 1000 },
      requestsPerSec: rps,
      outputTokensPerSec: rps * 100,
      totalTokensPerSec: rps * 120,
      goodputPerSec: null,
      averageConcurrency: null,
      outputTokens: users * 100,
      inputTokens: users * 20,
      cachedTokens: 0,
      avgOutputTokens: 100,
      avgOutputChars: 500,
      tokensEstimated: false,
      e2e,
      ttft: e2e,
      itl: null,
      tpot: null,
    },
  };
}

test('findings carry the knee of req/s vs load; its text states the rule, per axis', () => {
  const f = computeFindings(seed002Like.map(([u, rps]) => level(u, rps)))!;
  assert.is(f.knee?.found && f.knee.label, '60');
  const said = text(kneeText({ axis: 'users' }, f));
  assert.match(said, /^Knee at 60 users: extra load stops buying throughput there\. Throughput grew 0\.\d+ req\/s per user up to it/);
  assert.match(said, 'Rule: a continuous two-segment least-squares fit of req/s vs users');
  assert.match(said, 'at least 4 levels');
  const rate = computeFindings(
    seed002Like.map(([u, rps]) => level(u, rps)),
    { axis: 'rate' },
  )!;
  assert.match(text(kneeText({ axis: 'rate' }, rate)), /^Knee at 60 req\/s: .* req\/s per req\/s offered/);
  const few = computeFindings(seed002Like.slice(2, 5).map(([u, rps]) => level(u, rps)))!;
  assert.match(text(kneeText({ axis: 'users' }, few)), /^No knee: 3 levels ran: too few for a two-segment fit/);
  const linear = computeFindings([1, 2, 4, 8, 16].map((u) => level(u, u * 0.5)))!;
  assert.match(text(kneeText({ axis: 'users' }, linear)), /^No knee: throughput kept scaling: the best bend \(at \d+ users?\) keeps 100% of the slope before it/);
});

const dir = mkdtempSync(join(tmpdir(), 'llmload-knee-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the report's key findings name the knee from a sweep's results", async () => {
  // Each level: `users` requests started together, all ending after users ÷ rps seconds (the level's window).
  const records = seed002Like.flatMap(([users, rps], i) =>
    Array.from({ length: users }, (_, vu) =>
      makeRecord({ vu: vu + 1, tags: { scenario: 'sweep', level: String(users) }, startedAt: 1000 + i * 100_000, scheduledAt: 1000 + i * 100_000, e2eMs: (users / rps) * 1000 }),
    ),
  );
  const path = join(dir, 'results.ndjson');
  writeFileSync(path, [JSON.stringify({ type: 'meta', format: 'llmload-results', version: 1, script: 'sweep.ts' }), ...records.map((r) => JSON.stringify(r))].join('\n') + '\n');
  const md = renderMarkdown(buildReportDocument(buildReportData(await readResultsFile(path)), []));
  assert.match(md, '**Knee at 60 users:** extra load stops buying throughput there.');
});

test.run();
