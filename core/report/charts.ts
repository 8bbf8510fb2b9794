/**
 * Vega-Lite specs of a report's charts, data inline, so each
 * `charts/NAME.vl.json` renders on its own (vega-lite, the online editor,
 * report.html). Axes are seconds from the start of the run rather than wall
 * times, so a spec does not depend on the viewer's time zone.
 */
import { offeredRateOf } from './rate-sweep-data.js';
import type { ReportData, ReportSweep } from './report-data.js';
import { gpuChart } from './gpu-section.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface ChartSpec {
  /** File stem: charts/NAME.vl.json and charts/NAME.svg. */
  name: string;
  /** What the chart shows (alt text and caption). */
  title: string;
  spec: Record<string, unknown>;
}

type Row = Record<string, string | number | null>;

const WIDTH = 560;
const PANEL_HEIGHT = 150;

function base(title: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { $schema: VEGA_LITE_SCHEMA, title, background: 'white', config: { view: { stroke: null }, axis: { grid: true, gridOpacity: 0.5 } }, ...extra };
}

/** Every chart the report's data supports, in the order the report shows them. */
export function reportCharts(data: ReportData): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const sweeps = data.sweeps.filter((s) => s.rows.length > 0);
  if (sweeps.length > 0) {
    charts.push(throughputChart(sweeps), latencyChart(sweeps));
  }
  const rateSweeps = sweeps.filter((s) => s.axis === 'rate' && s.rows.some((r) => r.open?.phase === 'open'));
  if (rateSweeps.length > 0) charts.push(rateSweepChart(rateSweeps));
  for (const sweep of sweeps) if (sweep.capacity !== undefined && sweep.capacity !== null) charts.push(capacityChart(sweep, sweeps.length > 1));
  const ttft = data.distributions.filter((d) => d.ttftMs.length > 0);
  if (ttft.length > 0)
    charts.push(
      distributionChart(
        'ttft-distribution',
        'TTFT distribution',
        'TTFT (ms)',
        ttft.map((d) => ({ group: d.group, values: d.ttftMs })),
      ),
    );
  const itl = data.distributions.filter((d) => d.itlMs.length > 0);
  if (itl.length > 0)
    charts.push(
      distributionChart(
        'itl-distribution',
        'ITL distribution',
        'ITL (ms)',
        itl.map((d) => ({ group: d.group, values: d.itlMs })),
      ),
    );
  if (data.series.points.length > 0) charts.push(timelineChart(data));
  const server = data.server !== null && data.server.series.length > 1 ? serverChart(data) : null;
  if (server !== null) charts.push(server);
  const gpu = gpuChart(data);
  if (gpu !== null) charts.push(gpu);
  return charts;
}

function axisTitle(sweeps: readonly ReportSweep[]): string {
  return sweeps.every((s) => s.axis === 'rate') ? 'request rate (req/s)' : 'concurrent users';
}

/** A row's place on the x axis: its users, or on a rate axis the offered rate (null for a rate sweep's closed-loop phases). */
function xOf(row: ReportSweep['rows'][number], sweep: ReportSweep): number | null {
  if (sweep.axis === 'rate') return offeredRateOf(row.label);
  return row.users ?? Number(row.label);
}

function sweepRows(sweeps: readonly ReportSweep[], each: (row: ReportSweep['rows'][number], sweep: ReportSweep, x: number) => Row[]): Row[] {
  return sweeps.flatMap((sweep) =>
    sweep.rows.flatMap((row) => {
      const x = xOf(row, sweep);
      return x === null || !Number.isFinite(x) ? [] : each(row, sweep, x);
    }),
  );
}

/** Requests/s and output tokens/s per level, one panel each. */
export function throughputChart(sweeps: readonly ReportSweep[], runField?: { field: string; title: string }): ChartSpec {
  const values = sweepRows(sweeps, (row, sweep, level) => [
    { scenario: sweep.scenario, level, metric: 'requests/s', value: row.requestsPerSec },
    { scenario: sweep.scenario, level, metric: 'output tokens/s', value: row.outputTokensPerSec },
  ]);
  return throughputSpec('throughput', values, axisTitle(sweeps), runField);
}

