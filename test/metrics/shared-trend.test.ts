import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestRecord } from '../../core/client/types.js';
import { trendQuantileInterval } from '../../core/metrics/known-figure.js';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { RequestStats } from '../../core/metrics/request-stats.js';
import { SharedTrend } from '../../core/metrics/shared-trend.js';
import { TrendSink, type TrendSinkOptions } from '../../core/metrics/trend-sink.js';
import { judgeWithMargin } from '../../core/thresholds/threshold-margin.js';
import type { ThresholdExpression } from '../../core/thresholds/types.js';
import { makeFailure, makeRecord } from '../helpers/record-fixture.js';

const LEVELS = ['1', '10', '40'];

/**
 * Records over several tag sets (two scenarios, three levels, two names), interleaved
 * as concurrent levels would be, with distinct non-round gaps so that summation order
 * shows in the last bits; some failures and one unstreamed answer.
 */
function makeRecords(count: number, gaps: number): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const scenario = i % 7 === 3 ? 'chat' : 'sweep';
    const tags = { scenario, level: LEVELS[(i * 5) % 3]!, name: i % 4 === 0 ? 'short' : 'long' };
    if (i % 23 === 11) {
      records.push(makeFailure('http_5xx', { tags, scenario, startedAt: 1000 + i * 3 }));
      continue;
    }
    const n = gaps + (i % 5);
    const itlMs = Array.from({ length: n }, (_, k) => 19.3 + ((i * 7919 + k * 104_729) % 1000) / 997 + 1e-7 * k + (k % 3 === 0 ? 0.1 : 0));
    const ttftMs = 90 + (i % 37) / 3;
    const e2eMs = ttftMs + itlMs.reduce((a, v) => a + v, 0);
    records.push(
      makeRecord({ tags, scenario, startedAt: 1000 + i * 3, scheduledAt: 1000 + i * 3, vu: i % 9, outputTokens: n + 1, ttftMs, ttfcMs: ttftMs, e2eMs, itlMs, stream: i !== 5 }),
    );
  }
  return records;
}

function matches(record: RequestRecord, filter: Record<string, string>): boolean {
  return Object.entries(filter).every(([k, v]) => record.tags[k] === v);
}

/** What a TrendSink of its own, fed every matching successful streamed record's gaps in order, gives. */
function independentItl(records: RequestRecord[], filter: Record<string, string>, options: TrendSinkOptions): TrendSink {
  const trend = new TrendSink(options);
  for (const r of records) if (r.ok && r.stream !== false && matches(r, filter)) trend.addMany(r.itlMs);
  return trend;
}

function figures(trend: TrendSink): Record<string, unknown> {
  return {
    count: trend.count,
    sum: trend.sum,
    min: trend.min,
    max: trend.max,
    avg: trend.avg,
    // Past the raw cap a TrendSink's std depends on when it was read (its batches): compared within the cap only.
    std: trend.approximate ? 'approximate' : trend.std,
    p: [0, 1, 25, 50, 90, 95, 99, 99.9, 100].map((p) => trend.percentile(p)),
    approximate: trend.approximate,
    clamped: trend.clamped,
    sorted: trend.sortedSamples() === null ? null : Array.from(trend.sortedSamples()!),
    interval: trendQuantileInterval(trend, 95, 0.95),
    raw: trend.approximate ? null : trend.encode().raw,
  };
}

function itlOf(registry: MetricsRegistry, key: string): TrendSink {
  const target = registry.resolve(key);
  if (target?.kind !== 'sink' || !(target.sink instanceof TrendSink)) throw new Error(`${key} is not a trend`);
  return target.sink;
}

const SUBMETRICS = ['llm_itl{level:10}', 'llm_itl{scenario:sweep}', 'llm_itl{name:short,level:40}'];

function filterOf(key: string): Record<string, string> {
  const inner = key.slice(key.indexOf('{') + 1, -1);
  return Object.fromEntries(inner.split(',').map((pair) => pair.split(':') as [string, string]));
}

for (const [label, rawCap, count] of [
  ['within the raw cap', 100_000, 120],
  ['past the raw cap (histograms), some rows within it', 600, 120],
] as const) {
  test(`shared ITL storage gives the figures of independent trends, ${label}`, () => {
    const options = { rawCap };
    const records = makeRecords(count, 12);
    const registry = new MetricsRegistry({ trend: options });
    for (const key of SUBMETRICS) registry.addSubmetric(key);
    registry.addSubmetric('llm_output_token_throughput{level:10}');
    for (const r of records) registry.addRecord(r);

    assert.equal(figures(itlOf(registry, 'llm_itl')), figures(independentItl(records, {}, options)), 'llm_itl');
    for (const key of SUBMETRICS) assert.equal(figures(itlOf(registry, key)), figures(independentItl(records, filterOf(key), options)), key);
    assert.equal(figures(registry.total.itl), figures(independentItl(records, {}, options)), 'the run');

    // The threshold's three-state judgement reads the same interval.
    const expression: ThresholdExpression = { method: 'p', percentile: 95, operator: '<', value: 20.3, label: 'p(95)' };
    const sub = itlOf(registry, 'llm_itl{level:10}');
    const reference = independentItl(records, { level: '10' }, options);
    assert.equal(judgeWithMargin(sub, expression, sub.percentile(95), 0.95), judgeWithMargin(reference, expression, reference.percentile(95), 0.95));
    assert.is(registry.aggregate('llm_itl{level:10}', 'p', 95, 1000), reference.percentile(95));

    // Per-level, per-scenario and per-name rows: RequestStats fed the same records on their own.
    for (const [group, tagNames] of [
      ['level', ['scenario', 'level']],
      ['scenario', ['scenario']],
      ['name', ['scenario', 'name']],
    ] as const) {
      const own = new Map<string, RequestStats>();
      for (const r of records) {
        const tags = Object.fromEntries(tagNames.map((t) => [t, r.tags[t]!]));
        const key = JSON.stringify(tags);
        if (!own.has(key)) own.set(key, new RequestStats(tags, { trend: options }));
        own.get(key)!.add(r);
      }
      const rows = registry.groupRows(group);
      const expected = [...own.values()].map((s) => s.row());
      assert.is(rows.length, expected.length, group);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const want = expected[i]!;
        if (row.itl?.approximate === true) {
          assert.ok(Math.abs(row.itl.std - want.itl!.std) <= 1e-9 * want.itl!.std, `${group} ${i}: std past the cap, to rounding`);
          row.itl.std = want.itl!.std;
        }
        assert.equal(row, want, `${group} row ${i}`);
      }
      for (let i = 0; i < rows.length; i++) assert.equal(figures(registry.groups(group)[i]!.itl), figures([...own.values()][i]!.itl), `${group} itl ${i}`);
    }
  });
}

