/**
 * How numbers look in reports. Throughputs keep four significant digits so
 * that ratios a reader works out from a table (speedups, % changes) agree with
 * the ones the report states; latencies use the summary's three-digit form.
 */
import { shortDuration, shortPercent } from '../outputs/humanize.js';

/** req/s and similar rates: 0.04118, 1.234, 12.64, 123.4; '-' for null. */
export function fmtRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  if (abs >= 1) return value.toFixed(3);
  return String(Number.parseFloat(value.toPrecision(4)));
}

/** Token rates: one decimal (2292.2). */
export function fmtTokens(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(1);
}

/** A duration in ms: 62.9s, 2.46s, 512ms. */
export function fmtMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return shortDuration(value);
}

/** A 0..1 share as 100%, 97.5%. */
export function fmtShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return shortPercent(value);
}

/** A fraction as a signed percentage with one decimal: +44.5%, -4.2%. */
export function fmtChange(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '-';
  const pct = fraction * 100;
  const text = Math.abs(pct) < 0.05 ? '0.0' : Math.abs(pct).toFixed(1);
  return `${pct > 0 && text !== '0.0' ? '+' : pct < 0 && text !== '0.0' ? '-' : ''}${text}%`;
}

/** A speedup: 3.75×. */
export function fmtSpeedup(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** For what fmtCount does not group itself; made on first use (loading ICU's number formatting costs ~30 ms). */
let countFormat: Intl.NumberFormat | undefined;

/**
 * A plain count with thousands separators: 65,772 (what `Math.round(value).toLocaleString('en-US')` gives).
 * Safe integers are grouped here: toLocaleString makes a new ICU formatter per call (~150 µs on Node 20,
 * hundreds of calls per report).
 */
export function fmtCount(value: number): string {
  const rounded = Math.round(value);
  if (!Number.isSafeInteger(rounded) || Object.is(rounded, -0)) {
    countFormat ??= new Intl.NumberFormat('en-US');
    return countFormat.format(rounded);
  }
  const digits = String(rounded < 0 ? -rounded : rounded);
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return rounded < 0 ? `-${grouped}` : grouped;
}

/** Bytes as GiB with one decimal. */
export function fmtGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
