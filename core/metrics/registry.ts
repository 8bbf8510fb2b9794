/**
 * The controller's metrics engine: every finished request (`addRecord`) and
 * every custom/check/engine sample (`addSample`) lands here, in the metric,
 * in each submetric whose tag filter matches, in the run's RequestStats and in
 * the per-group RequestStats (per sweep level, scenario, stage), and in the
 * time series.
 *
 * Hot path: addRecord runs once per request and its ITL loop once per token
 * event. Which sinks a request feeds depends only on its tag set, so that
 * list (a Route) is computed once per distinct tag set and cached under a key
 * built once per record; the per-sample work is then a store into
 * preallocated arrays, with no allocation and no string building.
 *
 * Submetrics must be declared (addSubmetric, normally by the thresholds)
 * before samples arrive: samples are not replayed into a late submetric.
 */
import type { RequestRecord } from '../client/types.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { aggregateSink, type AggregationMethod } from './aggregate.js';
import { BUILTIN_METRICS, builtinMetric, CHECKS, LLM_ITL, LLM_RECONNECTS, LLM_REQUESTS_EXCLUDED, TAG_CHECK, TAG_FAILURE, TAG_WINDOW } from './builtin.js';
import { CheckTable, type CheckRecord } from './check-table.js';
import { derivedValue } from './derived.js';
import { Metric, Submetric } from './metric.js';
import { connectingMs, failureClassOf, outcomeOf, outputTokensPerSecond, streamedItlMs, streamedTtfcMs, streamedTtftMs, tpotMs } from './record-values.js';
import { DEFAULT_GROUPS, RequestGroups, type EncodedGroups, type GroupDefinition } from './request-groups.js';
import { meetsSlo, RequestStats, type EncodedRequestStats, type GoodputSlo, type InputTokenBasis, type RequestStatsRow } from './request-stats.js';
import { buildRoute, type Route } from './route.js';
import { SharedTrend } from './shared-trend.js';
import { createSink, decodeSink, mergeSink, type EncodedSink, type Sink } from './sinks.js';
import { matchesFilter, parseMetricKey, tagSetKey, type MetricKey, type TagFilter } from './tags.js';
import { TimeSeries, type EncodedTimeSeries, type TimeSeriesOptions } from './time-series.js';
import { TrendSink, type TrendSinkOptions } from './trend-sink.js';
import type { MetricType, Tags, ValueKind } from './types.js';

export { DEFAULT_GROUPS, type GroupDefinition } from './request-groups.js';
export { normalizeGroupPath, type CheckRecord } from './check-table.js';

export interface RegistryOptions {
  /** Raw-sample cap and HDR precision of every trend. */
  trend?: TrendSinkOptions;
  groups?: readonly GroupDefinition[];
  /** Goodput SLOs; without them llm_goodput has no value. */
  goodput?: GoodputSlo | null;
  /** Input token count used by total token throughput (default 'server'). */
  inputTokens?: InputTokenBasis;
  series?: TimeSeriesOptions;
}

/** What a metric key resolves to: a sample metric or submetric, or a derived throughput over some requests. */
export type MetricTarget =
  | { kind: 'sink'; key: string; type: MetricType; contains: ValueKind; sink: Sink; observed: boolean }
  | { kind: 'derived'; key: string; name: string; type: 'gauge'; contains: 'default'; stats: RequestStats; observed: boolean };

export interface EncodedMetric {
  name: string;
  type: MetricType;
  contains: ValueKind;
  observed: boolean;
  sink: EncodedSink;
  submetrics: Array<{ key: string; observed: boolean; sink: EncodedSink }>;
}

/** A whole registry as plain data: crosses threads (structured clone) and files (JSON) for `llmload merge`. */
export interface EncodedRegistry {
  format: 'llmload.metrics';
  version: 1;
  options: { trend: TrendSinkOptions; groups: GroupDefinition[]; goodput: GoodputSlo | null; inputTokens: InputTokenBasis };
  metrics: EncodedMetric[];
  /** Submetric keys declared for metrics that had no sample yet. */
  pending: string[];
  derived: Array<{ key: string; observed: boolean; stats: EncodedRequestStats }>;
  total: EncodedRequestStats;
  groups: EncodedGroups[];
  series: EncodedTimeSeries;
  checks: CheckRecord[];
  droppedSamples: number;
}

