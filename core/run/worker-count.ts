/**
 * How many worker threads a run starts when --workers does not say: as many
 * as the load's peak concurrency needs, not one per core. Every worker is a
 * V8 isolate of its own (~25 MB, ~0.2 CPU-s to start, its own compiler and
 * garbage collector), and one thread carries a few hundred streams with CPU
 * to spare (BENCHMARKS.md, worker scaling: at 64 and 512 streams one worker
 * cost less CPU per chunk than two and kept 89-93 % of their chunk rate).
 */

/** Concurrent VUs (streams) one worker thread carries before the default adds another. */
export const VUS_PER_WORKER = 256;

/** Workers for a run whose plans reach `peakVus` VUs at once on a machine with `cores` cores: at least 1, at most one per core. */
export function defaultWorkerCount(peakVus: number, cores: number): number {
  const needed = Math.ceil(Math.max(0, peakVus) / VUS_PER_WORKER);
  return Math.max(1, Math.min(Math.max(1, cores), needed));
}
