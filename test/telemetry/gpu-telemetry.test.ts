/**
 * GPU telemetry end to end, with real processes: the built-in simulator's GPU
 * model (exact energy per token), a fake DCGM exporter whose energy counter
 * resets mid-run, a fake nvidia-smi first on PATH (renamed throttle fields,
 * [N/A] values, a hang the watchdog must end), GPU thresholds that pass and
 * fail, and a run with no GPU source.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReportData } from '../../core/report/report-data.js';
import type { RunEnd } from '../../core/report/run-end.js';
import { startSimulator, type SimulatorHandle } from '../../core/sim/index.js';
import type { GpuSample } from '../../core/telemetry/gpu-types.js';
import { spreadOf } from '../../core/telemetry/gpu-windows.js';
import { fixture, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-gpu-'));
const script = fixture('gpu-telemetry.ts');
let sim: SimulatorHandle;

test.before(async () => {
  sim = await startSimulator({ preset: 'fast', timeScale: 10 });
});
test.after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
function endLine(folder: string): RunEnd {
  const lines = readFileSync(join(folder, 'results.ndjson'), 'utf8').trim().split('\n');
  const end = JSON.parse(lines[lines.length - 1]!) as RunEnd & { type: string };
  assert.is(end.type, 'end');
  return end;
}
const close = (actual: number | null | undefined, expected: number, what: string): void =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${String(actual)}`);

/** The readings inside [start, end] of the report's total window. */
function inside(samples: readonly GpuSample[], report: ReportData): GpuSample[] {
  const w = report.total.window!;
  return samples.filter((s) => s.atMs >= w.startMs && s.atMs <= w.endMs);
}

test("the simulator's GPU model gives exactly 0.3 J per output token, and GPU thresholds pass", async () => {
  const out = join(dir, 'sim-pass');
  const run = await runCli([
    'run',
    script,
    '--quiet',
    '--report',
    out,
    '-e',
    `GPU_THRESHOLDS=${JSON.stringify({ 'gpu_energy_per_output_token{scenario:s}': ['avg<0.5'], gpu_utilization: ['max<=100'] })}`,
  ]);
  assert.is(run.code, 0, run.stderr);
  const report = readJson<ReportData>(join(out, 'report.json'));
  const all = report.gpu!.rows.find((r) => r.kind === 'all')!;
  // 5 requests × 200 tokens, each token one 1 ms step at 300 W (idle 0 W): 1000 × 0.3 J.
  close(all.stats.energyPerOutputToken, 0.3, 'J/token');
  close(all.stats.energyJ, 300, 'energy J');
  assert.is(report.gpu!.devices[0]!.model, 'llmload simulated GPU (80 GB)');
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, '## GPU');
  assert.match(md, '| GPUs | 1 × llmload simulated GPU (80 GB) on llmload-sim |');
  assert.match(md, '| all | ');
  assert.match(md, '0.3000');
  assert.match(md, 'charts/gpu.svg');
  const thresholds = report.thresholds!;
  close(thresholds.find((t) => t.metric.startsWith('gpu_energy_per_output_token'))!.observed, 0.3, 'threshold observed');
  assert.ok(thresholds.every((t) => t.ok && !t.noData));
});

test('a GPU threshold that fails fails the run (exit 99)', async () => {
  const out = join(dir, 'sim-fail');
  const run = await runCli(['run', script, '--quiet', '--report', out, '-e', `GPU_THRESHOLDS=${JSON.stringify({ gpu_energy_per_output_token: ['avg<0.2'] })}`]);
  assert.is(run.code, 99, run.stderr);
  const report = readJson<ReportData>(join(out, 'report.json'));
  const t = report.thresholds![0]!;
  assert.is(t.ok, false);
  close(t.observed, 0.3, 'observed');
});

