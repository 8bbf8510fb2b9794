/**
 * The load generator says when it is the bottleneck: 1,000 paced streams
 * (sse-stub: first token after 100 ms, then one every 20 ms) on a machine
 * whose cores are taken by two CPU-burning processes must be reported as
 * saturated, in the summary and in the report rebuilt from results.ndjson;
 * 100 streams on a quiet machine must not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fixture, runCli } from '../helpers/cli.js';
import { sseStubBinary, startSseStub, type SseStub } from '../helpers/sse-stub.js';

const STUB_ARGS = ['--ttft-ms', '100', '--itl-ms', '20', '--tokens', '64', '--ignore-max-tokens', '--prespawn', '1100'];
/** Late by more than this at p99, an idle process says the machine itself is busy (not quiet). */
const QUIET_MACHINE_P99_MS = 5;

function burners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

function stop(children: ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

let stub: SseStub | null = null;
const available = sseStubBinary() !== null;

test.before(async () => {
  if (available) stub = await startSseStub(STUB_ARGS);
});

test.after(async () => {
  await stub?.close();
});

test('1,000 streams on a loaded machine: the summary and the rebuilt report say the load generator was saturated', async () => {
  if (stub === null) {
    console.log('skipped: sse-stub cannot be built here (no cargo)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'llmload-health-'));
  const load = burners(2);
  let run;
  try {
    run = await runCli(['run', fixture('load-generator-health.ts'), '--url', stub.url, '--quiet', '--report', join(dir, 'report')], {
      env: { VUS: '1000', DURATION: '2s', DELAY_THRESHOLD: 'p(99)<20' },
    });
  } finally {
    stop(load);
  }
  const output = run.stdout + run.stderr;
  // The threshold on the delay fails with it: exit 99.
  assert.is(run.code, 99, output);
  assert.match(output, /⚠ the load generator was saturated \(event-loop delay p99 \d+ ms[^)]*\): latency figures are inflated/);
  assert.match(output, "✗ 'p(99)<20' p(99)=");
  assert.match(output, '█ LOAD GENERATOR');
  const md = readFileSync(join(dir, 'report', 'report.md'), 'utf8');
  assert.match(md, /\*\*Load generator:\*\* the load generator was saturated \(event-loop delay p99 \d+ ms/);
  // Rebuilt from the raw results alone: the same verdict, the same figure.
  const again = join(dir, 'again');
  const rebuilt = await runCli(['report', join(dir, 'report', 'results.ndjson'), '--out', again]);
  assert.is(rebuilt.code, 0, rebuilt.stderr);
  const sentence = /the load generator was saturated \([^)]*\)/.exec(md)![0];
  assert.match(readFileSync(join(again, 'report.md'), 'utf8'), sentence);
  assert.match(output, sentence);
});

test('100 streams on a quiet machine: no saturation, ITL measured, few reads coalesced', async () => {
  if (stub === null) {
    console.log('skipped: sse-stub cannot be built here (no cargo)');
    return;
  }
  // A run that says saturated on a machine that looked quiet is run once more before the test fails: on
  // this 2-core machine a worker's loop ran 5-17 ms late at p99 in runs of either build, and one CI run
  // read 23 ms (its TTFT p90 12 ms over the truth: the verdict was right for that run). A client that
  // saturates at 100 streams does so every time.
  let result = await quietRun(stub);
  if (result.quiet && result.saturated) {
    console.log('saturated on a quiet-looking machine: measured again');
    result = await quietRun(stub);
  }
  const { output, coalesced, quiet, machineP99Ms, reportMd } = result;
  if (quiet) {
    assert.not.match(output, 'load generator was saturated', output);
    assert.not.match(reportMd, 'load generator was saturated');
    assert.ok(coalesced < 10, `coalesced ${coalesced} %`);
  } else {
    // Other processes hold the cores: the verdict may rightly say saturated; the client still reads most tokens apart.
    console.log(`machine not quiet (an idle process ran ${machineP99Ms.toFixed(1)} ms late at p99): checked the figures only`);
    assert.ok(coalesced < 50, `coalesced ${coalesced} %`);
  }
});

/** One 2 s run of 100 streams, with how late an idle process of this test ran meanwhile. */
async function quietRun(stub: SseStub): Promise<{ output: string; coalesced: number; quiet: boolean; saturated: boolean; machineP99Ms: number; reportMd: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-health-'));
  // How late this idle process runs during the test: the machine's own state, llmload aside.
  const machine = monitorEventLoopDelay({ resolution: 10 });
  machine.enable();
  const run = await runCli(['run', fixture('load-generator-health.ts'), '--url', stub.url, '--quiet', '--report', join(dir, 'report')], {
    env: { VUS: '100', DURATION: '2s', DELAY_THRESHOLD: 'p(99)<1000' },
  });
  machine.disable();
  const machineP99Ms = Math.max(0, machine.percentile(99) / 1e6 - 10);
  const output = run.stdout + run.stderr;
  assert.is(run.code, 0, output);
  const block = /token reads coalesced ([\d.]+)% of (\d+)/.exec(output);
  assert.ok(block !== null, output);
  assert.ok(Number(block[2]) > 10_000, 'every token gap counted');
  const reportMd = readFileSync(join(dir, 'report', 'report.md'), 'utf8');
  return {
    output,
    coalesced: Number(block[1]),
    quiet: machineP99Ms <= QUIET_MACHINE_P99_MS,
    saturated: output.includes('load generator was saturated') || reportMd.includes('load generator was saturated'),
    machineP99Ms,
    reportMd,
  };
}

test.run();
