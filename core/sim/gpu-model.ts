/**
 * The simulated GPUs, exposed as a DCGM exporter would (GET /dcgm/metrics,
 * dcgm-exporter's field names and labels), so that a run against the
 * built-in simulator shows a GPU section and tests know the exact energy.
 *
 * The model, per GPU (tensor parallelism: every GPU of the profile reports
 * the same figures), in the engine's virtual time:
 * - busy: the GPU runs kernels while a step runs, and is idle between steps
 *   (the engine's occupancy over time). DCGM_FI_DEV_GPU_UTIL is the busy
 *   share since the previous scrape, as DCGM averages it over its sampling
 *   interval;
 * - power = idleWatts + (peakWatts − idleWatts) × that busy share;
 * - energy (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, mJ) integrates the same
 *   model exactly: idleWatts × elapsed + (peakWatts − idleWatts) × busy time.
 *   A step counts once it has completed;
 * - memory: vLLM pre-allocates gpu_memory_utilization (0.9) of each GPU for
 *   weights and the KV cache at start, so FB_USED sits at 90 %, plus a
 *   working set that grows with KV-cache use (up to 5 %);
 * - temperature and SM clock follow the busy share (cosmetic).
 */
import type { GpuProfile } from './engine-config.js';

/** vLLM's default --gpu-memory-utilization. */
const PREALLOCATED = 0.9;
const WORKSPACE = 0.05;

export class GpuMeter {
  /** Virtual ms of completed steps. */
  #busyMs = 0;
  #last = { atMs: 0, busyMs: 0 };

  /** A step of `durationMs` virtual ms completed. */
  step(durationMs: number): void {
    this.#busyMs += durationMs;
  }

  /** Energy per GPU at virtual time `nowMs`, mJ (W × ms). */
  energyMj(profile: GpuProfile, nowMs: number): number {
    return profile.idleWatts * nowMs + (profile.peakWatts - profile.idleWatts) * this.#busyMs;
  }

  /** The exposition at virtual time `nowMs`, with the KV cache's usage (0..1). */
  render(profile: GpuProfile, nowMs: number, kvUsage: number): string {
    const elapsed = nowMs - this.#last.atMs;
    const busy = elapsed > 0 ? Math.min(1, Math.max(0, (this.#busyMs - this.#last.busyMs) / elapsed)) : 0;
    this.#last = { atMs: nowMs, busyMs: this.#busyMs };
    const power = profile.idleWatts + (profile.peakWatts - profile.idleWatts) * busy;
    const used = Math.round(profile.memoryMiB * (PREALLOCATED + WORKSPACE * Math.min(1, Math.max(0, kvUsage))));
    const energy = Math.round(this.energyMj(profile, nowMs));
    const fields: Array<[string, string, string, number]> = [
      ['DCGM_FI_DEV_SM_CLOCK', 'gauge', 'SM clock frequency (in MHz).', busy > 0 ? 1755 : 345],
      ['DCGM_FI_DEV_GPU_TEMP', 'gauge', 'GPU temperature (in C).', Math.round(32 + 40 * busy)],
      ['DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', power],
      ['DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'Total energy consumption since boot (in mJ).', energy],
      ['DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).', Math.round(busy * 100)],
      ['DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).', profile.memoryMiB - used],
      ['DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).', used],
      ['DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', 'gauge', 'Current clock throttle reasons.', 0],
    ];
    const out: string[] = [];
    for (const [name, type, help, value] of fields) {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (let i = 0; i < profile.count; i++) out.push(`${name}{${labels(profile, i)}} ${value}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function labels(profile: GpuProfile, i: number): string {
  const uuid = `GPU-11111111-2222-3333-4444-${String(i).padStart(12, '0')}`;
  return `gpu="${i}",UUID="${uuid}",pci_bus_id="00000000:${String(i + 1).padStart(2, '0')}:00.0",device="nvidia${i}",modelName="${profile.name.replace(/["\\]/g, '')}",Hostname="llmload-sim",DCGM_FI_DRIVER_VERSION="llmload-sim"`;
}