test('a fake DCGM exporter: labels kept, per-row spreads match the readings, a counter reset is said', async () => {
  let scrapes = 0;
  // The counter drops back to near zero (an exporter restart) two scrapes after the load reached the
  // simulator: watched here from its own request count, so the reset falls inside the load.
  let resetAt = Number.POSITIVE_INFINITY;
  const received = (await sim.stats()).requests.received;
  const watch = setInterval(() => {
    void sim.stats().then((s) => {
      if (s.requests.received > received && resetAt === Number.POSITIVE_INFINITY) resetAt = scrapes + 2;
    });
  }, 50);
  const server: Server = createServer((req, res) => {
    const k = scrapes++;
    const lines: string[] = ['# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).', '# TYPE DCGM_FI_DEV_GPU_UTIL gauge'];
    for (const gpu of [0, 1]) {
      const l = `gpu="${gpu}",UUID="GPU-${gpu}",device="nvidia${gpu}",modelName="NVIDIA H100 80GB HBM3",Hostname="node-a",DCGM_FI_DRIVER_VERSION="550.54.15",pod="vllm-0",namespace="llm"`;
      const energy = k < resetAt ? 5_000_000 + k * 2000 : (k - resetAt) * 2000 + 500;
      lines.push(
        `DCGM_FI_DEV_GPU_UTIL{${l}} ${(k * 7 + gpu * 3) % 100}`,
        `DCGM_FI_DEV_FB_USED{${l}} ${60000 + k}`,
        `DCGM_FI_DEV_FB_FREE{${l}} ${21000 - k}`,
        `DCGM_FI_DEV_POWER_USAGE{${l}} ${200 + k + gpu}`,
        `DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{${l}} ${energy}`,
        `DCGM_FI_DEV_GPU_TEMP{${l}} 50`,
        `DCGM_FI_DEV_SM_CLOCK{${l}} 1980`,
      );
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\n') + '\n');
    void req;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const out = join(dir, 'dcgm');
  try {
    const run = await runCli([
      'run',
      script,
      '--quiet',
      '--url',
      sim.url,
      '--report',
      out,
      '--dcgm',
      url,
      '-e',
      'GPU_DURATION=1500ms',
      '-e',
      `GPU_TELEMETRY=${JSON.stringify({ intervalMs: 100 })}`,
    ]);
    assert.is(run.code, 0, run.stderr);
  } finally {
    clearInterval(watch);
    server.close();
  }
  const end = endLine(out);
  const gpu = end.gpu!;
  assert.is(gpu.devices.length, 2);
  assert.equal(
    {
      id: gpu.devices[0]!.id,
      uuid: gpu.devices[0]!.uuid,
      model: gpu.devices[0]!.model,
      host: gpu.devices[0]!.host,
      pod: gpu.devices[0]!.pod,
      namespace: gpu.devices[0]!.namespace,
    },
    { id: 'node-a/gpu0', uuid: 'GPU-0', model: 'NVIDIA H100 80GB HBM3', host: 'node-a', pod: 'vllm-0', namespace: 'llm' },
  );
  assert.ok(scrapes >= 8, `scrapes: ${scrapes}`);
  const report = readJson<ReportData>(join(out, 'report.json'));
  const all = report.gpu!.rows.find((r) => r.kind === 'all')!.stats;
  const readings = inside(gpu.samples, report);
  assert.equal(all.util, spreadOf(readings.map((s) => s.util!)));
  assert.equal(all.memPct, spreadOf(readings.map((s) => (s.memUsedMiB! / s.memTotalMiB!) * 100)));
  assert.is(all.samples, readings.length);
  assert.ok(all.counterResets >= 1, 'a reset in the window');
  // Energy recomputed from the counter readings: increases, and after the reset the new value from zero.
  const w = report.total.window!;
  let expectedMj = 0;
  for (const device of ['node-a/gpu0', 'node-a/gpu1']) {
    const list = gpu.samples.filter((s) => s.device === device);
    const first = list.reduce((at, s, i) => (s.atMs <= w.startMs ? i : at), 0);
    let last = list.length - 1;
    // The end is covered by the first reading asked for at or after it (covering.ts): one in flight
    // at the end may have been rendered before the run's last work.
    for (let i = list.length - 1; i >= 0; i--) if ((list[i]!.askedAtMs ?? list[i]!.atMs) >= w.endMs) last = i;
    for (let i = first + 1; i <= last; i++) {
      const d = list[i]!.energyMj! - list[i - 1]!.energyMj!;
      expectedMj += d >= 0 ? d : list[i]!.energyMj!;
    }
  }
  close(all.energyJ, expectedMj / 1000, 'energy J');
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, 'Energy counter reset');
  assert.match(md, '2 × NVIDIA H100 80GB HBM3');
  assert.match(md, '| GPU driver | 550.54.15 |');
});

test('--dcgm on a run that keeps nothing is said to be unused, even with --quiet, and nothing is scraped', async () => {
  let scrapes = 0;
  const server = createServer((_req, res) => {
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-0"} 1\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const run = await runCli(['run', fixture('quick-pass.ts'), '--quiet', '--url', sim.url, '--no-report', '--dcgm', url]);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: --dcgm \/ --nvidia-smi: GPU telemetry is read only by a run that keeps it/);
    assert.is(scrapes, 0);
  } finally {
    server.close();
  }
});

test('a fake nvidia-smi first on PATH: renamed fields, [N/A] values, and a hang the watchdog restarts', async () => {
  const out = join(dir, 'smi');
  const hangFile = join(dir, 'smi-hung');
  const path = `${fixture('gpu')}${delimiter}${process.env['PATH'] ?? ''}`;
  const run = await runCli(
    [
      'run',
      script,
      '--quiet',
      '--url',
      sim.url,
      '--report',
      out,
      '--nvidia-smi',
      '-e',
      'GPU_DURATION=4s',
      '-e',
      `GPU_TELEMETRY=${JSON.stringify({ nvidiaSmi: { intervalMs: 100 } })}`,
    ],
    {
      env: { PATH: path, FAKE_SMI_HANG_FILE: hangFile },
    },
  );
  assert.is(run.code, 0, run.stderr);
  const gpu = endLine(out).gpu!;
  const source = gpu.sources.find((s) => s.kind === 'nvidia-smi')!;
  assert.match(source.note ?? '', /^restarted \d+ time/);
  assert.equal(
    gpu.devices.map((d) => [d.id, d.model, d.driver]),
    [
      ['local/gpu0', 'Fake GPU 40GB', '550.54.15'],
      ['local/gpu1', 'Fake GPU 40GB', '550.54.15'],
    ],
  );
  const gpu1 = gpu.samples.filter((s) => s.device === 'local/gpu1');
  assert.ok(gpu1.length > 4, `readings: ${gpu1.length}`);
  assert.ok(
    gpu1.every((s) => s.powerW === null && s.tempC === null && s.throttle === 4),
    '[N/A] power and [Not Supported] temperature are missing values; the throttle mask is read',
  );
  const report = readJson<ReportData>(join(out, 'report.json'));
  const all = report.gpu!.rows.find((r) => r.kind === 'all')!.stats;
  const readings = inside(gpu.samples, report);
  assert.equal(all.util, spreadOf(readings.map((s) => s.util!)));
  // No energy counter: power (GPU 0 only) integrated over the readings.
  assert.is(all.energySource, 'power');
  assert.ok((all.energyJ ?? 0) > 0);
});

test('with no GPU source the report says so in one line and the run passes', async () => {
  const out = join(dir, 'none');
  const run = await runCli(['run', script, '--quiet', '--url', sim.url, '--report', out], { env: { PATH: join(dir, 'no-such-dir') } });
  assert.is(run.code, 0, run.stderr);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, 'GPU telemetry:** not collected — nvidia-smi not found; set telemetry.dcgm to read a DCGM exporter.');
  assert.not.match(md, '## GPU');
});

test.run();
