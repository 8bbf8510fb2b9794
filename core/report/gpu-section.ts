/**
 * The report's GPU section: memory % and utilisation per row (mean, median,
 * min, max: seed 001's layout), power and energy per output token per row,
 * and a chart of utilisation, memory and power over the run with the phases
 * shaded. Without readings, one line that says why.
 */
import { VEGA_LITE_SCHEMA, type ChartSpec } from './charts.js';
import { b, h, note, p, table, type Block } from './document.js';
import type { GpuReportData, GpuReportRow } from './gpu-data.js';
import type { ReportData } from './report-data.js';
import type { Spread } from '../telemetry/gpu-windows.js';

/** The section's blocks; [] when the results carry no GPU telemetry. */
export function gpuSection(data: ReportData): Block[] {
  const gpu = data.gpu;
  if (gpu === null || gpu === undefined) return [];
  if (!gpu.collected) return [p(b('GPU telemetry: '), `not collected — ${gpu.notes.join('; ') || 'no GPU source answered'}.`)];
  const out: Block[] = [h(2, 'GPU')];
  const rowName = (r: GpuReportRow): string =>
    r.kind === 'all' ? 'all' : r.kind === 'level' ? `level ${r.label}` : r.kind === 'stage' ? `stage ${r.label}` : `scenario ${r.label}`;
  out.push(
    p(
      `${gpu.devices.map((d) => `${d.count} × ${d.model}`).join(', ')}; readings from ${gpu.sources
        .filter((s) => s.readings > 0)
        .map((s) => `${s.kind} (${s.where})`)
        .join(', ')}.`,
    ),
  );
  out.push(
    table(
      ['row', 'memory % mean', 'median', 'min', 'max', 'utilisation % mean', 'median', 'min', 'max', 'readings'],
      gpu.rows.map((r) => [rowName(r), ...spread(r.stats.memPct), ...spread(r.stats.util), String(r.stats.samples)]),
    ),
  );
  out.push(
    table(
      ['row', 'power W (mean, all GPUs)', 'energy J', 'output tokens / J', 'energy per output token J', 'max temp °C'],
      gpu.rows.map((r) => [
        rowName(r),
        num(r.stats.powerW, 1),
        num(r.stats.netEnergyJ ?? r.stats.energyJ, 1),
        num(r.stats.outputTokensPerJoule, 3),
        num(r.stats.energyPerOutputToken, 4),
        num(r.stats.tempMaxC, 0),
      ]),
    ),
  );
  const how =
    gpu.rows.some((r) => r.stats.energySource === 'power') && !gpu.rows.some((r) => r.stats.energySource === 'counter')
      ? 'energy integrates the power readings over the row'
      : 'energy is the increase of the energy counter from the last reading before the row to the first after it';
  out.push(
    note(
      `Utilisation and memory from the readings inside each row, every GPU together (memory in MiB as the source reports it; % of total); ${how}; energy per output token = energy ÷ output tokens of the row's successful requests` +
        (gpu.idlePowerW !== null ? `, after subtracting the idle power measured before the load (${gpu.idlePowerW.toFixed(1)} W × the row's length)` : '') +
        '.',
    ),
  );
  if (gpu.counterResets > 0)
    out.push(
      note(
        b('Energy counter reset: '),
        `the counter went back ${gpu.counterResets} ${gpu.counterResets === 1 ? 'time' : 'times'} during the run; the value after a reset was counted from zero.`,
      ),
    );
  if (gpu.notes.length > 0) out.push(note('GPU telemetry: ', gpu.notes.join('; '), '.'));
  return out;
}

/** Rows of the environment table: the GPUs and their driver. */
export function gpuEnvironmentRows(data: ReportData): string[][] {
  const gpu = data.gpu;
  if (gpu === null || gpu === undefined || !gpu.collected) return [];
  const rows = [['GPUs', gpu.devices.map((d) => `${d.count} × ${d.model}${d.hosts.length > 0 ? ` on ${d.hosts.join(', ')}` : ''}`).join('; ')]];
  const drivers = [...new Set(gpu.devices.map((d) => d.driver).filter((d): d is string => d !== null))];
  if (drivers.length > 0) rows.push(['GPU driver', drivers.join(', ')]);
  return rows;
}

/** Utilisation, memory and power over the run, phases shaded; null without readings. */
export function gpuChart(data: ReportData): ChartSpec | null {
  const gpu = data.gpu;
  if (gpu === null || gpu === undefined || gpu.series.length < 2) return null;
  const phases = data.series.phases.map((ph, i) => ({ ...ph, shade: i % 2 }));
  const x = { field: 't', type: 'quantitative', title: 'seconds since start' };
  const panel = (title: string, field: 'util' | 'memPct' | 'powerW', yTitle: string): Record<string, unknown> => ({
    width: 560,
    height: 150,
    title,
    layer: [
      ...(phases.length === 0
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
            {
              data: { values: phases },
              mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 10, color: '#555' },
              encoding: { x: { field: 'start', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
            },
          ]),
      {
        data: { values: gpu.series.filter((pt) => pt[field] !== null).map((pt) => ({ t: pt.t, device: pt.device, value: pt[field] })) },
        mark: { type: 'line', point: { size: 10 } },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: yTitle, scale: { domainMin: 0 } },
          color: { field: 'device', type: 'nominal', title: 'GPU' },
          tooltip: [x, { field: 'device' }, { field: 'value', type: 'quantitative', format: ',.1f' }],
        },
      },
    ],
  });
  return {
    name: 'gpu',
    title: 'GPU utilisation, memory and power over time',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: 'GPU utilisation, memory and power over time',
      background: 'white',
      config: { view: { stroke: null }, axis: { grid: true, gridOpacity: 0.5 } },
      vconcat: [panel('GPU utilisation', 'util', '%'), panel('GPU memory used', 'memPct', '% of total'), panel('GPU power', 'powerW', 'W')],
      resolve: { scale: { color: 'shared' } },
    },
  };
}

function spread(s: Spread | null): string[] {
  return s === null ? ['-', '-', '-', '-'] : [num(s.mean, 2), num(s.median, 2), num(s.min, 2), num(s.max, 2)];
}

function num(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

export type { GpuReportData };
