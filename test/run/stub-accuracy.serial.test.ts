/**
 * Measured TTFT and ITL against a server whose timing is known exactly (the
 * sse-stub: first token at t0+100 ms, then one every 20 ms, on absolute
 * deadlines), at 200 concurrent streams through the whole CLI. The stub's own
 * lateness (GET /stats) is added to the truth before comparing. The client's
 * lateness cannot be subtracted the same way: it is what is measured. When
 * the medians miss on a machine too busy for a 2 ms figure to mean anything
 * (other work holds the CPUs, or a timer probe running alongside wakes late:
 * helpers/machine-load.ts), the check is skipped and says so; a run that
 * misses is measured once more before the test fails; the run's counts are
 * checked always.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { checkUnlessBusy, measuringLoad, type MachineLoad } from '../helpers/machine-load.js';
import { sseStubBinary, startSseStub, type SseStub } from '../helpers/sse-stub.js';

const TTFT_MS = 100;
const ITL_MS = 20;
const TOLERANCE_MS = 2;
/** Past these (other work holding the CPUs, timers late) a 2 ms accuracy cannot be told from the machine's own delays. */
const BUSY = { minCpuShare: 0.85, p50Ms: 1, p90Ms: 5 };

// Four waves of 200, so the median is the steady state's. The first wave of a run is read later
// than the waves after it (BENCHMARKS.md, "What is left"); with two waves it was half the samples
// and moved the median by up to 3 ms.
test('llm_ttft and llm_itl medians are within 2 ms of the truth at 200 concurrent streams', async () => {
  if (sseStubBinary() === null) {
    console.log('skipped: sse-stub cannot be built here (no cargo)');
    return;
  }
  const stub = await startSseStub(['--ttft-ms', String(TTFT_MS), '--itl-ms', String(ITL_MS), '--tokens', '32', '--ignore-max-tokens', '--prespawn', '256']);
  try {
    let measured = await measure(stub);
    // A client that mismeasures misses every time; a moment of the shared machine's own delay can
    // make one run miss (seen: TTFT +2.2 ms in a CI run, +0.3-1.5 ms in eight runs alone). A second
    // run tells them apart: the bound fails only when both miss it.
    if (!measured.within) {
      console.log('the first run missed: measured again');
      measured = await measure(stub);
    }
    const { ttft, itl, ttftTruth, load } = measured;
    checkUnlessBusy(load, BUSY, `TTFT and ITL medians within ${TOLERANCE_MS} ms`, () => {
      assert.ok(Math.abs(ttft - ttftTruth) <= TOLERANCE_MS, `TTFT median ${ttft.toFixed(2)} ms vs truth ${ttftTruth.toFixed(2)} ms`);
      assert.ok(Math.abs(itl - ITL_MS) <= TOLERANCE_MS, `ITL median ${itl.toFixed(2)} ms vs truth ${ITL_MS} ms`);
    });
  } finally {
    await stub.close();
  }
});

/** One run of four waves of 200 streams: the medians, the truth, and how busy the machine was. */
async function measure(stub: SseStub): Promise<{ ttft: number; itl: number; ttftTruth: number; within: boolean; load: MachineLoad }> {
  const exported = join(mkdtempSync(join(tmpdir(), 'llmload-acc-')), 'summary.json');
  const { result: run, load } = await measuringLoad(() =>
    runCli(['run', fixture('stub-accuracy.ts'), '--url', stub.url, '--quiet', '--summary-export', exported], { env: { VUS: '200', ITERATIONS: '4' } }),
  );
  assert.is(run.code, 0, run.stderr);
  const stats = (await stub.stats()) as { first_late_p50_us_le: number; late_p50_us_le: number };
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  assert.is(summary.metrics['llm_requests']?.values['count'], 800);
  assert.is(summary.metrics['llm_request_failed']?.values['rate'], 0);
  const ttft = summary.metrics['llm_ttft']!.values['med']!;
  const itl = summary.metrics['llm_itl']!.values['med']!;
  const ttftTruth = TTFT_MS + stats.first_late_p50_us_le / 1000;
  console.log(`TTFT median ${ttft.toFixed(2)} ms vs truth ${ttftTruth.toFixed(2)} ms; ITL median ${itl.toFixed(2)} ms vs truth ${ITL_MS} ms`);
  return { ttft, itl, ttftTruth, within: Math.abs(ttft - ttftTruth) <= TOLERANCE_MS && Math.abs(itl - ITL_MS) <= TOLERANCE_MS, load };
}

test.run();