test('each gap is stored once, however many trends read it', () => {
  const records = makeRecords(200, 20);
  const registry = new MetricsRegistry();
  for (const key of SUBMETRICS) registry.addSubmetric(key);
  for (const r of records) registry.addRecord(r);
  const ingested = records.filter((r) => r.ok && r.stream !== false).reduce((n, r) => n + r.itlMs.length, 0);
  // llm_itl, three submetrics, the run and its scenario, level and name rows all read these samples.
  const rows = (group: string): number => registry.groups(group).reduce((n, g) => n + g.itl.count, 0);
  assert.is(itlOf(registry, 'llm_itl').count, ingested);
  assert.is(registry.total.itl.count + rows('scenario') + rows('level') + rows('name'), 4 * ingested);
  assert.is(registry.itlSamplesStored, ingested, 'stored once, not once per trend');
});

test('a submetric declared late reads only the samples after it, and the earlier trends keep theirs', () => {
  const records = makeRecords(60, 10);
  const registry = new MetricsRegistry();
  for (const r of records.slice(0, 30)) registry.addRecord(r);
  registry.addSubmetric('llm_itl{level:10}');
  for (const r of records.slice(30)) registry.addRecord(r);
  assert.equal(figures(itlOf(registry, 'llm_itl{level:10}')), figures(independentItl(records.slice(30), { level: '10' }, {})));
  assert.equal(figures(itlOf(registry, 'llm_itl')), figures(independentItl(records, {}, {})));
  const row = registry.groups('level').find((g) => g.tags['scenario'] === 'sweep' && g.tags['level'] === '10')!;
  assert.equal(figures(row.itl), figures(independentItl(records, { scenario: 'sweep', level: '10' }, {})));
  assert.is(registry.itlSamplesStored, itlOf(registry, 'llm_itl').count);
});

test('past the store limit, a tag per request still gives exact figures (each trend stores those gaps itself)', () => {
  const records = makeRecords(1100, 3).map((r, i) => ({ ...r, tags: { ...r.tags, id: String(i) } }));
  const registry = new MetricsRegistry();
  registry.addSubmetric('llm_itl{level:10}');
  for (const r of records) registry.addRecord(r);
  assert.equal(figures(itlOf(registry, 'llm_itl')), figures(independentItl(records, {}, {})));
  assert.equal(figures(itlOf(registry, 'llm_itl{level:10}')), figures(independentItl(records, { level: '10' }, {})));
});

test('merged and encoded registries keep the shared trends exact', () => {
  const records = makeRecords(90, 8);
  const a = new MetricsRegistry();
  const b = new MetricsRegistry();
  for (const registry of [a, b]) registry.addSubmetric('llm_itl{level:10}');
  for (const r of records.slice(0, 45)) a.addRecord(r);
  for (const r of records.slice(45)) b.addRecord(r);
  a.merge(b);
  const decoded = MetricsRegistry.decode(a.encode());
  // What independent trends give merged the same way (a merge adds the two sums).
  const merged = (filter: Record<string, string>): TrendSink => {
    const trend = independentItl(records.slice(0, 45), filter, {});
    trend.merge(independentItl(records.slice(45), filter, {}));
    return trend;
  };
  for (const registry of [a, decoded]) {
    assert.equal(figures(itlOf(registry, 'llm_itl')), figures(merged({})));
    assert.equal(figures(itlOf(registry, 'llm_itl{level:10}')), figures(merged({ level: '10' })));
    assert.equal(figures(registry.total.itl), figures(merged({})));
    assert.equal(registry.groupRows('level'), a.groupRows('level'));
  }
  // A plain trend merging a shared one reads its samples, not its (empty) own storage.
  const plain = new TrendSink();
  plain.merge(itlOf(a, 'llm_itl'));
  assert.equal(figures(plain), figures(merged({})));
});

test('a SharedTrend given samples directly behaves as a TrendSink', () => {
  const shared = new SharedTrend({ rawCap: 5 });
  const plain = new TrendSink({ rawCap: 5 });
  for (const t of [shared, plain]) {
    t.add(3);
    t.addMany([1, 4, 1, 5]);
  }
  assert.equal(figures(shared), figures(plain));
  for (const t of [shared, plain]) t.addMany([9, 2, 6]);
  assert.equal(figures(shared), figures(plain));
});

test.run();
