/** The label-keeping Prometheus reader, DCGM and nvidia-smi field handling, window figures, and options.telemetry validation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, LlmloadError } from '../../core/errors.js';
import { validateOptions } from '../../core/options/index.js';
import { readDcgmText } from '../../core/telemetry/dcgm.js';
import { counterIncrease, gpuWindowStats } from '../../core/telemetry/gpu-windows.js';
import type { GpuSample, GpuTelemetrySnapshot } from '../../core/telemetry/gpu-types.js';
import { chooseFields, parseHelpQueryGpu } from '../../core/telemetry/nvidia-smi.js';
import { parsePrometheusSamples, parsePrometheusText } from '../../core/telemetry/prometheus.js';

const TEXT = [
  '# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).',
  '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
  'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",modelName="NVIDIA A100, \\"SXM\\"",Hostname="h1",pod="p"} 87',
  'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",modelName="NVIDIA A100",Hostname="h1"} 12',
  'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",Hostname="h1"} 30000',
  'DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",Hostname="h1"} 10000',
  'vllm:num_requests_running{model_name="m"} 3',
  'vllm:num_requests_running{model_name="n"} 2',
].join('\n');

test('samples keep their labels, escapes undone; the target scrape still sums over label sets', () => {
  const samples = parsePrometheusSamples(TEXT, (n) => n.startsWith('DCGM_'));
  assert.is(samples.length, 4);
  assert.equal(samples[0], { name: 'DCGM_FI_DEV_GPU_UTIL', labels: { gpu: '0', UUID: 'GPU-a', modelName: 'NVIDIA A100, "SXM"', Hostname: 'h1', pod: 'p' }, value: 87 });
  assert.equal(parsePrometheusText(TEXT), { 'vllm:num_requests_running': 5 });
});

test('a DCGM scrape gives one reading per GPU, total memory from used + free', () => {
  const { devices, samples } = readDcgmText(TEXT, 1000, 'fallback', 'dcgm');
  assert.equal(
    devices.map((d) => [d.id, d.model, d.pod]),
    [
      ['h1/gpu0', 'NVIDIA A100, "SXM"', 'p'],
      ['h1/gpu1', 'NVIDIA A100', null],
    ],
  );
  assert.equal([samples[0]!.util, samples[0]!.memUsedMiB, samples[0]!.memTotalMiB], [87, 30000, 40000]);
});

test('nvidia-smi fields come from --help-query-gpu, renamed throttle reasons preferred', () => {
  const help = '"index"\n"utilization.gpu"\n"clocks.current.sm"\n"clocks_event_reasons.active"\n"clocks_throttle_reasons.active"\n';
  assert.equal(chooseFields(parseHelpQueryGpu(help)), [
    ['index', 'index'],
    ['util', 'utilization.gpu'],
    ['sm', 'clocks.current.sm'],
    ['throttle', 'clocks_event_reasons.active'],
  ]);
});

const reading = (atMs: number, energyMj: number | null, util: number | null, powerW: number | null = null): GpuSample => ({
  atMs,
  device: 'g',
  util,
  memUsedMiB: null,
  memTotalMiB: null,
  powerW,
  tempC: null,
  smClockMHz: null,
  energyMj,
  throttle: null,
});

test('an energy counter that goes back counts from zero after the reset, and the reset is counted', () => {
  assert.equal(counterIncrease([reading(0, 100, null), reading(1, 300, null), reading(2, 50, null), reading(3, 80, null)]), { mj: 200 + 50 + 30, resets: 1 });
});

test('window figures: spreads from the readings inside, energy over the covering readings, idle power subtracted', () => {
  const snapshot: GpuTelemetrySnapshot = {
    sources: [],
    devices: [],
    samples: [reading(0, 0, 0, 50), reading(500, 25_000, 0, 50), reading(1000, 50_000, 40, 200), reading(2000, 250_000, 80, 200), reading(3000, 450_000, 60, 200)],
    intervalMs: 1000,
    idle: { startMs: 0, endMs: 500 },
    clockScale: 1,
    notes: [],
  };
  const stats = gpuWindowStats(snapshot, 1000, 3000, 100);
  assert.equal(stats.util, { mean: 60, median: 60, min: 40, max: 80 });
  assert.is(stats.energyJ, 400);
  assert.is(stats.idlePowerW, 50);
  // 400 J − 50 W × 2 s = 300 J over 100 tokens.
  assert.is(stats.netEnergyJ, 300);
  assert.is(stats.energyPerOutputToken, 3);
});

test('options.telemetry is validated with its option path (exit 104)', () => {
  try {
    validateOptions({ telemetry: { dcgm: ['ftp://gpu:9400/metrics'], nvidiaSmi: { intervalMs: 10 }, bogus: 1 } });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, LlmloadError);
    const e = error as LlmloadError;
    assert.is(e.code, ErrorCode.INVALID_OPTIONS);
    assert.is(e.exitCode, 104);
    const details = (e.details ?? []).join('\n');
    assert.match(details, 'options.telemetry.nvidiaSmi.intervalMs');
    assert.match(details, 'options.telemetry');
  }
  try {
    validateOptions({ telemetry: { dcgm: ['ftp://gpu:9400/metrics'] } });
    assert.unreachable('should throw');
  } catch (error) {
    assert.match(((error as LlmloadError).details ?? []).join('\n'), 'options.telemetry.dcgm[0]: expected an http:// or https:// URL');
  }
  assert.equal(validateOptions({ telemetry: { dcgm: 'http://gpu:9400/metrics', idleBaseline: '5s' } }).telemetry, {
    enabled: true,
    dcgm: ['http://gpu:9400/metrics'],
    prometheus: [],
    nvidiaSmi: false,
    intervalMs: 1000,
    idleBaselineMs: 5000,
    simulator: true,
  });
});

test.run();
