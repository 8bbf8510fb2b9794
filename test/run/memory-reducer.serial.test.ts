/**
 * An llmload run turns off V8's memory reducer (bin/llmload.js) for the isolates it starts: in an
 * isolate whose allocation rate drops, the reducer starts mark-compact collections to shrink the
 * heap, a few seconds into the lull and again after. In a run whose streams only wait for tokens
 * that was most of the process's CPU while it waited (on V8's platform threads; BENCHMARKS.md,
 * idle), and a load test's heap does not need shrinking before it exits. The controller's own
 * isolate exists before the command can set the flag, and keeps its reducer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { fixture, runCli } from '../helpers/cli.js';

// V8 prints each collection of every isolate (the controller's, the workers', the simulator's) to stdout.
const traceGc = fileURLToPath(new URL('../helpers/trace-gc.js', import.meta.url));

test("a run that waits 12 s runs none of the memory reducer's collections in its worker threads", async () => {
  const run = await runCli(['run', fixture('idle-wait.ts'), '--no-report', '--quiet'], { env: { NODE_OPTIONS: `--import=${traceGc}` }, timeoutMs: 90_000 });
  const out = run.stdout + run.stderr;
  assert.is(run.code, 0, out);
  // A trace line: `[pid:isolate]   time ms: Scavenge …`; the controller's isolate is the first to collect.
  const isolates = [...out.matchAll(/^\[\d+:(0x[0-9a-f]+)\]\s+[\d.]+ ms: (?:Scavenge|Mark-Compact)/gm)].map((m) => m[1]!);
  const controller = isolates[0];
  assert.ok(controller !== undefined && new Set(isolates).size >= 2, `the GC trace has the controller's and a worker's isolates: ${[...new Set(isolates)].join(', ')}`);
  assert.equal(
    out.split('\n').filter((line) => line.includes('(reduce)') && !line.includes(`:${controller}]`)),
    [],
    'memory reducer collections in the worker threads',
  );
});

test.run();