export function throughputSpec(name: string, values: Row[], xTitle: string, runField?: { field: string; title: string }): ChartSpec {
  const colorField = runField ?? (new Set(values.map((v) => v['scenario'])).size > 1 ? { field: 'scenario', title: 'scenario' } : null);
  const encoding: Record<string, unknown> = {
    x: { field: 'level', type: 'quantitative', title: xTitle, scale: { zero: false } },
    y: { field: 'value', type: 'quantitative', title: null },
    tooltip: [
      { field: 'level', type: 'quantitative', title: xTitle },
      { field: 'metric', type: 'nominal' },
      { field: 'value', type: 'quantitative', format: ',.2f' },
      ...(colorField === null ? [] : [{ field: colorField.field, type: 'nominal', title: colorField.title }]),
    ],
  };
  if (colorField !== null) encoding['color'] = { field: colorField.field, type: 'nominal', title: colorField.title };
  return {
    name,
    title: `Throughput vs ${xTitle}`,
    spec: base(`Throughput vs ${xTitle}`, {
      data: { values },
      facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['requests/s', 'output tokens/s'] } },
      spec: { width: 260, height: 200, mark: { type: 'line', point: true }, encoding },
      resolve: { scale: { y: 'independent' } },
    }),
  };
}

/** E2E, TTFT and ITL percentiles per level. */
export function latencyChart(sweeps: readonly ReportSweep[]): ChartSpec {
  const values = sweepRows(sweeps, (row, sweep, level) => {
    const out: Row[] = [];
    for (const [metric, summary] of [
      ['E2E', row.e2e],
      ['TTFT', row.ttft],
      ['ITL', row.itl],
    ] as const) {
      if (summary === null) continue;
      for (const p of ['p50', 'p95', 'p99'] as const) out.push({ scenario: sweep.scenario, level, metric, percentile: p, ms: summary[p] });
    }
    return out;
  });
  const title = `Latency percentiles vs ${axisTitle(sweeps)}`;
  const multi = new Set(sweeps.map((s) => s.scenario)).size > 1;
  return {
    name: 'latency',
    title,
    spec: base(title, {
      data: { values },
      facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['E2E', 'TTFT', 'ITL'] } },
      spec: {
        width: 200,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'level', type: 'quantitative', title: axisTitle(sweeps), scale: { zero: false } },
          y: { field: 'ms', type: 'quantitative', title: 'ms' },
          color: { field: 'percentile', type: 'nominal', title: 'percentile', sort: ['p50', 'p95', 'p99'] },
          ...(multi ? { strokeDash: { field: 'scenario', type: 'nominal' } } : {}),
          tooltip: [
            { field: 'level', type: 'quantitative' },
            { field: 'metric', type: 'nominal' },
            { field: 'percentile', type: 'nominal' },
            { field: 'ms', type: 'quantitative', format: ',.1f' },
          ],
        },
      },
      resolve: { scale: { y: 'independent' } },
    }),
  };
}

/**
 * A rate sweep on one chart: what was offered against what was achieved and completed (req/s), and
 * TTFT p95 from the send and from the schedule (ms), per offered rate; the gap between the two TTFT
 * lines is the wait before sending, the gap between offered and achieved the dropped arrivals.
 */
