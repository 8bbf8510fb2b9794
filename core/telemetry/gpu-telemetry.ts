/**
 * GPU telemetry around a run: several sources at once (DCGM exporters, other
 * Prometheus endpoints carrying DCGM fields, nvidia-smi, the built-in
 * simulator's GPU model), read from before the load starts to after it ends,
 * every reading stamped on the run's monotonic clock. Best effort like the
 * server probe: a source that does not answer is noted and the run goes on.
 */
import type { GpuDevice, GpuSample, GpuSourceInfo, GpuSourceKind, GpuTelemetrySnapshot } from './gpu-types.js';
import { readDcgmText } from './dcgm.js';
import { httpText } from './http-text.js';
import { NvidiaSmiSource } from './nvidia-smi.js';

/** What to read (resolved from options.telemetry and the target). */
export interface GpuTelemetryConfig {
  http: Array<{ kind: GpuSourceKind; url: string }>;
  /** nvidia-smi command, or null; `auto`: only used when found, and its absence is the note. */
  nvidiaSmi: { command: string[]; intervalMs: number; auto: boolean } | null;
  intervalMs: number;
  /** Sample this long before the load for the idle baseline; 0 for none. */
  idleBaselineMs: number;
  clockScale: number;
  /** Why nothing is read when the config reads nothing (telemetry: false). */
  off: string | null;
}

/** Readings kept before the oldest half are thinned (a few hours at 500 ms × 8 GPUs). */
const MAX_SAMPLES = 200_000;
/** Unanswered scrapes in a row after which an HTTP source is dropped. */
const MAX_MISSES = 5;

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export class GpuTelemetry {
  readonly #config: GpuTelemetryConfig;
  readonly #devices = new Map<string, GpuDevice>();
  readonly #samples: GpuSample[] = [];
  readonly #sources: GpuSourceInfo[] = [];
  readonly #notes: string[] = [];
  readonly #http: Array<{ info: GpuSourceInfo; url: string; misses: number; answered: boolean }> = [];
  #smi: NvidiaSmiSource | null = null;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | null = null;
  #idle: { startMs: number; endMs: number } | null = null;

  private constructor(config: GpuTelemetryConfig) {
    this.#config = config;
  }

  static async start(config: GpuTelemetryConfig): Promise<GpuTelemetry> {
    const t = new GpuTelemetry(config);
    for (const { kind, url } of config.http) {
      const info: GpuSourceInfo = { kind, where: url, readings: 0, note: null };
      t.#sources.push(info);
      t.#http.push({ info, url, misses: 0, answered: false });
    }
    const smi = config.nvidiaSmi;
    if (smi !== null) {
      const started = await NvidiaSmiSource.start({
        command: smi.command,
        intervalMs: smi.intervalMs,
        host: hostOf(smi.command),
        clock: epochNow,
        onReading: (device, sample) => t.#add(device, sample),
      });
      if (typeof started === 'string') {
        if (!smi.auto) t.#sources.push({ kind: 'nvidia-smi', where: smi.command.join(' '), readings: 0, note: started });
        else if (config.http.length === 0) t.#notes.push(`${started}; set telemetry.dcgm to read a DCGM exporter`);
      } else {
        t.#smi = started;
        t.#sources.push(started.info);
      }
    }
    if (t.#http.length > 0) await t.#scrape();
    if (config.idleBaselineMs > 0 && (t.#http.length > 0 || t.#smi !== null)) {
      const startMs = epochNow();
      t.#arm();
      await new Promise((resolve) => setTimeout(resolve, config.idleBaselineMs));
      t.#idle = { startMs, endMs: epochNow() };
    } else t.#arm();
    return t;
  }

  /** Stop reading at once, nothing more gathered (the run failed before its end); safe after stop(). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#smi?.stop();
  }

  /** Stop every source after one last reading; everything gathered. */
  async stop(): Promise<GpuTelemetrySnapshot> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#inFlight !== null) await this.#inFlight;
    if (this.#http.length > 0) await this.#scrape();
    if (this.#smi !== null) {
      // One more line from nvidia-smi, so the last reading is after the load.
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, this.#config.nvidiaSmi?.intervalMs ?? 0)));
      this.#smi.stop();
    }
    for (const h of this.#http) if (!h.answered && h.info.note === null) h.info.note = 'no answer';
    const notes = [...this.#notes];
    if (this.#config.off !== null) notes.push(this.#config.off);
    else if (this.#samples.length === 0 && notes.length === 0) {
      const failed = this.#sources.filter((s) => s.note !== null).map((s) => `${s.where}: ${s.note}`);
      notes.push(failed.length > 0 ? `no source answered (${failed.join('; ')})` : 'no GPU source configured; set telemetry.dcgm to read a DCGM exporter or telemetry.nvidiaSmi');
    }
    return {
      sources: this.#sources.map((s) => ({ ...s })),
      devices: [...this.#devices.values()],
      samples: [...this.#samples],
      intervalMs: this.#config.intervalMs,
      idle: this.#idle,
      clockScale: this.#config.clockScale,
      notes,
    };
  }

  #add(device: GpuDevice, sample: GpuSample): void {
    if (!this.#devices.has(device.id)) this.#devices.set(device.id, device);
    this.#samples.push(sample);
    if (this.#samples.length > MAX_SAMPLES) {
      const kept = this.#samples.filter((_, i) => i % 2 === 0);
      this.#samples.length = 0;
      this.#samples.push(...kept);
    }
  }

  #arm(): void {
    if (this.#http.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#scrape().finally(() => {
        this.#inFlight = null;
        if (this.#timer !== undefined && this.#http.some((h) => h.misses < MAX_MISSES)) this.#arm();
      });
    }, this.#config.intervalMs);
    this.#timer.unref();
  }

  async #scrape(): Promise<void> {
    await Promise.all(
      this.#http.map(async (h) => {
        if (h.misses >= MAX_MISSES) return;
        const askedAtMs = epochNow();
        const text = await get(h.url, Math.max(1000, this.#config.intervalMs * 2));
        const atMs = epochNow();
        if (text === null) {
          h.misses++;
          if (h.misses >= MAX_MISSES) h.info.note = h.answered ? `stopped answering; dropped after ${MAX_MISSES} misses` : 'no answer';
          return;
        }
        h.misses = 0;
        h.answered = true;
        const reading = readDcgmText(text, atMs, hostOfUrl(h.url), h.info.kind);
        if (reading.samples.length === 0) {
          h.info.note ??= 'no DCGM_FI_DEV_* fields in the answer';
          return;
        }
        reading.devices.forEach((d, i) => {
          h.info.readings++;
          // Counters cover a window's end only from a reading asked for after it (covering.ts).
          reading.samples[i]!.askedAtMs = askedAtMs;
          this.#add(d, reading.samples[i]!);
        });
      }),
    );
  }
}

/** A DCGM exporter's page through node:http (http-text.ts: not fetch(), which compiles Node's own undici in the controller). */
function get(url: string, timeoutMs: number): Promise<string | null> {
  return httpText(url, { headers: {}, timeoutMs });
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The host an `ssh HOST nvidia-smi` wrapper reads from; 'local' for a plain command. */
function hostOf(command: readonly string[]): string {
  if (command[0] === 'ssh') {
    const host = command.slice(1).find((a) => !a.startsWith('-'));
    if (host !== undefined) return host;
  }
  return 'local';
}
