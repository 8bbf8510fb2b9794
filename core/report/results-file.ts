/**
 * Reads a results.ndjson back: the meta line, every request record (into a
 * fresh MetricsRegistry, exactly as the run's controller fed its own, and into
 * a RecordDigest), check and custom-metric samples, and the end line. The run
 * builds its report the same way, from the file it just wrote, so a report
 * re-made later with `llmload report` is the same report.
 *
 * The file is streamed line by line: memory grows with the metrics (bounded
 * by their HDR histograms) and the digest, not with the file.
 *
 * A run against the built-in simulator at a time scale is read in the
 * simulated server's time (core/metrics/modelled-time.ts), with the scale and
 * origin its meta line names: records, the run time, the open-loop rows and
 * the server's scrapes, so every row, series, finding and chart follows. The
 * file itself keeps what was measured.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../client/types.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { CHECKS, TAG_CHECK } from '../metrics/builtin.js';
import { addHealthToRegistry, isHealthReading, LoadGeneratorTracker } from '../metrics/load-generator.js';
import { ModelledTime } from '../metrics/modelled-time.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { GoodputSlo } from '../metrics/request-stats.js';
import type { MetricType } from '../metrics/types.js';
import { CustomMetricsCollector } from './custom-metrics.js';
import { forEachLine } from './file-lines.js';
import { REPORT_GROUPS, TokensPerSecondCollector } from './group-rows.js';
import { OpenLoopDigest } from './open-loop-digest.js';
import { RecordDigest } from './record-digest.js';
import type { RunEnd } from './run-end.js';

/** The first line of results.ndjson. */
export interface ResultsMeta {
  script?: string;
  target?: string;
  model?: string | null;
  /** ISO time the run started. */
  startedAt?: string;
  /** The built-in simulator's time scale (1 at real time or against a server); absent in files written before it was kept. */
  timeScale?: number;
  /** Epoch ms the modelled timeline stretches from, when timeScale is not 1 (core/metrics/modelled-time.ts). */
  timeOriginMs?: number;
  llmloadVersion?: string;
  [key: string]: unknown;
}

export interface RunResults {
  path: string;
  meta: ResultsMeta | null;
  /** null when the run did not get to its end (crash, kill -9) or the file predates end lines. */
  end: RunEnd | null;
  registry: MetricsRegistry;
  digest: RecordDigest;
  requests: number;
  samples: number;
  /** The load generator's health readings (`health` lines), per row. */
  loadGenerator: LoadGeneratorTracker;
  /** Output tokens/s of each request, per scenario, name and group row (core/report/group-rows.ts). */
  tokensPerSec: TokensPerSecondCollector;
  /** The script's own metrics, overall and per row (core/report/custom-metrics.ts). */
  customMetrics: CustomMetricsCollector;
  /** Open-loop rows' latencies from the schedule and their over-saturation points. */
  openLoop: OpenLoopDigest;
  /** The timeline everything above is on: the simulated server's when the run was time-scaled (ModelledTime.REAL otherwise). */
  time: ModelledTime;
}

const METRIC_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'rate', 'trend']);

