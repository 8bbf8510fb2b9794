/**
 * Reads the DCGM exporter's Prometheus text (dcgm-exporter's default
 * counters: DCGM_FI_DEV_* with labels gpu, UUID, device, modelName,
 * Hostname, DCGM_FI_DRIVER_VERSION, and pod/namespace/container when it runs
 * with Kubernetes pod mapping) into one GpuSample per GPU.
 */
import type { GpuDevice, GpuSample, GpuSourceKind } from './gpu-types.js';
import { parsePrometheusSamples } from './prometheus.js';

/** DCGM field → GpuSample field. FB_FREE is turned into a total with FB_USED. */
const FIELDS: Readonly<Record<string, keyof GpuSample | 'memFreeMiB'>> = {
  DCGM_FI_DEV_GPU_UTIL: 'util',
  DCGM_FI_DEV_FB_USED: 'memUsedMiB',
  DCGM_FI_DEV_FB_FREE: 'memFreeMiB',
  DCGM_FI_DEV_POWER_USAGE: 'powerW',
  DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION: 'energyMj',
  DCGM_FI_DEV_GPU_TEMP: 'tempC',
  DCGM_FI_DEV_SM_CLOCK: 'smClockMHz',
  DCGM_FI_DEV_CLOCK_THROTTLE_REASONS: 'throttle',
  DCGM_FI_DEV_CLOCKS_EVENT_REASONS: 'throttle',
};

const KEEP = (name: string): boolean => Object.hasOwn(FIELDS, name);

export interface DcgmReading {
  devices: GpuDevice[];
  samples: GpuSample[];
}

/** The GPUs in one scrape; `fallbackHost` names devices whose series carry no Hostname label. */
export function readDcgmText(text: string, atMs: number, fallbackHost: string, kind: GpuSourceKind): DcgmReading {
  const byDevice = new Map<string, { device: GpuDevice; sample: GpuSample; freeMiB: number | null }>();
  for (const s of parsePrometheusSamples(text, KEEP)) {
    const l = s.labels;
    const host = l['Hostname'] ?? l['hostname'] ?? null;
    const index = l['gpu'] ?? l['minor_number'] ?? null;
    const uuid = l['UUID'] ?? l['uuid'] ?? null;
    const id = `${host ?? fallbackHost}/${index !== null ? `gpu${index}` : (uuid ?? 'gpu')}`;
    let entry = byDevice.get(id);
    if (entry === undefined) {
      entry = {
        device: {
          id,
          source: kind,
          index,
          uuid,
          model: l['modelName'] ?? null,
          host,
          pod: l['pod'] ?? l['exported_pod'] ?? null,
          namespace: l['namespace'] ?? l['exported_namespace'] ?? null,
          driver: l['DCGM_FI_DRIVER_VERSION'] ?? null,
        },
        sample: emptySample(atMs, id),
        freeMiB: null,
      };
      byDevice.set(id, entry);
    }
    const field = FIELDS[s.name]!;
    if (!Number.isFinite(s.value)) continue;
    if (field === 'memFreeMiB') entry.freeMiB = s.value;
    else (entry.sample as unknown as Record<string, number>)[field] = s.value;
  }
  const devices: GpuDevice[] = [];
  const samples: GpuSample[] = [];
  for (const { device, sample, freeMiB } of byDevice.values()) {
    if (freeMiB !== null && sample.memUsedMiB !== null) sample.memTotalMiB = sample.memUsedMiB + freeMiB;
    devices.push(device);
    samples.push(sample);
  }
  return { devices, samples };
}

export function emptySample(atMs: number, device: string): GpuSample {
  return { atMs, device, util: null, memUsedMiB: null, memTotalMiB: null, powerW: null, tempC: null, smClockMHz: null, energyMj: null, throttle: null };
}