export function rateSweepChart(sweeps: readonly ReportSweep[]): ChartSpec {
  const multi = sweeps.length > 1;
  const values: Row[] = [];
  for (const sweep of sweeps) {
    for (const row of sweep.rows) {
      const rate = offeredRateOf(row.label);
      const open = row.open;
      if (rate === null || open === null || open === undefined) continue;
      const at = { scenario: sweep.scenario, rate };
      values.push(
        { ...at, panel: 'throughput (req/s)', series: 'offered', value: open.offeredPerSec },
        { ...at, panel: 'throughput (req/s)', series: 'achieved (started)', value: open.achievedPerSec },
        { ...at, panel: 'throughput (req/s)', series: 'completed', value: row.requestsPerSec },
        { ...at, panel: 'latency (ms)', series: 'TTFT p95', value: row.ttft?.p95 ?? null },
        { ...at, panel: 'latency (ms)', series: 'TTFT p95 from schedule', value: open.ttftSched?.p95 ?? null },
        { ...at, panel: 'latency (ms)', series: 'E2E p95', value: row.e2e?.p95 ?? null },
      );
    }
  }
  const title = 'Throughput and latency vs offered rate';
  return {
    name: 'rate-sweep',
    title,
    spec: base(title, {
      data: { values: values.filter((v) => v['value'] !== null) },
      facet: { column: { field: 'panel', type: 'nominal', title: null, sort: ['throughput (req/s)', 'latency (ms)'] } },
      spec: {
        width: 260,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'rate', type: 'quantitative', title: 'offered rate (req/s)', scale: { zero: false } },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'series', type: 'nominal', title: null },
          ...(multi ? { strokeDash: { field: 'scenario', type: 'nominal' } } : {}),
          tooltip: [
            { field: 'rate', type: 'quantitative', title: 'offered rate' },
            { field: 'series', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: ',.2f' },
          ],
        },
      },
      resolve: { scale: { y: 'independent' } },
    }),
  };
}

/**
 * A capacity search's probes: SLO attainment with its interval against the
 * target (top) and TTFT / E2E p95 (bottom) vs load, the capacity marked on both.
 */