/** The raw results a path names: the file itself, or a report folder's results.ndjson (as compare takes folders). */
export function resultsFileOf(path: string): string {
  if (!existsSync(path) || !statSync(path).isDirectory()) return path;
  const inside = join(path, 'results.ndjson');
  if (existsSync(inside)) return inside;
  throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: a folder without results.ndjson`, {
    hint: 'pass a report folder (llmload-results/…) or a results file written with --out json=FILE',
  });
}

/** Read and account a whole results file. Throws LL_ERR_INPUT_FILE naming the file and line on a bad line. */
export async function readResultsFile(path: string): Promise<RunResults> {
  return readResultsFiles([path]);
}

/**
 * Read the results of the instances of one split test as one run: every
 * record and sample goes into the one registry, digest and collector, exactly
 * as if one process had written them all, so every row and percentile is the
 * one-process figure (core/report/merge-ends.ts merges the end lines and
 * re-judges the thresholds on the merged metrics). One path: the file alone.
 */
export async function readResultsFiles(paths: readonly string[]): Promise<RunResults> {
  if (paths.length > 1) {
    const { mergedEnd, thresholdRunnerFor } = await import('./merge-ends.js');
    const heads = await Promise.all(paths.map((p) => readHeadAndEnd(p)));
    const merged = await readLines(paths, heads[0]!.meta, (registry) =>
      thresholdRunnerFor(
        heads.map((h) => h.end),
        registry,
      ),
    );
    merged.end = mergedEnd(
      heads.map((h) => h.end),
      merged,
    );
    return merged;
  }
  return readLines(paths, undefined, () => null);
}

/** The meta and end lines of a file alone (the merge needs every file's thresholds before the records). */
async function readHeadAndEnd(path: string): Promise<{ meta: ResultsMeta | null; end: RunEnd | null }> {
  let meta: ResultsMeta | null = null;
  let end: RunEnd | null = null;
  try {
    await forEachLine(path, (line) => {
      // The meta line starts with its type, the end line with its format (core/report/run-end.ts).
      if (!line.startsWith('{"type":"meta"') && !line.startsWith('{"format":"llmload-results-end"')) return;
      const value = JSON.parse(line) as { type: string } & Record<string, unknown>;
      if (value.type === 'meta') meta ??= value as ResultsMeta;
      else {
        const { type: _type, ...rest } = value;
        end = rest as unknown as RunEnd;
      }
    });
  } catch (error) {
    throw new LlmloadError(ErrorCode.INPUT_FILE, `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { meta, end };
}

/** What watches the registry while the records are read (the merge's threshold runner), made with the registry. */
type RegistryWatcher = (registry: MetricsRegistry) => unknown;

async function readLines(paths: readonly string[], firstMeta: ResultsMeta | null | undefined, watch: RegistryWatcher): Promise<RunResults> {
  // Made at the first line after the meta line, which carries the run's goodput SLOs; the report's
  // rows add one per group() path to the engine's (core/report/group-rows.ts).
  let registry: MetricsRegistry | null = null;
  const registryOf = (): MetricsRegistry => {
    if (registry === null) {
      registry = new MetricsRegistry({ groups: REPORT_GROUPS, goodput: sloOf(meta) });
      watch(registry);
    }
    return registry;
  };
  const digest = new RecordDigest();
  const tokensPerSec = new TokensPerSecondCollector();
  const customMetrics = new CustomMetricsCollector();
  const loadGenerator = new LoadGeneratorTracker();
  const openLoop = new OpenLoopDigest();
  let meta: ResultsMeta | null = firstMeta ?? null;
  let end: RunEnd | null = null;
  let time = meta === null ? ModelledTime.REAL : modelledTimeOf(meta);
  let requests = 0;
  let samples = 0;
  for (const path of paths) {
    try {
      await forEachLine(path, (line, lineNo) => {
        if (line.trim() === '') return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          throw bad(path, lineNo, `not JSON (${(error as Error).message})`);
        }
        if (value === null || typeof value !== 'object') throw bad(path, lineNo, 'expected a JSON object');
        const type = (value as { type?: unknown }).type;
        if (type !== 'meta') registryOf();
        switch (type) {
          case 'request': {
            const measured = value as RequestRecord;
            if (typeof measured.startedAt !== 'number' || typeof measured.tags !== 'object' || measured.tags === null || !Array.isArray(measured.itlMs)) {
              throw bad(path, lineNo, 'a request line needs startedAt, tags and itlMs');
            }
            const record = time.scaled ? time.record(measured) : measured;
            registryOf().addRecord(record);
            digest.add(record);
            tokensPerSec.add(record);
            openLoop.add(record);
            // The load generator's health is the client's, on the real clock (as the controller keeps it).
            if (record.arrival !== undefined && record.excluded === undefined) loadGenerator.addDispatchLag(record.tags, measured.startedAt - measured.scheduledAt);
            requests++;
            break;
          }
          case 'sample': {
            // `isTime` (and `time`, its first spelling): a duration, converted to a time-scaled simulator's time.
            const sample = value as { metric?: unknown; metricType?: unknown; value?: unknown; tags?: unknown; isTime?: unknown; time?: unknown };
            if (typeof sample.metric !== 'string' || typeof sample.value !== 'number' || typeof sample.metricType !== 'string' || !METRIC_TYPES.has(sample.metricType)) {
              throw bad(path, lineNo, 'a sample line needs metric, metricType and a numeric value');
            }
            const tags = (sample.tags !== null && typeof sample.tags === 'object' ? sample.tags : {}) as Record<string, string>;
            // As the controller does (core/run/live-metrics.ts): checks feed the check table.
            if (sample.metric === CHECKS) registryOf().addCheck(tags[TAG_CHECK] ?? '', sample.value !== 0, tags);
            else {
              const isTime = sample.isTime === true || sample.time === true;
              const sampleValue = isTime ? time.ms(sample.value) : sample.value;
              try {
                registryOf().addSample(sample.metric, sample.metricType as MetricType, sampleValue, tags, isTime);
              } catch (error) {
                throw bad(path, lineNo, (error as Error).message);
              }
              if (CustomMetricsCollector.isCustom(sample.metric)) customMetrics.add(sample.metric, sample.metricType as MetricType, sampleValue, tags, isTime);
            }
            samples++;
            break;
          }
          case 'health': {
            if (!isHealthReading(value)) throw bad(path, lineNo, 'a health line needs source, at, tags, delayP99Ms, delayMaxMs, utilization, tokenGaps and coalesced');
            // As the controller does (core/run/live-metrics.ts addHealth), with the tags it wrote.
            addHealthToRegistry(registryOf(), value);
            loadGenerator.add(value);
            break;
          }
          case 'meta':
            if (meta === null) {
              meta = value as ResultsMeta;
              time = modelledTimeOf(meta);
            }
            break;
          case 'end': {
            const { type: _type, ...rest } = value as { type: string } & RunEnd;
            end = time.scaled ? modelledEnd(rest, time) : rest;
            break;
          }
          default:
            throw bad(path, lineNo, `unknown line type ${JSON.stringify(type)} (expected meta, request, sample, health or end)`);
        }
      });
    } catch (error) {
      if (error instanceof LlmloadError) throw error;
      throw new LlmloadError(ErrorCode.INPUT_FILE, `cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  const path = paths.join(', ');
  if (meta === null && requests === 0) {
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: no llmload results in this file (no meta line, no request line)`, {
      hint: 'Pass the file written by `llmload run --out json=FILE`, or results.ndjson from a report folder.',
    });
  }
  return { path, meta, end, registry: registryOf(), digest, requests, samples, loadGenerator, tokensPerSec, customMetrics, openLoop, time };
}

