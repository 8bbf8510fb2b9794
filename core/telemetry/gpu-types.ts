/**
 * What GPU telemetry records (the end line's `gpu`): the devices seen, one
 * row per device per reading, and where each reading came from. Times are
 * epoch ms on the run's monotonic clock (performance.timeOrigin +
 * performance.now()), the clock request records use, so a reading falls in
 * the same level or stage window as the requests around it.
 *
 * Memory is in MiB, as both DCGM (FB_USED / FB_FREE) and nvidia-smi
 * (memory.used / memory.total) report it.
 */

export type GpuSourceKind = 'dcgm' | 'prometheus' | 'nvidia-smi' | 'simulator';

/** One GPU, as its source names it. */
export interface GpuDevice {
  /** Unique in the run: `<host or source>/gpu<index>` (or the UUID when there is no index). */
  id: string;
  source: GpuSourceKind;
  index: string | null;
  uuid: string | null;
  model: string | null;
  host: string | null;
  /** Kubernetes pod and namespace (DCGM exporter labels), when given. */
  pod: string | null;
  namespace: string | null;
  driver: string | null;
}

/** One reading of one device; null where the source gave no value ([N/A], [Not Supported], absent). */
export interface GpuSample {
  atMs: number;
  /** When a scraped reading was asked for (its answer arrived at atMs); absent for a command's lines. */
  askedAtMs?: number;
  device: string;
  /** Percent, 0..100. */
  util: number | null;
  memUsedMiB: number | null;
  memTotalMiB: number | null;
  powerW: number | null;
  tempC: number | null;
  smClockMHz: number | null;
  /** The source's energy counter since its own start, mJ (DCGM TOTAL_ENERGY_CONSUMPTION; nvidia-smi total_energy_consumption is J ×1000). */
  energyMj: number | null;
  /** Clock throttle / event reasons active (a bit mask, 0 when none). */
  throttle: number | null;
}

/** A configured source and how it went. */
export interface GpuSourceInfo {
  kind: GpuSourceKind;
  /** URL or command line. */
  where: string;
  /** Readings it gave. */
  readings: number;
  /** Why it gave nothing or less than asked (unreachable, restarted…), or null. */
  note: string | null;
}

/** The end line's `gpu`. */
export interface GpuTelemetrySnapshot {
  sources: GpuSourceInfo[];
  devices: GpuDevice[];
  samples: GpuSample[];
  intervalMs: number;
  /** Idle readings taken before the load (telemetry.idleBaseline), or null when none was asked for. */
  idle: { startMs: number; endMs: number } | null;
  /**
   * Source seconds per wall second: the built-in simulator's energy counter runs in its virtual
   * time, so idle power × wall time must be scaled by its time scale to subtract; 1 for real GPUs.
   */
  clockScale: number;
  /** Why nothing was collected, or what went wrong; shown in the report. */
  notes: string[];
}