export function capacityChart(sweep: ReportSweep, named: boolean): ChartSpec {
  const result = sweep.capacity!;
  const xTitle = sweep.axis === 'rate' ? 'offered rate (req/s)' : 'concurrent users';
  const x = { field: 'load', type: 'quantitative', title: xTitle, scale: { zero: false } };
  const attainment = result.probes.map((probe) => ({
    load: probe.load,
    attainment: probe.attainment.share === null ? null : round2(probe.attainment.share * 100),
    low: round2(probe.attainment.low * 100),
    high: round2(probe.attainment.high * 100),
    verdict: probe.verdict,
  }));
  const latency: Row[] = [];
  for (const probe of result.probes) {
    const row = sweep.rows.find((r) => Number(r.label) === probe.load);
    latency.push({ load: probe.load, series: 'TTFT p95', ms: row?.ttft?.p95 ?? null }, { load: probe.load, series: 'E2E p95', ms: row?.e2e?.p95 ?? null });
  }
  const capacityRule =
    result.capacity === null
      ? []
      : [{ data: { values: [{ load: result.capacity }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#54a24b' }, encoding: { x: { field: 'load', type: 'quantitative' } } }];
  const title = `SLO attainment and latency vs load${named ? `: ${sweep.scenario}` : ''}${result.capacity === null ? '' : ` (capacity ${result.capacity})`}`;
  return {
    name: named ? `capacity-${sweep.scenario}` : 'capacity',
    title,
    spec: base(title, {
      vconcat: [
        {
          width: WIDTH,
          height: 180,
          layer: [
            {
              data: { values: attainment },
              mark: { type: 'rule' },
              encoding: { x, y: { field: 'low', type: 'quantitative', title: 'requests meeting the SLOs (%)', scale: { zero: false } }, y2: { field: 'high' } },
            },
            {
              data: { values: attainment.filter((a) => a.attainment !== null) },
              mark: { type: 'point', filled: true, size: 60 },
              encoding: {
                x,
                y: { field: 'attainment', type: 'quantitative' },
                color: { field: 'verdict', type: 'nominal', title: 'verdict', scale: { domain: ['pass', 'indeterminate', 'fail'], range: ['#54a24b', '#eeca3b', '#e45756'] } },
                tooltip: [
                  { field: 'load', type: 'quantitative', title: xTitle },
                  { field: 'attainment', type: 'quantitative', title: 'attainment %' },
                  { field: 'low', type: 'quantitative', title: 'interval low %' },
                  { field: 'high', type: 'quantitative', title: 'interval high %' },
                  { field: 'verdict', type: 'nominal' },
                ],
              },
            },
            {
              data: { values: [{ target: round2(result.target * 100) }] },
              mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
              encoding: { y: { field: 'target', type: 'quantitative' } },
            },
            ...capacityRule,
          ],
        },
        {
          width: WIDTH,
          height: 180,
          layer: [
            {
              data: { values: latency.filter((v) => v['ms'] !== null) },
              mark: { type: 'line', point: true },
              encoding: { x, y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' }, color: { field: 'series', type: 'nominal', title: null } },
            },
            ...capacityRule,
          ],
        },
      ],
    }),
  };
}

/** A histogram per group from its 100 quantile points (each stands for 1 % of the samples). */
export function distributionChart(name: string, title: string, xTitle: string, groups: ReadonlyArray<{ group: string; values: readonly number[] }>): ChartSpec {
  const values = groups.flatMap((g) => g.values.map((v) => ({ group: g.group, ms: v })));
  const inner = {
    width: WIDTH,
    height: groups.length > 1 ? 70 : 200,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'ms', type: 'quantitative', bin: { maxbins: 40 }, title: xTitle },
      y: { aggregate: 'count', type: 'quantitative', title: '% of samples' },
    },
  };
  const spec =
    groups.length > 1
      ? base(title, {
          data: { values },
          facet: { row: { field: 'group', type: 'ordinal', title: 'level', sort: groups.map((g) => g.group) } },
          spec: inner,
          resolve: { scale: { y: 'independent' } },
        })
      : base(title, { data: { values }, ...inner });
  return { name, title, spec };
}

/** The run over time: active requests and VUs, throughput, TTFT p95 and failures per second. */
export function timelineChart(data: ReportData): ChartSpec {
  const points = data.series.points;
  const bucketS = data.series.bucketMs / 1000;
  const per = bucketS === 1 ? 'per second' : `per ${bucketS} s`;
  const phases = data.series.phases.map((p, i) => ({ ...p, shade: i % 2 }));
  const x = { field: 't', type: 'quantitative', title: 'seconds since start' };
  const phaseLayer =
    phases.length === 0
      ? []
      : [
          {
            data: { values: phases },
            mark: { type: 'rect', opacity: 0.08 },
            encoding: {
              x: { field: 'start', type: 'quantitative' },
              x2: { field: 'end' },
              color: { field: 'shade', type: 'nominal', legend: null, scale: { range: ['#4c78a8', '#f58518'] } },
            },
          },
        ];
  const panel = (title: string, layer: Record<string, unknown>): Record<string, unknown> => ({
    width: WIDTH,
    height: PANEL_HEIGHT,
    title,
    layer: [...phaseLayer, layer],
  });
  const active = points.flatMap((p) => [
    { t: p.t, series: 'requests in flight (avg)', value: round2(p.avgInFlight) },
    { t: p.t, series: 'active VUs', value: p.activeVus },
  ]);
  const labels =
    phases.length === 0
      ? []
      : [
          {
            data: { values: phases },
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 10, color: '#555' },
            encoding: { x: { field: 'start', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
          },
        ];
  const spec = base('The run over time', {
    vconcat: [
      {
        width: WIDTH,
        height: PANEL_HEIGHT,
        title: 'Active VUs and requests in flight',
        layer: [
          ...phaseLayer,
          {
            data: { values: active },
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: {
              x,
              y: { field: 'value', type: 'quantitative', title: 'count' },
              color: { field: 'series', type: 'nominal', title: null },
              tooltip: [x, { field: 'series' }, { field: 'value', type: 'quantitative' }],
            },
          },
          ...labels,
        ],
        resolve: { scale: { color: 'independent' } },
      },
      panel(`Requests completed ${per}`, {
        data: { values: points.map((p) => ({ t: p.t, value: round2(p.requestsPerSec) })) },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'req/s' }, tooltip: [x, { field: 'value', type: 'quantitative', title: 'req/s' }] },
      }),
      panel(`Output tokens ${per}`, {
        data: { values: points.map((p) => ({ t: p.t, value: round2(p.outputTokPerSec) })) },
        mark: { type: 'line', interpolate: 'step-after', color: '#54a24b' },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'tok/s' }, tooltip: [x, { field: 'value', type: 'quantitative', title: 'tok/s' }] },
      }),
      panel(`TTFT p95 ${per}`, {
        data: { values: points.filter((p) => p.ttftP95Ms !== null).map((p) => ({ t: p.t, value: round2(p.ttftP95Ms!) })) },
        mark: { type: 'line', point: { size: 12 }, color: '#e45756' },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'ms' }, tooltip: [x, { field: 'value', type: 'quantitative', title: 'TTFT p95 (ms)' }] },
      }),
      panel(`Failed requests ${per}`, {
        data: { values: points.map((p) => ({ t: p.t, value: round2(p.failuresPerSec) })) },
        mark: { type: 'line', interpolate: 'step-after', color: '#d62728' },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'failed/s', scale: yScale(points.map((p) => p.failuresPerSec)) },
          tooltip: [x, { field: 'value', type: 'quantitative', title: 'failed/s' }],
        },
      }),
    ],
    resolve: { scale: { color: 'independent' } },
  });
  return { name: 'timeline', title: 'The run over time', spec };
}

