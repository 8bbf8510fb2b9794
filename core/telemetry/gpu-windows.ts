/**
 * GPU figures over a window (the run, a level, a stage): summaries of the
 * readings inside it, and the energy spent in it.
 *
 * Energy per device comes from its energy counter when it has one (DCGM's
 * TOTAL_ENERGY_CONSUMPTION, mJ): the increase from the last reading taken at
 * or before the start to the first taken at or after the end (covering.ts),
 * so the whole window is covered (as the server's counters in server-metrics.ts). A counter that goes
 * down was reset (exporter or driver restart): as Prometheus' increase(), the
 * value after the reset counts from zero, and the reset is counted and said.
 * Without a counter (nvidia-smi), power is integrated over the readings
 * (trapezoids) across the same span.
 *
 * With an idle baseline (readings before the load), the idle power × the
 * window's length is subtracted: what the load cost beyond an idle GPU.
 */
import { coveringRange } from './covering.js';
import type { GpuSample, GpuTelemetrySnapshot } from './gpu-types.js';

/** mean / median / min / max of the readings. */
export interface Spread {
  mean: number;
  median: number;
  min: number;
  max: number;
}

export interface GpuWindowStats {
  /** Readings (all devices) inside the window. */
  samples: number;
  devices: number;
  /** Utilisation %, over every device's readings. */
  util: Spread | null;
  /** Memory used / total, %, over every device's readings. */
  memPct: Spread | null;
  /** Memory used, MiB, summed over devices (mean of the readings per device, then summed). */
  memUsedMiB: number | null;
  /** Total power, W: mean per device, summed over devices. */
  powerW: number | null;
  /** Highest temperature read, °C. */
  tempMaxC: number | null;
  /** Mean SM clock, MHz. */
  smClockMHz: number | null;
  /** Energy spent in the window by every device, J; null when no device could say. */
  energyJ: number | null;
  /** Idle power subtracted (W, all devices), when an idle baseline was measured. */
  idlePowerW: number | null;
  /** energyJ minus idle power × window; null without a baseline. */
  netEnergyJ: number | null;
  /** (net energy when measured, else energy) / output tokens, J/token. */
  energyPerOutputToken: number | null;
  outputTokensPerJoule: number | null;
  /** Energy counter resets seen in the window. */
  counterResets: number;
  /** How the energy was found. */
  energySource: 'counter' | 'power' | null;
}

export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { mean: sum / n, median, min: sorted[0]!, max: sorted[n - 1]! };
}

/** Readings grouped by device, in time order. */
export function byDevice(samples: readonly GpuSample[]): Map<string, GpuSample[]> {
  const map = new Map<string, GpuSample[]>();
  for (const s of samples) {
    const list = map.get(s.device);
    if (list === undefined) map.set(s.device, [s]);
    else list.push(s);
  }
  for (const list of map.values()) list.sort((a, b) => a.atMs - b.atMs);
  return map;
}

/** Idle power per device: mean power of the readings in the idle window. */
export function idlePowerOf(snapshot: GpuTelemetrySnapshot): number | null {
  if (snapshot.idle === null) return null;
  const { startMs, endMs } = snapshot.idle;
  let total = 0;
  let any = false;
  for (const list of byDevice(snapshot.samples).values()) {
    const power = list.filter((s) => s.atMs >= startMs && s.atMs <= endMs && s.powerW !== null).map((s) => s.powerW!);
    if (power.length === 0) continue;
    total += power.reduce((a, b) => a + b, 0) / power.length;
    any = true;
  }
  return any ? total : null;
}