interface DerivedSubmetric {
  key: string;
  name: string;
  filter: TagFilter | null;
  stats: RequestStats;
  observed: boolean;
}

/** Distinct example messages kept per failure class. */
const FAILURE_EXAMPLES = 3;

/** Distinct tag sets remembered before the route cache is flushed (bounds memory under high-cardinality tags). */
const ROUTE_CACHE_LIMIT = 10_000;

/**
 * Tag sets given an ITL store of their own. Every ITL trend reads the stores
 * of the tag sets it covers, so a tag per request (an id) must not make one
 * store per request: past this many, a new tag set's gaps go into each of its
 * trends' own store, as before sharing.
 */
const ITL_STORE_LIMIT = 1024;

export class MetricsRegistry {
  readonly total: RequestStats;
  readonly series: TimeSeries;
  readonly #trend: TrendSinkOptions;
  readonly #goodput: GoodputSlo | null;
  readonly #inputTokens: InputTokenBasis;
  readonly #metrics = new Map<string, Metric>();
  readonly #pending = new Map<string, MetricKey[]>();
  readonly #derived = new Map<string, DerivedSubmetric>();
  readonly #groups: RequestGroups;
  readonly #checks = new CheckTable();
  readonly #routes = new Map<string, Route>();
  /** Per tag set, the one store its requests' ITL gaps go into (the ITL trends read it: SharedTrend). */
  readonly #itlStores = new Map<string, TrendSink>();
  #droppedSamples = 0;
  /** Up to FAILURE_EXAMPLES distinct error messages per failure class, in order of first appearance. */
  readonly failureExamples = new Map<string, string[]>();

  constructor(options: RegistryOptions = {}) {
    this.#trend = { ...options.trend };
    this.#goodput = options.goodput ?? null;
    this.#inputTokens = options.inputTokens ?? 'server';
    this.total = this.#newStats({});
    this.series = new TimeSeries(options.series);
    this.#groups = new RequestGroups(options.groups ?? DEFAULT_GROUPS, (tags) => this.#newStats(tags));
    for (const [name, info] of Object.entries(BUILTIN_METRICS)) {
      if (info.derived) {
        this.#derived.set(name, { key: name, name, filter: null, stats: this.total, observed: false });
      } else {
        this.#metrics.set(name, new Metric(name, info.type, info.contains, this.#createSink(name, info.type)));
      }
    }
  }

