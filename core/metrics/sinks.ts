/**
 * Storage of counter, gauge and rate metrics (k6 metrics/sink.go), and the
 * `Sink` union with the trend's. Every sink merges and encodes to plain data.
 */
import { TrendSink, type EncodedTrend, type TrendSinkOptions } from './trend-sink.js';
import type { MetricType } from './types.js';

export interface EncodedCounter {
  kind: 'counter';
  count: number;
  samples: number;
}

export interface EncodedGauge {
  kind: 'gauge';
  /** null when no sample arrived. */
  value: number | null;
  min: number | null;
  max: number | null;
  samples: number;
}

export interface EncodedRate {
  kind: 'rate';
  passes: number;
  total: number;
}

export type EncodedSink = EncodedCounter | EncodedGauge | EncodedRate | EncodedTrend;

/** A sum of sample values (k6 Counter); rate = sum / test duration. */
export class CounterSink {
  count = 0;
  samples = 0;

  add(value: number): void {
    this.count += value;
    this.samples++;
  }

  merge(other: CounterSink): void {
    this.count += other.count;
    this.samples += other.samples;
  }

  encode(): EncodedCounter {
    return { kind: 'counter', count: this.count, samples: this.samples };
  }

  static decode(encoded: EncodedCounter): CounterSink {
    const sink = new CounterSink();
    sink.count = encoded.count;
    sink.samples = encoded.samples;
    return sink;
  }
}

/** The last value, plus the smallest and largest seen (k6 Gauge). */
export class GaugeSink {
  value = Number.NaN;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  samples = 0;

  add(value: number): void {
    this.value = value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.samples++;
  }

  /** `other` counts as the later of the two: its last value wins when it has one. */
  merge(other: GaugeSink): void {
    if (other.samples === 0) return;
    this.value = other.value;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    this.samples += other.samples;
  }

  encode(): EncodedGauge {
    const empty = this.samples === 0;
    return {
      kind: 'gauge',
      value: empty ? null : this.value,
      min: empty ? null : this.min,
      max: empty ? null : this.max,
      samples: this.samples,
    };
  }

  static decode(encoded: EncodedGauge): GaugeSink {
    const sink = new GaugeSink();
    sink.value = encoded.value ?? Number.NaN;
    sink.min = encoded.min ?? Number.POSITIVE_INFINITY;
    sink.max = encoded.max ?? Number.NEGATIVE_INFINITY;
    sink.samples = encoded.samples;
    return sink;
  }
}

/** The share of non-zero samples (k6 Rate). */
export class RateSink {
  passes = 0;
  total = 0;

  /** Any non-zero value counts as a pass, as in k6. */
  add(value: number): void {
    this.total++;
    if (value !== 0) this.passes++;
  }

  get fails(): number {
    return this.total - this.passes;
  }

  /** passes / total; NaN when empty. */
  get rate(): number {
    return this.total === 0 ? Number.NaN : this.passes / this.total;
  }

  merge(other: RateSink): void {
    this.passes += other.passes;
    this.total += other.total;
  }

  encode(): EncodedRate {
    return { kind: 'rate', passes: this.passes, total: this.total };
  }

  static decode(encoded: EncodedRate): RateSink {
    const sink = new RateSink();
    sink.passes = encoded.passes;
    sink.total = encoded.total;
    return sink;
  }
}

export type Sink = CounterSink | GaugeSink | RateSink | TrendSink;

/** An empty sink for a metric type. */
export function createSink(type: MetricType, trend: TrendSinkOptions = {}): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink(trend);
  }
}

/** The number of samples a sink holds. */
export function sinkSamples(sink: Sink): number {
  if (sink instanceof RateSink) return sink.total;
  if (sink instanceof TrendSink) return sink.count;
  return sink.samples;
}

/** Merge two sinks of the same kind; throws when the kinds differ. */
export function mergeSink(into: Sink, from: Sink): void {
  if (into instanceof CounterSink && from instanceof CounterSink) into.merge(from);
  else if (into instanceof GaugeSink && from instanceof GaugeSink) into.merge(from);
  else if (into instanceof RateSink && from instanceof RateSink) into.merge(from);
  else if (into instanceof TrendSink && from instanceof TrendSink) into.merge(from);
  else throw new Error(`cannot merge a ${sinkType(from)} into a ${sinkType(into)}`);
}

export function sinkType(sink: Sink): MetricType {
  if (sink instanceof CounterSink) return 'counter';
  if (sink instanceof GaugeSink) return 'gauge';
  if (sink instanceof RateSink) return 'rate';
  return 'trend';
}

export function decodeSink(encoded: EncodedSink): Sink {
  switch (encoded.kind) {
    case 'counter':
      return CounterSink.decode(encoded);
    case 'gauge':
      return GaugeSink.decode(encoded);
    case 'rate':
      return RateSink.decode(encoded);
    case 'trend':
      return TrendSink.decode(encoded);
  }
}