/** What the server's /metrics said during the run. */
export function serverChart(data: ReportData): ChartSpec | null {
  const series = data.server?.series ?? [];
  const x = { field: 't', type: 'quantitative', title: 'seconds since start' };
  const queue = series.flatMap((p) => [
    ...(p.running === null ? [] : [{ t: p.t, series: 'running', value: p.running }]),
    ...(p.waiting === null ? [] : [{ t: p.t, series: 'waiting', value: p.waiting }]),
  ]);
  const panels: Record<string, unknown>[] = [];
  const line = (title: string, yTitle: string, values: Row[], color: string): Record<string, unknown> => ({
    width: WIDTH,
    height: PANEL_HEIGHT,
    title,
    data: { values },
    mark: { type: 'line', point: { size: 10 }, color },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: yScale(values.map((v) => Number(v['value']))) },
      tooltip: [x, { field: 'value', type: 'quantitative', format: ',.2f' }],
    },
  });
  if (queue.length > 0) {
    panels.push({
      width: WIDTH,
      height: PANEL_HEIGHT,
      title: 'Requests running and waiting (server)',
      data: { values: queue },
      mark: { type: 'line', point: { size: 10 } },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: 'requests' },
        color: { field: 'series', type: 'nominal', title: null },
        tooltip: [x, { field: 'series' }, { field: 'value', type: 'quantitative' }],
      },
    });
  }
  const kv = series.filter((p) => p.kvUsagePct !== null).map((p) => ({ t: p.t, value: round2(p.kvUsagePct!) }));
  if (kv.length > 0) panels.push(line('KV-cache usage (server)', '%', kv, '#f58518'));
  const hit = series.filter((p) => p.prefixHitRatePct !== null).map((p) => ({ t: p.t, value: round2(p.prefixHitRatePct!) }));
  if (hit.length > 0) panels.push(line('Prefix-cache hit rate per interval (server)', '%', hit, '#54a24b'));
  const gen = series.filter((p) => p.generationTokPerSec !== null).map((p) => ({ t: p.t, value: round2(p.generationTokPerSec!) }));
  if (gen.length > 0) panels.push(line('Generation tokens per second (server)', 'tok/s', gen, '#4c78a8'));
  if (panels.length === 0) return null;
  return { name: 'server', title: 'Server-side metrics over time', spec: base('Server-side metrics over time', { vconcat: panels, resolve: { scale: { color: 'independent' } } }) };
}

/** A y scale from 0 that still has a height when every value is 0. */
function yScale(values: readonly number[]): Record<string, unknown> {
  return values.some((v) => v > 0) ? { domainMin: 0 } : { domain: [0, 1] };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