  /**
   * The metric called `name`, created on first use. Throws LL_ERR_SCRIPT_EXCEPTION when the
   * name is taken by a metric of another type (or a derived metric), or a custom metric of the
   * same type but other value kind. Builtin metrics keep their own value kind.
   */
  define(name: string, type: MetricType, isTime = false): Metric {
    const existing = this.#metrics.get(name);
    const builtin = builtinMetric(name);
    const contains: ValueKind = isTime ? 'time' : 'default';
    if (existing !== undefined) {
      if (existing.type !== type) throw conflict(name, existing.type, type);
      if (builtin === undefined && existing.contains !== contains) {
        throw new LlmloadError(
          ErrorCode.SCRIPT_EXCEPTION,
          `metric "${name}" holds ${existing.contains === 'time' ? 'times' : 'plain values'}; it cannot also hold ${contains === 'time' ? 'times' : 'plain values'}`,
        );
      }
      return existing;
    }
    if (builtin?.derived === true) {
      throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `metric "${name}" is computed from the request window; samples cannot be added to it`);
    }
    if (builtin !== undefined) throw conflict(name, builtin.type, type);
    const metric = new Metric(name, type, contains, createSink(type, this.#trend));
    this.#metrics.set(name, metric);
    for (const key of this.#pending.get(name) ?? []) this.#attachSubmetric(metric, key);
    this.#pending.delete(name);
    return metric;
  }

  get(name: string): Metric | undefined {
    return this.#metrics.get(name);
  }

  /** Every sample metric: builtin ones first, then custom ones in order of creation. */
  metrics(): Metric[] {
    return [...this.#metrics.values()];
  }

  /**
   * Declare a submetric from a key such as `llm_ttft{level:10}` (returns its parsed key).
   * A key without a filter just names the metric. Keys of metrics not defined yet are kept and
   * attached when the metric appears. Throws a plain Error for a malformed key.
   */
  addSubmetric(keyText: string): MetricKey {
    const parsed = parseMetricKey(keyText);
    if (!parsed.ok) throw new Error(`${JSON.stringify(keyText)}: ${parsed.error}`);
    const key = parsed.value;
    if (key.filter === null) return key;
    if (builtinMetric(key.name)?.derived === true) {
      if (!this.#derived.has(key.key)) {
        const stats = this.#newStats({});
        this.#derived.set(key.key, { key: key.key, name: key.name, filter: key.filter, stats, observed: false });
        this.#routes.clear();
      }
      return key;
    }
    const metric = this.#metrics.get(key.name);
    if (metric !== undefined) {
      this.#attachSubmetric(metric, key);
    } else {
      const list = this.#pending.get(key.name) ?? [];
      if (!list.some((k) => k.key === key.key)) list.push(key);
      this.#pending.set(key.name, list);
    }
    return key;
  }

  /** Resolve a metric key (canonical or as written) to what it reads; undefined when no such metric exists (yet). */
  resolve(keyText: string): MetricTarget | undefined {
    const parsed = parseMetricKey(keyText);
    if (!parsed.ok) return undefined;
    const key = parsed.value;
    const derived = this.#derived.get(key.key);
    if (derived !== undefined) {
      return { kind: 'derived', key: key.key, name: derived.name, type: 'gauge', contains: 'default', stats: derived.stats, observed: derived.observed };
    }
    const metric = this.#metrics.get(key.name);
    if (metric === undefined) return undefined;
    if (key.filter === null) {
      return { kind: 'sink', key: metric.name, type: metric.type, contains: metric.contains, sink: metric.sink, observed: metric.observed };
    }
    const sub = metric.submetric(key.key);
    if (sub === undefined) return undefined;
    return { kind: 'sink', key: sub.key, type: metric.type, contains: metric.contains, sink: sub.sink, observed: sub.observed };
  }

  /** Mark a metric or submetric as referenced (by a threshold) so the summary lists it even without samples. */
  observe(keyText: string): void {
    const parsed = parseMetricKey(keyText);
    if (!parsed.ok) return;
    const key = parsed.value;
    const derived = this.#derived.get(key.key);
    if (derived !== undefined) {
      derived.observed = true;
      return;
    }
    const metric = this.#metrics.get(key.name);
    if (metric === undefined) {
      const list = this.#pending.get(key.name) ?? [];
      if (!list.some((k) => k.key === key.key)) list.push(key);
      this.#pending.set(key.name, list);
      return;
    }
    // As k6: a submetric with a threshold lists its parent metric too.
    metric.observed = true;
    if (key.filter !== null) this.#attachSubmetric(metric, key).observed = true;
  }

  /**
   * The value a threshold compares: null when there is nothing to read (no samples, no window),
   * undefined when the key names no metric or the method does not apply to its type.
   */
  aggregate(keyText: string, method: AggregationMethod, percentile: number, durationMs: number): number | null | undefined {
    const target = this.resolve(keyText);
    if (target === undefined) return undefined;
    if (target.kind === 'derived') return method === 'value' ? derivedValue(target.name, target.stats) : undefined;
    return aggregateSink(target.sink, method, percentile, durationMs);
  }

  /** The derived throughput metrics and their filtered variants, in declaration order. */
  derivedTargets(): Array<Extract<MetricTarget, { kind: 'derived' }>> {
    return [...this.#derived.values()].map((d) => ({ kind: 'derived', key: d.key, name: d.name, type: 'gauge', contains: 'default', stats: d.stats, observed: d.observed }));
  }

  /** Account one finished request in every builtin LLM metric, the request statistics and the time series. */
  addRecord(record: RequestRecord): void {
    const outcome = outcomeOf(record);
    // A connection event, not a request outcome: counted wherever the request is.
    if (record.reconnects !== undefined) this.addSample(LLM_RECONNECTS, 'counter', record.reconnects, record.tags);
    if (record.excluded !== undefined) {
      // Warm-up / cool-down: in the raw results and the live series, in no figure.
      this.series.addRecord(record);
      this.addSample(LLM_REQUESTS_EXCLUDED, 'counter', 1, { ...record.tags, [TAG_WINDOW]: record.excluded });
      return;
    }
    const route = this.#route(record.tags, outcome === 'failure' ? failureClassOf(record) : '');
    const stats = route.stats;
    for (let i = 0; i < stats.length; i++) stats[i]!.add(record);
    this.series.addRecord(record);
    if (outcome === 'interrupted') {
      addAll(route.interrupted, 1);
      return;
    }
    addAll(route.requests, 1);
    addAll(route.failed, outcome === 'failure' ? 1 : 0);
    const connecting = connectingMs(record);
    if (connecting !== null) addAll(route.connecting, connecting);
    const open = record.arrival !== undefined;
    const lag = record.startedAt - record.scheduledAt;
    if (open) addAll(route.dispatchLag, lag);
    const tpot = tpotMs(record);
    if (this.#goodput !== null) addAll(route.goodputRatio, outcome === 'success' && meetsSlo(this.#goodput, record, tpot) ? 1 : 0);
    if (outcome === 'failure') {
      this.#keepFailureExample(failureClassOf(record), record.error);
      return;
    }
    // Latency and token metrics come from successful requests only, as vLLM's.
    // A request answered in one body (not streamed) gives no TTFT, TTFC, ITL or TPOT sample.
    const ttft = streamedTtftMs(record);
    const ttfc = streamedTtfcMs(record);
    if (record.e2eMs !== null) addAll(route.e2e, record.e2eMs);
    if (ttft !== null) addAll(route.ttft, ttft);
    if (ttfc !== null) addAll(route.ttfc, ttfc);
    if (record.ttfbMs !== null) addAll(route.ttfb, record.ttfbMs);
    if (open) {
      // Coordinated-omission-corrected: measured from when the schedule wanted the request sent.
      if (ttft !== null) addAll(route.ttftSched, ttft + lag);
      if (record.e2eMs !== null) addAll(route.e2eSched, record.e2eMs + lag);
    }
    addAll(route.outputTokens, record.outputTokens);
    addAll(route.inputTokens, record.inputTokens);
    const tps = outputTokensPerSecond(record);
    if (tps !== null) addAll(route.outputTps, tps);
    if (tpot !== null) addAll(route.tpot, tpot);
    // The gaps are stored once, in the tag set's store; each ITL trend is only told.
    const itl = streamedItlMs(record);
    const n = itl.length;
    if (n === 0) return;
    const views = route.itl;
    const store = route.itlStore;
    if (store !== null) {
      store.addMany(itl, n);
      for (let v = 0; v < views.length; v++) views[v]!.feed(store, itl, n);
    } else {
      for (let v = 0; v < views.length; v++) views[v]!.addMany(itl, n);
    }
  }

  /** ITL samples held by the registry's stores, each store counted once (the gaps of every request, once). */
  get itlSamplesStored(): number {
    const stores = new Set<TrendSink>();
    const add = (trend: TrendSink): void => {
      if (trend instanceof SharedTrend) for (const store of trend.storeList()) stores.add(store);
    };
    const itl = this.#metrics.get(LLM_ITL)!;
    add(itl.sink as TrendSink);
    for (const sub of itl.submetrics) add(sub.sink as TrendSink);
    add(this.total.itl);
    for (const def of this.#groups.definitions) for (const member of this.#groups.members(def.name)) add(member.itl);
    for (const derived of this.#derived.values()) add(derived.stats.itl);
    let samples = 0;
    for (const store of stores) samples += store.count;
    return samples;
  }

  /**
   * Record one sample of any metric (custom metrics, checks, iterations, vus…). Non-finite values
   * are dropped and counted (droppedSamples). Throws like `define` on a type conflict.
   */
  addSample(name: string, type: MetricType, value: number, tags?: Tags, isTime = false): void {
    if (!Number.isFinite(value)) {
      this.#droppedSamples++;
      return;
    }
    const metric = this.define(name, type, isTime);
    metric.sink.add(value);
    const subs = metric.submetrics;
    if (subs.length > 0) {
      const sampleTags = tags ?? {};
      for (let i = 0; i < subs.length; i++) {
        const sub = subs[i]!;
        if (matchesFilter(sub.filter, sampleTags)) sub.sink.add(value);
      }
    }
    if (name === CHECKS) this.#checks.count(tags, value !== 0);
  }

  /**
   * `passes` out of `total` events of a rate metric at once: counts a thread summed over an
   * interval (llmload_coalesced_reads) rather than one 0/1 sample per event.
   */
  addRateCounts(name: string, passes: number, total: number, tags?: Tags): void {
    if (!(total > 0) || !(passes >= 0) || passes > total) return;
    const metric = this.define(name, 'rate');
    const add = (sink: unknown): void => {
      const rate = sink as { passes: number; total: number };
      rate.passes += passes;
      rate.total += total;
    };
    add(metric.sink);
    const subs = metric.submetrics;
    const sampleTags = tags ?? {};
    for (let i = 0; i < subs.length; i++) if (matchesFilter(subs[i]!.filter, sampleTags)) add(subs[i]!.sink);
  }

  /** Record a check result: a `checks` sample tagged with the check's name. */
  addCheck(name: string, ok: boolean, tags?: Tags): void {
    this.addSample(CHECKS, 'rate', ok ? 1 : 0, { ...tags, [TAG_CHECK]: name });
  }

  /** Checks in order of first result, with their group paths. */
  checks(): CheckRecord[] {
    return this.#checks.records();
  }

  /** Names of the group definitions, e.g. ['scenario', 'level', 'stage']. */
  groupNames(): string[] {
    return this.#groups.definitions.map((g) => g.name);
  }

  /** The RequestStats of one group definition, in order of first request. */
  groups(name: string): RequestStats[] {
    return this.#groups.members(name);
  }

  /** Rows of one group definition (e.g. 'level': one row per sweep level). */
  groupRows(name: string): RequestStatsRow[] {
    return this.groups(name).map((g) => g.row());
  }

  /** Some successful request's token counts were estimated rather than reported by the server. */
  get tokensEstimated(): boolean {
    return this.total.estimated > 0;
  }

  /** Samples dropped because their value was not a finite number. */
  get droppedSamples(): number {
    return this.#droppedSamples;
  }

  /** Remember an example message of a failure class (bounded; for summaries and reports). */
  #keepFailureExample(failureClass: string, message: string | null): void {
    if (message === null) return;
    const list = this.failureExamples.get(failureClass);
    if (list === undefined) this.failureExamples.set(failureClass, [message]);
    else if (list.length < FAILURE_EXAMPLES && !list.includes(message)) list.push(message);
  }

  encode(): EncodedRegistry {
    const pending: string[] = [];
    for (const keys of this.#pending.values()) for (const key of keys) pending.push(key.key);
    return {
      format: 'llmload.metrics',
      version: 1,
      options: {
        trend: { ...this.#trend },
        groups: this.#groups.definitions.map((g) => ({ name: g.name, tags: [...g.tags] })),
        goodput: this.#goodput,
        inputTokens: this.#inputTokens,
      },
      metrics: this.metrics().map((m) => ({
        name: m.name,
        type: m.type,
        contains: m.contains,
        observed: m.observed,
        sink: m.sink.encode(),
        submetrics: m.submetrics.map((s) => ({ key: s.key, observed: s.observed, sink: s.sink.encode() })),
      })),
      pending,
      derived: [...this.#derived.values()].filter((d) => d.filter !== null).map((d) => ({ key: d.key, observed: d.observed, stats: d.stats.encode() })),
      total: this.total.encode(),
      groups: this.#groups.encode(),
      series: this.series.encode(),
      checks: this.checks(),
      droppedSamples: this.#droppedSamples,
    };
  }

  static decode(encoded: EncodedRegistry): MetricsRegistry {
    if (encoded.format !== 'llmload.metrics' || encoded.version !== 1) {
      throw new Error(`not an llmload metrics encoding (format ${JSON.stringify(encoded.format)}, version ${String(encoded.version)})`);
    }
    const options = encoded.options;
    const seriesOptions: TimeSeriesOptions = { bucketMs: encoded.series.bucketMs, maxBuckets: encoded.series.maxBuckets };
    if (encoded.series.originMs !== null) seriesOptions.originMs = encoded.series.originMs;
    const registry = new MetricsRegistry({ trend: options.trend, groups: options.groups, goodput: options.goodput, inputTokens: options.inputTokens, series: seriesOptions });
    registry.#mergeEncoded(encoded);
    return registry;
  }

  /**
   * Add everything `other` recorded to this registry (other is unchanged). Exact: counts add,
   * windows widen, trends merge as if every sample had been recorded here. Submetrics and
   * groups only `other` has are created with only `other`'s data.
   */
  merge(other: MetricsRegistry): void {
    this.#mergeEncoded(other.encode());
  }

  #mergeEncoded(encoded: EncodedRegistry): void {
    for (const m of encoded.metrics) {
      const metric = this.define(m.name, m.type, m.contains === 'time');
      mergeSink(metric.sink, decodeSink(m.sink));
      metric.observed ||= m.observed;
      for (const s of m.submetrics) {
        const parsed = parseMetricKey(s.key);
        if (!parsed.ok) continue;
        const sub = this.#attachSubmetric(metric, parsed.value);
        mergeSink(sub.sink, decodeSink(s.sink));
        sub.observed ||= s.observed;
      }
    }
    for (const key of encoded.pending) this.addSubmetric(key);
    for (const d of encoded.derived) {
      this.addSubmetric(d.key);
      const mine = this.#derived.get(d.key);
      if (mine === undefined) continue;
      mine.stats.merge(RequestStats.decode(d.stats, this.#statsOptions()));
      mine.observed ||= d.observed;
    }
    this.total.merge(RequestStats.decode(encoded.total, this.#statsOptions()));
    this.#groups.merge(encoded.groups, (member) => RequestStats.decode(member, this.#statsOptions()));
    this.series.merge(TimeSeries.decode(encoded.series));
    this.#checks.merge(encoded.checks);
    this.#droppedSamples += encoded.droppedSamples;
    this.#routes.clear();
  }

  #attachSubmetric(metric: Metric, key: MetricKey): Submetric {
    const existing = metric.submetric(key.key);
    if (existing !== undefined) return existing;
    const sub = new Submetric(key.key, key.filter ?? [], this.#createSink(metric.name, metric.type));
    metric.submetrics.push(sub);
    this.#routes.clear();
    return sub;
  }

  #statsOptions(): { trend: TrendSinkOptions; goodput: GoodputSlo | null; inputTokens: InputTokenBasis } {
    return { trend: this.#trend, goodput: this.#goodput, inputTokens: this.#inputTokens };
  }

  #newStats(tags: Record<string, string>): RequestStats {
    return new RequestStats(tags, { ...this.#statsOptions(), itl: new SharedTrend(this.#trend) });
  }

  /** llm_itl and its submetrics read the shared ITL stores; every other metric stores its own samples. */
  #createSink(name: string, type: MetricType): Sink {
    return name === LLM_ITL && type === 'trend' ? new SharedTrend(this.#trend) : createSink(type, this.#trend);
  }

  /**
   * The ITL store of a tag set, attached to the trends that read it. A trend
   * created after the store had samples (a late submetric) must not read them:
   * the tag set then gets a new store, which the older trends read as well.
   */
  #itlStore(key: string, views: readonly SharedTrend[]): TrendSink | null {
    let store = this.#itlStores.get(key);
    if (store === undefined || (store.count > 0 && views.some((v) => !v.holds(store!)))) {
      if (store === undefined && this.#itlStores.size >= ITL_STORE_LIMIT) return null;
      store = new TrendSink(this.#trend);
      this.#itlStores.set(key, store);
    }
    for (const view of views) view.attach(store);
    return store;
  }

  /** The cached route of a tag set (+ failure class, which failed requests carry as a tag). */
  #route(tags: Tags, failure: string): Route {
    const tagsKey = tagSetKey(tags);
    const cacheKey = failure === '' ? tagsKey : `${tagsKey}\u0003${failure}`;
    let route = this.#routes.get(cacheKey);
    if (route === undefined) {
      if (this.#routes.size >= ROUTE_CACHE_LIMIT) this.#routes.clear();
      route = this.#buildRoute(failure === '' ? tags : { ...tags, [TAG_FAILURE]: failure });
      // Failed requests give no ITL samples: only the success route has a store.
      if (failure === '') route.itlStore = this.#itlStore(tagsKey, route.itl);
      this.#routes.set(cacheKey, route);
    }
    return route;
  }

  #buildRoute(tags: Tags): Route {
    const stats: RequestStats[] = [this.total, ...this.#groups.statsFor(tags)];
    for (const derived of this.#derived.values()) {
      if (derived.filter !== null && matchesFilter(derived.filter, tags)) stats.push(derived.stats);
    }
    return buildRoute(tags, (name) => this.#metrics.get(name)!, stats);
  }
}

function addAll(sinks: ReadonlyArray<{ add(value: number): void }>, value: number): void {
  for (let i = 0; i < sinks.length; i++) sinks[i]!.add(value);
}

function conflict(name: string, has: MetricType, wanted: MetricType): LlmloadError {
  return new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `metric "${name}" is a ${has}; a ${wanted} sample cannot be added to it`, {
    hint: 'Give each custom metric a name of its own; builtin names (llm_ttft, checks, …) keep their builtin type.',
  });
}
