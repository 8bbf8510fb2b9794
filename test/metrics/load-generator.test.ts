import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LLMLOAD_COALESCED_READS, LLMLOAD_CPU, LLMLOAD_EVENT_LOOP_DELAY } from '../../core/metrics/builtin.js';
import {
  addHealthToRegistry,
  isHealthReading,
  judgeLoadGenerator,
  loadGeneratorHeadline,
  LoadGeneratorTracker,
  saturationSentence,
  type HealthReading,
  type LoadGeneratorFigures,
} from '../../core/metrics/load-generator.js';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { renderSummary } from '../../core/outputs/summary-text.js';
import { sweepSummaryData } from '../helpers/summary-fixture.js';

function figures(over: Partial<LoadGeneratorFigures> = {}): LoadGeneratorFigures {
  return {
    readings: 10,
    delayP99Ms: 2,
    delayMaxMs: 4,
    utilization: 0.3,
    cpu: 0.2,
    cpuMax: 0.3,
    machineCpu: 0.4,
    tokenGaps: 10_000,
    coalesced: 10,
    coalescedShare: 0.001,
    dispatched: 0,
    dispatchedLate: 0,
    ...over,
  };
}

function reading(over: Partial<HealthReading> = {}): HealthReading {
  return {
    source: 'worker 0',
    at: 1_000,
    intervalMs: 500,
    tags: {},
    delays: [
      [1, 49],
      [3, 1],
    ],
    delayP99Ms: 3,
    delayMaxMs: 3,
    utilization: 0.2,
    tokenGaps: 100,
    coalesced: 0,
    ...over,
  };
}

test('a prompt event loop with spare CPU is not saturated', () => {
  assert.is(judgeLoadGenerator(figures()), null);
  // At the limits, not above them.
  assert.is(judgeLoadGenerator(figures({ delayP99Ms: 20, cpu: 0.89 })), null);
});

test('event-loop delay p99 above 20 ms: saturated, with the figure', () => {
  assert.is(judgeLoadGenerator(figures({ delayP99Ms: 20.5 })), 'event-loop delay p99 21 ms');
  assert.is(judgeLoadGenerator(figures({ delayP99Ms: 48, coalescedShare: 0.71, coalesced: 7100 })), 'event-loop delay p99 48 ms, 71 % of token reads coalesced');
  assert.is(
    saturationSentence(judgeLoadGenerator(figures({ delayP99Ms: 48, coalescedShare: 0.71, coalesced: 7100 }))),
    'the load generator was saturated (event-loop delay p99 48 ms, 71 % of token reads coalesced): latency figures are inflated',
  );
});

test('coalesced reads count only with a late event loop and enough gaps', () => {
  // A server that writes several tokens at once, read by a prompt client: not the client's doing.
  assert.is(judgeLoadGenerator(figures({ coalescedShare: 0.9, coalesced: 9000, delayP99Ms: 1 })), null);
  // Too few gaps to judge.
  assert.is(judgeLoadGenerator(figures({ coalescedShare: 0.9, tokenGaps: 100, coalesced: 90, delayP99Ms: 8 })), null);
  // Half or less.
  assert.is(judgeLoadGenerator(figures({ coalescedShare: 0.5, coalesced: 5000, delayP99Ms: 8 })), null);
  assert.is(judgeLoadGenerator(figures({ coalescedShare: 0.51, coalesced: 5100, delayP99Ms: 8 })), 'event-loop delay p99 8.0 ms, 51 % of token reads coalesced');
});

test('CPU at 90 % of the cores: saturated', () => {
  assert.is(judgeLoadGenerator(figures({ cpu: 0.9 })), 'CPU 90 % of the cores');
  assert.is(judgeLoadGenerator(figures({ cpu: null })), null);
});

test('open loop: more than 1 % of at least 100 requests sent over 20 ms late is saturation', () => {
  assert.is(judgeLoadGenerator(figures({ dispatched: 1000, dispatchedLate: 10 })), null);
  assert.is(judgeLoadGenerator(figures({ dispatched: 1000, dispatchedLate: 11 })), '1 % of requests sent over 20 ms late');
  assert.is(judgeLoadGenerator(figures({ dispatched: 99, dispatchedLate: 50 })), null);
  const tracker = new LoadGeneratorTracker();
  for (let i = 0; i < 100; i++) tracker.addDispatchLag({ scenario: 'open', rate: '50' }, i < 7 ? 35 : 0.2);
  const summary = tracker.summary()!;
  assert.is(summary.rows[0]!.axis, 'rate');
  assert.is(summary.rows[0]!.figures.dispatchedLate, 7);
  assert.is(loadGeneratorHeadline(summary), 'the load generator was saturated (7 % of requests sent over 20 ms late): latency figures are inflated (at rate 50)');
});

