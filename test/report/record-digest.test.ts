/**
 * RecordDigest.concurrency's peak in flight per bucket, against the plain
 * definition: a sweep over every start (+1) and end (−1) in time order, ends
 * before starts at the same instant. Integer instants make ties common.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordDigest } from '../../core/report/record-digest.js';
import { makeRecord } from '../helpers/record-fixture.js';

/** The peak per bucket by sorting every event with a comparator. */
function referencePeak(spans: ReadonlyArray<[number, number]>, originMs: number, bucketMs: number, buckets: number): number[] {
  const peak = new Array<number>(buckets).fill(0);
  const clampIndex = (t: number): number => Math.min(buckets - 1, Math.max(0, Math.floor((t - originMs) / bucketMs)));
  const events = spans.flatMap(([s, e]) => [
    { at: s, step: 1 },
    { at: Math.max(s, e), step: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let current = 0;
  let bucket = -1;
  for (const event of events) {
    const b = clampIndex(event.at);
    while (bucket < b) peak[++bucket] = current;
    current += event.step;
    if (current > peak[b]!) peak[b] = current;
  }
  for (let b = bucket + 1; b < buckets; b++) peak[b] = current;
  return peak;
}

test('peak in flight per bucket equals the event sweep, ties and zero-length requests included', () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 20; round++) {
    const spans: Array<[number, number]> = [];
    const digest = new RecordDigest();
    const count = 1 + Math.floor(random() * 300);
    for (let i = 0; i < count; i++) {
      const start = 1000 + Math.floor(random() * 50) * 10;
      const e2e = Math.floor(random() * 8) * 10;
      spans.push([start, start + e2e]);
      digest.add(makeRecord({ startedAt: start, scheduledAt: start, e2eMs: e2e, vu: 1 + (i % 9) }));
    }
    const buckets = 2 + Math.floor(random() * 12);
    const bucketMs = 10 + Math.floor(random() * 60);
    assert.equal(digest.concurrency(1000, bucketMs, buckets).peakInFlight, referencePeak(spans, 1000, bucketMs, buckets), `round ${round}`);
  }
});

test('back-to-back requests never count as two in flight', () => {
  const digest = new RecordDigest();
  digest.add(makeRecord({ startedAt: 1000, e2eMs: 100 }));
  digest.add(makeRecord({ startedAt: 1100, e2eMs: 100 }));
  digest.add(makeRecord({ startedAt: 1200, e2eMs: 0 }));
  assert.equal(digest.concurrency(1000, 1000, 1).peakInFlight, [1]);
});

/** Active VUs per bucket by the plain definition: a VU counts in each bucket one of its requests overlaps. */
function referenceActiveVus(requests: ReadonlyArray<{ vu: number; start: number; end: number }>, originMs: number, bucketMs: number, buckets: number): number[] {
  const clampIndex = (t: number): number => Math.min(buckets - 1, Math.max(0, Math.floor((t - originMs) / bucketMs)));
  const seen = Array.from({ length: buckets }, () => new Set<number>());
  for (const { vu, start, end } of requests) for (let b = clampIndex(start); b <= clampIndex(Math.max(start, end)); b++) seen[b]!.add(vu);
  return seen.map((vus) => vus.size);
}

test('active VUs per bucket: requests of a VU recorded in or out of start order, VU numbers close together or far apart', () => {
  let seed = 11;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 30; round++) {
    const digest = new RecordDigest();
    const requests: Array<{ vu: number; start: number; end: number }> = [];
    const count = 1 + Math.floor(random() * 400);
    const vuSpread = round % 3 === 0 ? 1_000_000 : 12;
    for (let i = 0; i < count; i++) {
      const vu = Math.floor(random() * vuSpread) - (round % 5 === 0 ? 3 : 0);
      // Mostly in start order, as a VU's requests follow one another; some out of it, some at the same instant.
      const start = round % 2 === 0 ? 1000 + i * 7 - Math.floor(random() * 30) : 1000 + Math.floor(random() * 40) * 10;
      const e2e = Math.floor(random() * 12) * 10;
      requests.push({ vu, start, end: start + e2e });
      digest.add(makeRecord({ startedAt: start, scheduledAt: start, e2eMs: e2e, vu }));
    }
    const buckets = 2 + Math.floor(random() * 20);
    const bucketMs = 10 + Math.floor(random() * 80);
    assert.equal(digest.concurrency(1000, bucketMs, buckets).activeVus, referenceActiveVus(requests, 1000, bucketMs, buckets), `round ${round}`);
  }
});

test.run();