/** The goodput SLOs the meta line recorded; null when the run had none (or the file predates them). */
function sloOf(meta: ResultsMeta | null): GoodputSlo | null {
  const slo = meta?.['slo'];
  return slo !== null && typeof slo === 'object' ? { ...(slo as GoodputSlo) } : null;
}

/** The timeline the meta line names: the simulator's scale and the origin the run stretched its instants from. */
export function modelledTimeOf(meta: ResultsMeta): ModelledTime {
  const scale = meta.timeScale;
  const origin = meta.timeOriginMs;
  if (typeof scale !== 'number' || !(scale > 0) || scale === 1 || typeof origin !== 'number' || !Number.isFinite(origin)) return ModelledTime.REAL;
  return new ModelledTime(scale, origin);
}

/** The end line's measured figures in modelled time: the run time, the open-loop rows, the server's scrapes. Thresholds were judged in it already. */
function modelledEnd(end: RunEnd, time: ModelledTime): RunEnd {
  const converted: RunEnd = { ...end, durationMs: time.ms(end.durationMs) };
  if (end.load !== undefined) converted.load = end.load.map((row) => time.loadRow(row));
  if (end.server !== null && end.server !== undefined) {
    converted.server = { ...end.server, intervalMs: time.ms(end.server.intervalMs), scrapes: end.server.scrapes.map((s) => time.scrape(s)) };
  }
  if (end.gpu !== null && end.gpu !== undefined) converted.gpu = time.gpu(end.gpu);
  return converted;
}

function bad(path: string, line: number, what: string): LlmloadError {
  return new LlmloadError(ErrorCode.INPUT_FILE, `${path}:${line}: ${what}`);
}
