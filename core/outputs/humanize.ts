/**
 * How numbers look in the summary: k6's rules for metric lines (durations
 * like 25.1s, 512.3ms, 980µs, 1m3s; values with up to two decimals), and a
 * compact three-significant-digit form for table cells.
 */

/** `value` with at most `digits` decimals and no trailing zeros (k6 toFixedNoTrailingZeros). */
export function toFixedTrimmed(value: number, digits: number): string {
  return String(Number.parseFloat(value.toFixed(digits)));
}

/**
 * A duration in ms as k6 prints it (k6-jslib-summary humanizeGenericDuration):
 * ns below 1 µs, µs below 1 ms, ms below 1 s (two decimals), then s with two
 * decimals, and from one minute on "1m3s", "1h2m3s".
 */
export function humanizeDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${humanizeDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1e6)}ns`;
  if (ms < 1) return `${toFixedTrimmed(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${toFixedTrimmed(ms, 2)}ms`;
  let result = `${toFixedTrimmed((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return result;
  result = `${rest % 60}m${result}`;
  rest = Math.trunc(rest / 60);
  if (rest < 1) return result;
  return `${rest}h${result}`;
}

/** A duration in ms to three significant digits, for table cells: 62.9s, 2.46s, 512ms, 45.2ms, 980µs. */
export function shortDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 0) return `-${shortDuration(-ms)}`;
  if (ms === 0) return '0ms';
  if (ms >= 1000) {
    const s = ms / 1000;
    return `${s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2)}s`;
  }
  if (ms >= 1) return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)}ms`;
  const us = ms * 1000;
  return `${us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2)}µs`;
}

/** A plain value: whole numbers as they are, others with a precision that keeps about 3-4 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return toFixedTrimmed(value, 1);
  if (abs >= 1) return toFixedTrimmed(value, 2);
  if (abs >= 0.01) return toFixedTrimmed(value, 3);
  return String(Number.parseFloat(value.toPrecision(3)));
}

/** A ratio (0..1) as a percentage with two decimals, as k6: 97.50%. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** A success rate for a table cell: 100%, 97.5%, 0%. */
export function shortPercent(ratio: number): string {
  return `${toFixedTrimmed(ratio * 100, 1)}%`;
}
