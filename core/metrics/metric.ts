/**
 * A metric (name, type, sink) and its submetrics: the same metric restricted
 * to samples whose tags match a filter (k6 `http_req_duration{status:200}`).
 */
import type { Sink } from './sinks.js';
import type { TagFilter } from './tags.js';
import type { MetricType, ValueKind } from './types.js';

export class Submetric {
  /** Canonical key, e.g. `llm_ttft{level:10}`. */
  readonly key: string;
  readonly filter: TagFilter;
  readonly sink: Sink;
  /** Listed in the summary even without samples (a threshold refers to it). */
  observed = false;

  constructor(key: string, filter: TagFilter, sink: Sink) {
    this.key = key;
    this.filter = filter;
    this.sink = sink;
  }
}

export class Metric {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueKind;
  readonly sink: Sink;
  readonly submetrics: Submetric[] = [];
  /** Listed in the summary even without samples (a threshold refers to it). */
  observed = false;

  constructor(name: string, type: MetricType, contains: ValueKind, sink: Sink) {
    this.name = name;
    this.type = type;
    this.contains = contains;
    this.sink = sink;
  }

  submetric(key: string): Submetric | undefined {
    return this.submetrics.find((s) => s.key === key);
  }
}