/** Figures over [startMs, endMs] with `outputTokens` generated in it. */
export function gpuWindowStats(snapshot: GpuTelemetrySnapshot, startMs: number, endMs: number, outputTokens: number): GpuWindowStats {
  const devices = byDevice(snapshot.samples);
  const util: number[] = [];
  const memPct: number[] = [];
  const clocks: number[] = [];
  let samples = 0;
  let memUsed: number | null = null;
  let power: number | null = null;
  let tempMax: number | null = null;
  let energyJ: number | null = null;
  let resets = 0;
  let energySource: GpuWindowStats['energySource'] = null;
  for (const list of devices.values()) {
    const inside = list.filter((s) => s.atMs >= startMs && s.atMs <= endMs);
    samples += inside.length;
    const mem: number[] = [];
    const watts: number[] = [];
    for (const s of inside) {
      if (s.util !== null) util.push(s.util);
      if (s.memUsedMiB !== null) {
        mem.push(s.memUsedMiB);
        if (s.memTotalMiB !== null && s.memTotalMiB > 0) memPct.push((s.memUsedMiB / s.memTotalMiB) * 100);
      }
      if (s.powerW !== null) watts.push(s.powerW);
      if (s.tempC !== null) tempMax = tempMax === null ? s.tempC : Math.max(tempMax, s.tempC);
      if (s.smClockMHz !== null) clocks.push(s.smClockMHz);
    }
    if (mem.length > 0) memUsed = (memUsed ?? 0) + mean(mem);
    if (watts.length > 0) power = (power ?? 0) + mean(watts);
    const span = covering(list, startMs, endMs);
    const counted = counterIncrease(span);
    if (counted !== null) {
      energyJ = (energyJ ?? 0) + counted.mj / 1000;
      resets += counted.resets;
      energySource = 'counter';
    } else {
      const integrated = integratePower(span, snapshot.clockScale);
      if (integrated !== null) {
        energyJ = (energyJ ?? 0) + integrated;
        energySource ??= 'power';
      }
    }
  }
  const idlePowerW = idlePowerOf(snapshot);
  const seconds = ((endMs - startMs) / 1000) * snapshot.clockScale;
  const netEnergyJ = energyJ !== null && idlePowerW !== null ? Math.max(0, energyJ - idlePowerW * seconds) : null;
  const spent = netEnergyJ ?? energyJ;
  return {
    samples,
    devices: devices.size,
    util: spreadOf(util),
    memPct: spreadOf(memPct),
    memUsedMiB: memUsed,
    powerW: power,
    tempMaxC: tempMax,
    smClockMHz: clocks.length === 0 ? null : mean(clocks),
    energyJ,
    idlePowerW,
    netEnergyJ,
    energyPerOutputToken: spent !== null && outputTokens > 0 ? spent / outputTokens : null,
    outputTokensPerJoule: spent !== null && spent > 0 ? outputTokens / spent : null,
    counterResets: resets,
    energySource,
  };
}

/** The readings from the last taken at or before the start to the first taken at or after the end (covering.ts). */
function covering(list: readonly GpuSample[], startMs: number, endMs: number): GpuSample[] {
  const [first, last] = coveringRange(list, startMs, endMs);
  return list.slice(first, last + 1);
}

/** Increase of the energy counter over the readings, resets counted; null with fewer than two counter readings. */
export function counterIncrease(list: readonly GpuSample[]): { mj: number; resets: number } | null {
  let prev: number | null = null;
  let mj = 0;
  let resets = 0;
  let readings = 0;
  for (const s of list) {
    if (s.energyMj === null) continue;
    readings++;
    if (prev !== null) {
      if (s.energyMj >= prev) mj += s.energyMj - prev;
      else {
        resets++;
        mj += s.energyMj;
      }
    }
    prev = s.energyMj;
  }
  return readings < 2 ? null : { mj, resets };
}

/** ∫ power dt over the readings (trapezoids), J; null with fewer than two power readings. */
function integratePower(list: readonly GpuSample[], clockScale: number): number | null {
  let prev: GpuSample | null = null;
  let joules = 0;
  let pairs = 0;
  for (const s of list) {
    if (s.powerW === null) continue;
    if (prev !== null) {
      joules += ((prev.powerW! + s.powerW) / 2) * ((s.atMs - prev.atMs) / 1000) * clockScale;
      pairs++;
    }
    prev = s;
  }
  return pairs === 0 ? null : joules;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
