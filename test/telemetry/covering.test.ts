/**
 * A counter's increase over a window is read from the readings that cover it (core/telemetry/covering.ts).
 * A scrape asked for before the window's end and answered after it was rendered before the last work
 * of the window, so it cannot close the window: the next one asked for after the end does. Seen as a
 * run against the simulator's GPU short of a few of its last steps' energy, by a periodic scrape in
 * flight while the last tokens arrived.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coveringRange } from '../../core/telemetry/covering.js';
import { gpuWindowStats } from '../../core/telemetry/gpu-windows.js';
import type { GpuSample, GpuTelemetrySnapshot } from '../../core/telemetry/gpu-types.js';
import { serverWindowStats } from '../../core/telemetry/server-metrics.js';
import type { MetricsScrape } from '../../core/telemetry/server-probe.js';

const energy = (askedAtMs: number, atMs: number, energyMj: number): GpuSample => ({
  atMs,
  askedAtMs,
  device: 'g',
  util: null,
  memUsedMiB: null,
  memTotalMiB: null,
  powerW: null,
  tempC: null,
  smClockMHz: null,
  energyMj,
  throttle: null,
});

test('the end is covered by the first reading asked for after it, the start by the last answered before it', () => {
  const readings = [
    { askedAtMs: 0, atMs: 5 },
    { askedAtMs: 990, atMs: 1010 },
    { askedAtMs: 1990, atMs: 2010 },
    { askedAtMs: 2500, atMs: 2501 },
  ];
  // Window [1000, 2000]: the scrape answered at 1010 was asked before the start, so the start's reading is the one at 5;
  // the one answered at 2010 was asked before the end, so the end's reading is the one asked at 2500.
  assert.equal(coveringRange(readings, 1000, 2000), [0, 3]);
  // Without askedAtMs a reading was taken when stamped (a command's timestamped line).
  assert.equal(coveringRange([{ atMs: 0 }, { atMs: 1000 }, { atMs: 2000 }, { atMs: 3000 }], 1000, 2000), [1, 2]);
  // Nothing covers the end: up to the last reading.
  assert.equal(coveringRange([{ atMs: 0 }, { askedAtMs: 1990, atMs: 2010 }], 1000, 2000), [0, 1]);
});

test("GPU energy: a scrape in flight at the run's end does not cut the window's last steps off", () => {
  // 300 J spent in [1000, 2000]; the periodic scrape asked at 1995 was rendered before the last 10 J.
  const snapshot: GpuTelemetrySnapshot = {
    sources: [],
    devices: [],
    samples: [energy(0, 2, 0), energy(1995, 2003, 290_000), energy(2004, 2006, 300_000)],
    intervalMs: 1000,
    idle: null,
    clockScale: 1,
    notes: [],
  };
  const stats = gpuWindowStats(snapshot, 1000, 2000, 1000);
  assert.is(stats.energyJ, 300);
  assert.is(stats.energyPerOutputToken, 0.3);
});

test("server counters: a scrape in flight at the window's end does not cut its last tokens off", () => {
  const scrape = (askedAtMs: number, atMs: number, tokens: number): MetricsScrape => ({ atMs, askedAtMs, values: { 'vllm:generation_tokens_total': tokens } });
  const stats = serverWindowStats([scrape(0, 2, 0), scrape(1995, 2003, 990), scrape(2004, 2006, 1000)], 1000, 2000);
  assert.is(stats.generationTokens, 1000);
});

test.run();
