/** Warm-up and cool-down windows, stage rows, goodput and its share, rate-sweep rows, multi-turn conversations. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFixture, values } from './helpers.js';

test('warm-up and cool-down requests are recorded but left out; ramping-arrival-rate rows per stage; goodput from options.slo', async () => {
  const run = await runFixture('open-windows.ts');
  assert.is(run.code, 0, run.stderr + run.stdout);
  const steady = run.records.filter((r) => r.scenario === 'steady');
  // 20/s for 3 s = 60 arrivals at 0, 50, …, 2950 ms: 20 before 1 s, 10 from 2.5 s on.
  assert.is(steady.length, 60);
  assert.is(steady.filter((r) => r.excluded === 'warmup').length, 20);
  assert.is(steady.filter((r) => r.excluded === 'cooldown').length, 10);
  const summary = run.summary!;
  const row = summary.llmload.scenarioRows.find((r) => r.tags['scenario'] === 'steady');
  assert.is(row?.requests, 30);
  assert.is(values(summary, 'llm_requests_excluded')['count'], 35);
  const closed = run.records.filter((r) => r.scenario === 'closed');
  assert.is(closed.length, 20);
  assert.is(closed.filter((r) => r.excluded === 'warmup').length, 5);
  assert.is(summary.llmload.scenarioRows.find((r) => r.tags['scenario'] === 'closed')?.requests, 15);
  // ramping-arrival-rate 0 → 20/s over 1 s (area 10), then 20/s for 1 s (20 more): 30 arrivals, tagged by stage.
  const ramp = run.records.filter((r) => r.scenario === 'ramp');
  assert.is(ramp.length, 30);
  assert.equal(
    summary.llmload.stages.filter((s) => s.tags['scenario'] === 'ramp').map((s) => [s.tags['stage'], s.requests]),
    [
      ['0', 10],
      ['1', 20],
    ],
  );
  // Goodput: every request of the fast simulator meets ttft ≤ 1 s and e2e ≤ 5 s.
  assert.is(values(summary, 'llm_goodput_ratio')['rate'], 1);
  assert.is(values(summary, 'llm_goodput_ratio')['passes'], 75);
  assert.ok(summary.llmload.throughput.goodputPerSec! > 0);
  const ratio = summary.metrics['llm_goodput_ratio']?.thresholds?.['rate>0.9'];
  assert.equal([ratio?.ok, ratio?.state], [true, 'pass'], '75 of 75 shows a share over 90 % at 95 %');
  assert.match(run.stdout, /llm_goodput_ratio\.*: 100\.00% 75 out of 75/);
});

test('an SLO nobody meets: goodput ratio 0 and its threshold fails the run (exit 99)', async () => {
  const run = await runFixture('open-windows.ts', [], { SLO_TTFT_MS: '0.001' });
  assert.is(run.code, 99, run.stderr + run.stdout);
  assert.is(values(run.summary, 'llm_goodput_ratio')['rate'], 0);
  const steady = run.summary!.metrics['llm_goodput_ratio{scenario:steady}']?.thresholds?.['rate>0.9'];
  assert.equal([steady?.ok, steady?.state], [false, 'fail'], 'none of 30: a conclusive failure, whatever the inconclusive policy');
});

test('rate-sweep: synchronous and throughput measurements, then the rates between them, one row each', async () => {
  const run = await runFixture('open-sweep.ts', [], {}, false);
  assert.is(run.code, 0, run.stderr + run.stdout);
  const notice = /rate-sweep "sweep": synchronous ([\d.]+) req\/s, throughput ([\d.]+) req\/s → rates ([\d., ]+) req\/s/.exec(run.stdout + run.stderr);
  assert.ok(notice !== null, run.stdout);
  const sync = Number(notice[1]);
  const max = Number(notice[2]);
  // 4 sequences at once: batching gives well above one-at-a-time.
  assert.ok(max > 2 * sync, `sync ${sync}, max ${max}`);
  const rates = notice[3]!.split(', ');
  assert.is(rates.length, 3);
  assert.is(Number(rates[2]), Number(max.toPrecision(3)));
  const rows = run.summary!.llmload.rates.map((r) => r.tags['rate']);
  // Each rate that ran has its row (a saturated one may end the sweep early).
  assert.equal(rows.slice(0, 3), ['synchronous', 'throughput', rates[0]]);
  const first = run.summary!.llmload.rates[2]!;
  // The first rate is below capacity: the achieved rate is close to the target.
  assert.ok(Math.abs(first.requestsPerSec! - Number(rates[0])) / Number(rates[0]) < 0.35, `rate ${rates[0]}: achieved ${first.requestsPerSec}`);
  assert.match(run.stdout, /█ RATES/);
  assert.ok(run.records.filter((r) => r.tags['rate'] === rates[0]).every((r) => r.arrival !== undefined));
});

test('multi-turn conversations: the history grows turn by turn, with think time between turns', async () => {
  const run = await runFixture('open-conversation.ts');
  assert.is(run.code, 0, run.stderr + run.stdout);
  assert.is(values(run.summary, 'checks')['rate'], 1);
  // 4 conversations × 3 turns.
  assert.is(run.records.length, 12);
  const byVu = new Map<number, typeof run.records>();
  for (const r of run.records) byVu.set(r.vu * 1000 + r.iteration, [...(byVu.get(r.vu * 1000 + r.iteration) ?? []), r]);
  assert.is(byVu.size, 4);
  for (const turns of byVu.values()) {
    turns.sort((a, b) => a.startedAt - b.startedAt);
    assert.equal(
      turns.map((t) => t.tags['turn']),
      ['1', '2', '3'],
    );
    // Each turn resends the history: the prompt grows by the previous answer (12 tokens) and the new user turn.
    assert.ok(turns[1]!.inputTokens > turns[0]!.inputTokens + 12 && turns[2]!.inputTokens > turns[1]!.inputTokens + 12);
    // Think time: the next turn starts ≥ 100 ms after the previous one ended.
    for (let i = 1; i < 3; i++) assert.ok(turns[i]!.startedAt - (turns[i - 1]!.startedAt + turns[i - 1]!.e2eMs!) >= 99);
    // Only the first request of an iteration is scheduled by the arrival.
    assert.ok(turns[1]!.scheduledAt === turns[1]!.startedAt && turns[0]!.arrival === turns[2]!.arrival);
  }
});

test.run();
