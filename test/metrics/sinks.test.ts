import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateSink, describeAggregations } from '../../core/metrics/aggregate.js';
import { CounterSink, decodeSink, GaugeSink, mergeSink, RateSink } from '../../core/metrics/sinks.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';

test('counter: count and rate per second of test run; empty reads zero', () => {
  const sink = new CounterSink();
  assert.is(aggregateSink(sink, 'count', 0, 1000), 0);
  sink.add(3);
  sink.add(1);
  assert.is(aggregateSink(sink, 'count', 0, 2000), 4);
  assert.is(aggregateSink(sink, 'rate', 0, 2000), 2);
  assert.is(aggregateSink(sink, 'avg', 0, 2000), undefined);
});

test('gauge: last value wins, min and max kept; merge takes the later gauge', () => {
  const a = new GaugeSink();
  assert.is(aggregateSink(a, 'value', 0, 0), null);
  a.add(4);
  a.add(9);
  a.add(6);
  const b = new GaugeSink();
  b.add(1);
  mergeSink(a, b);
  assert.equal([a.value, a.min, a.max, a.samples], [1, 1, 9, 4]);
  mergeSink(a, new GaugeSink());
  assert.is(a.value, 1, 'an empty gauge does not overwrite');
});

test('rate: non-zero samples pass', () => {
  const sink = new RateSink();
  assert.is(aggregateSink(sink, 'rate', 0, 0), null);
  for (const v of [1, 0, 0.5, -1, 0]) sink.add(v);
  assert.equal([sink.passes, sink.fails, sink.total], [3, 2, 5]);
  assert.is(aggregateSink(sink, 'rate', 0, 0), 0.6);
});

test('trend aggregations', () => {
  const sink = new TrendSink();
  assert.is(aggregateSink(sink, 'p', 95, 0), null);
  for (let i = 1; i <= 10; i++) sink.add(i);
  assert.is(aggregateSink(sink, 'avg', 0, 0), 5.5);
  assert.is(aggregateSink(sink, 'min', 0, 0), 1);
  assert.is(aggregateSink(sink, 'max', 0, 0), 10);
  assert.is(aggregateSink(sink, 'med', 0, 0), 5.5);
  assert.is(aggregateSink(sink, 'p', 95, 0), 9.549999999999999);
  assert.is(aggregateSink(sink, 'rate', 0, 0), undefined);
});

test('sinks encode to plain data and back; kinds must match to merge', () => {
  for (const sink of [new CounterSink(), new GaugeSink(), new RateSink(), new TrendSink()]) {
    sink.add(2);
    assert.equal(decodeSink(JSON.parse(JSON.stringify(sink.encode()))).encode(), sink.encode());
  }
  assert.throws(() => mergeSink(new CounterSink(), new RateSink()), /cannot merge a rate into a counter/);
});

test('aggregations per type are described as k6 lists them', () => {
  assert.is(describeAggregations('trend'), 'avg, min, max, med or p(N)');
  assert.is(describeAggregations('counter'), 'count or rate');
  assert.is(describeAggregations('gauge'), 'value');
});

test.run();
