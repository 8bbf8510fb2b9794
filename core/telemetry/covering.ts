/**
 * Which readings of a counter cover a window: from the last one taken at or before its start to
 * the first one taken at or after its end, so the counter's increase between them holds all that
 * happened inside it.
 *
 * A scraped reading is stamped when its answer arrived (`atMs`), but the server rendered it at
 * some moment between asking (`askedAtMs`) and then. So the end is covered only by a reading asked
 * for at or after it: one asked before the end and answered after it may have been rendered before
 * the window's last work and misses it (a periodic scrape in flight while the run's last tokens
 * arrive). The start is covered by a reading answered at or before it, which was rendered before it
 * too. Readings without `askedAtMs` (a command's own timestamped lines) were taken at `atMs`.
 */
export interface TimedReading {
  atMs: number;
  askedAtMs?: number;
}

/** [first, last] indices of the readings (in time order) that cover [startMs, endMs]; [0, n − 1] where none does. */
export function coveringRange(readings: readonly TimedReading[], startMs: number, endMs: number): [number, number] {
  let first = 0;
  for (let i = 0; i < readings.length; i++) {
    if (readings[i]!.atMs <= startMs) first = i;
    else break;
  }
  let last = readings.length - 1;
  for (let i = first; i < readings.length; i++) {
    const r = readings[i]!;
    if ((r.askedAtMs ?? r.atMs) >= endMs) {
      last = i;
      break;
    }
  }
  return [first, last];
}