test('the tracker takes the p99 over every delay sample, and keeps rows apart', () => {
  const tracker = new LoadGeneratorTracker();
  assert.is(tracker.summary(), null);
  // Level 1: 198 prompt samples and one 100 ms spike in 200: p99 stays prompt.
  tracker.add(
    reading({
      tags: { scenario: 's', level: '1' },
      delays: [
        [1, 198],
        [100, 2],
      ],
      delayP99Ms: 100,
      delayMaxMs: 100,
      tokenGaps: 1000,
      coalesced: 0,
    }),
  );
  // Level 2: late all along, most reads coalesced.
  tracker.add(
    reading({
      tags: { scenario: 's', level: '2' },
      delays: [
        [30, 50],
        [60, 50],
      ],
      delayP99Ms: 60,
      delayMaxMs: 60,
      tokenGaps: 1000,
      coalesced: 800,
    }),
  );
  tracker.add(reading({ source: 'controller', tags: { scenario: 's', level: '2' }, delays: [[1, 50]], cpu: 0.5, machineCpu: 1, tokenGaps: 0 }));
  const summary = tracker.summary()!;
  const level1 = summary.rows.find((r) => r.value === '1')!;
  assert.is(level1.figures.delayP99Ms, 1);
  assert.is(level1.figures.delayMaxMs, 100);
  assert.is(level1.verdict, null);
  const level2 = summary.rows.find((r) => r.value === '2')!;
  assert.is(level2.axis, 'level');
  assert.is(level2.figures.delayP99Ms, 60);
  assert.is(level2.figures.coalescedShare, 0.8);
  assert.is(level2.figures.cpu, 0.5);
  assert.is(level2.figures.machineCpu, 1);
  assert.is(level2.verdict, 'the load generator was saturated (event-loop delay p99 60 ms, 80 % of token reads coalesced): latency figures are inflated');
  // Whole run: 350 samples, 100 at 30 ms or more: p99 60 ms.
  assert.is(summary.overall.delayP99Ms, 60);
  assert.is(summary.overall.tokenGaps, 2000);
  assert.is(
    loadGeneratorHeadline(summary),
    'the load generator was saturated (event-loop delay p99 60 ms, 40 % of token reads coalesced): latency figures are inflated (at level 2)',
  );
});

test('a saturated row in a healthy run is named in the headline with its own figures', () => {
  const tracker = new LoadGeneratorTracker();
  tracker.add(reading({ tags: { scenario: 's', stage: '0' }, delays: [[1, 5000]] }));
  tracker.add(reading({ tags: { scenario: 's', stage: '1' }, delays: [[45, 20]], tokenGaps: 0 }));
  const summary = tracker.summary()!;
  assert.is(summary.verdict, null);
  assert.is(loadGeneratorHeadline(summary), 'the load generator was saturated at stage 1 (event-loop delay p99 45 ms): latency figures there are inflated');
});

test('readings feed the llmload_* metrics, with their tags for submetrics', () => {
  const registry = new MetricsRegistry();
  registry.observe('llmload_event_loop_delay{level:2}');
  addHealthToRegistry(
    registry,
    reading({
      tags: { level: '2' },
      delays: [
        [2, 3],
        [40, 1],
      ],
      tokenGaps: 10,
      coalesced: 4,
    }),
  );
  addHealthToRegistry(registry, reading({ source: 'controller', delays: [[1, 2]], tokenGaps: 0, coalesced: 0, cpu: 0.25 }));
  // One trend sample per delay sample: (2+2+2+40+1+1)/6.
  assert.is(registry.aggregate(LLMLOAD_EVENT_LOOP_DELAY, 'avg', 0, 1000), 8);
  assert.is(registry.aggregate(LLMLOAD_EVENT_LOOP_DELAY, 'min', 0, 1000), 1);
  assert.is(registry.aggregate(LLMLOAD_EVENT_LOOP_DELAY, 'max', 0, 1000), 40);
  // The level's submetric has the worker's samples only.
  assert.is(registry.aggregate('llmload_event_loop_delay{level:2}', 'avg', 0, 1000), 11.5);
  assert.is(registry.aggregate(LLMLOAD_COALESCED_READS, 'rate', 0, 1000), 0.4);
  assert.is(registry.aggregate(LLMLOAD_CPU, 'avg', 0, 1000), 0.25);
});

test('a health line read back must have its fields', () => {
  assert.ok(isHealthReading(JSON.parse(JSON.stringify({ type: 'health', ...reading() }))));
  assert.not.ok(isHealthReading({ ...reading(), delays: [[1]] }));
  assert.not.ok(isHealthReading({ ...reading(), tags: null }));
});

test('the summary prints the saturation in its headline and a LOAD GENERATOR block', () => {
  const tracker = new LoadGeneratorTracker();
  tracker.add(reading({ tags: { scenario: 'sweep', level: '2' }, delays: [[48, 100]], tokenGaps: 1000, coalesced: 710 }));
  tracker.add(reading({ source: 'controller', tags: { scenario: 'sweep', level: '2' }, delays: [[1, 100]], tokenGaps: 0, cpu: 0.4, machineCpu: 1 }));
  const text = renderSummary({ ...sweepSummaryData(), loadGenerator: tracker.summary() });
  const lines = text.split('\n');
  assert.ok(lines.includes('  ⚠ the load generator was saturated (event-loop delay p99 48 ms, 71 % of token reads coalesced): latency figures are inflated (at level 2)'), text);
  const block = text.slice(text.indexOf('█ LOAD GENERATOR'));
  assert.match(block, 'event-loop delay p99 48ms (max 3ms) · busiest thread 20.00% busy · llmload CPU 40.00% of the cores, machine 100.00% · token reads coalesced 71.00% of 1000');
  assert.match(block, '✗ sweep level 2: the load generator was saturated');
  // No readings (an old results file): no block, no headline.
  const plain = renderSummary(sweepSummaryData());
  assert.not.match(plain, 'LOAD GENERATOR');
  assert.not.match(plain, 'load generator was saturated');
});

test.run();
