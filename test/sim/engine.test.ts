// The step model, checked exactly in virtual time (no clock, no waiting).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveEngineConfig, type EngineConfig } from '../../core/sim/engine-config.js';
import { Engine } from '../../core/sim/engine.js';
import { presets } from '../../core/sim/presets.js';
import { simulateArrivals, simulateClosedLoop, summarize } from '../../core/sim/simulate.js';

/** A tiny engine whose steps are easy to compute by hand. */
const tiny: EngineConfig = resolveEngineConfig(presets.fast, {
  maxModelLen: 64,
  maxNumSeqs: 2,
  maxNumBatchedTokens: 8,
  blockSize: 4,
  numGpuBlocks: 100,
  stepBaseMs: 10,
  stepPerSeqMs: 1,
  stepPerContextTokenMs: 0.1,
  prefillPerTokenMs: 0.5,
});

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);

test('a two-request scenario matches the hand computation step by step', () => {
  const engine = new Engine<string>(tiny);
  const a = engine.add({ id: 'a', arrivalMs: 0, promptTokens: 6, blockHashes: ['a0'], outputTokens: 3, tag: 'a' });
  const b = engine.add({ id: 'b', arrivalMs: 0, promptTokens: 10, blockHashes: ['b0', 'b1'], outputTokens: 2, tag: 'b' });

  // Step 1: A prefills 6, B gets the 2 left of the 8-token budget.
  // 10 + 1×2 + 0.1×(6+2) + 0.5×8 = 16.8
  let step = engine.schedule(0)!;
  assert.equal(
    step.scheduled.map((s) => [s.request.id, s.scheduledTokens]),
    [
      ['a', 6],
      ['b', 2],
    ],
  );
  assert.equal(step.admitted.length, 2);
  close(step.endMs, 16.8, 'step 1 end');
  let out = engine.complete(step);
  assert.equal(
    out.emitted.map((s) => s.request.id),
    ['a'],
  );
  close(a.firstTokenMs!, 16.8, 'A first token');

  // Step 2: A decodes 1, B prefills 7 more. 10 + 2 + 0.1×(7+9) + 0.5×7 = 17.1
  step = engine.schedule(step.endMs)!;
  assert.equal(
    step.scheduled.map((s) => [s.request.id, s.scheduledTokens]),
    [
      ['a', 1],
      ['b', 7],
    ],
  );
  assert.is(step.prefillTokens, 7);
  close(step.endMs, 33.9, 'step 2 end');
  out = engine.complete(step);
  assert.equal(
    out.emitted.map((s) => s.request.id),
    ['a'],
  );

  // Step 3: A decodes its 3rd token and finishes; B's last prompt token gives its first token.
  // 10 + 2 + 0.1×(8+10) + 0.5×1 = 14.3
  step = engine.schedule(step.endMs)!;
  close(step.endMs, 48.2, 'step 3 end');
  out = engine.complete(step);
  assert.equal(
    out.emitted.map((s) => s.request.id),
    ['a', 'b'],
  );
  assert.equal(
    out.finished.map((s) => s.request.id),
    ['a'],
  );
  close(b.firstTokenMs!, 48.2, 'B first token');

  // Step 4: B alone. 10 + 1 + 0.1×11 = 12.1
  step = engine.schedule(step.endMs)!;
  close(step.endMs, 60.3, 'step 4 end');
  out = engine.complete(step);
  assert.equal(
    out.finished.map((s) => s.request.id),
    ['b'],
  );
  assert.is(engine.schedule(step.endMs), null);
  assert.ok(engine.idle);

  assert.equal(engine.counters, {
    promptTokens: 16,
    generationTokens: 5,
    prefixQueries: 16,
    prefixHits: 0,
    preemptions: 0,
    steps: 4,
    finished: 2,
    aborted: 0,
  });
  // A's prompt block and B's two stay cached after they finish; nothing is in use.
  assert.is(engine.kv.used, 0);
  assert.is(engine.kv.cachedBlocks, 3);
});

test('simulateArrivals reports the same timings as the manual steps', () => {
  const result = simulateArrivals(tiny, [
    { arrivalMs: 0, promptTokens: 6, blockHashes: ['a0'], outputTokens: 3 },
    { arrivalMs: 0, promptTokens: 10, blockHashes: ['b0', 'b1'], outputTokens: 2 },
  ]);
  const [a, b] = result.requests;
  close(a!.ttftMs, 16.8, 'A ttft');
  close(a!.e2eMs, 48.2, 'A e2e');
  close(b!.ttftMs, 48.2, 'B ttft');
  close(b!.e2eMs, 60.3, 'B e2e');
  close(result.makespanMs, 60.3, 'makespan');
  assert.is(result.maxRunning, 2);
});

test('a repeated prompt hits the prefix cache, never its last token', () => {
  const engine = new Engine<null>(tiny);
  const first = engine.add({ id: '1', arrivalMs: 0, promptTokens: 8, blockHashes: ['p0', 'p1'], outputTokens: 1, tag: null });
  engine.complete(engine.schedule(0)!);
  assert.is(first.status, 'finished');
  // Same 8-token prompt: block p1 holds the last token, which must be computed, so 1 block (4 tokens) hits.
  const again = engine.add({ id: '2', arrivalMs: 20, promptTokens: 8, blockHashes: ['p0', 'p1'], outputTokens: 1, tag: null });
  const step = engine.schedule(20)!;
  assert.is(again.cachedTokens, 4);
  assert.is(step.prefillTokens, 4);
  engine.complete(step);
  // A longer prompt with the same first 8 tokens hits both blocks.
  const longer = engine.add({ id: '3', arrivalMs: 40, promptTokens: 12, blockHashes: ['p0', 'p1', 'p2'], outputTokens: 1, tag: null });
  engine.complete(engine.schedule(40)!);
  assert.is(longer.cachedTokens, 8);
  assert.is(engine.counters.prefixHits, 12);
  assert.is(engine.counters.prefixQueries, 8 + 8 + 12);
});

test('identical prompts admitted in the same step share blocks (hashes registered at scheduling, as vLLM V1)', () => {
  const engine = new Engine<null>(resolveEngineConfig(tiny, { maxNumBatchedTokens: 64, maxNumSeqs: 8 }));
  const seqs = [0, 1, 2].map((i) => engine.add({ id: String(i), arrivalMs: 0, promptTokens: 9, blockHashes: ['q0', 'q1'], outputTokens: 2, tag: null }));
  const step = engine.schedule(0)!;
  assert.equal(
    seqs.map((s) => s.cachedTokens),
    [0, 8, 8],
  );
  assert.is(step.prefillTokens, 9 + 1 + 1);
  // 3 blocks for the first, then 1 fresh block each: 5 in use, not 9.
  assert.is(engine.kv.used, 5);
});

test('prefix caching lowers TTFT of repeated prompts against distinct ones', () => {
  const config = resolveEngineConfig(presets.fast, { prefillPerTokenMs: 0.01 });
  const prompt = 2048;
  const hashes = (salt: string): string[] => Array.from({ length: prompt / 16 }, (_, j) => `${salt}${j}`);
  const arrivals = (same: boolean) =>
    Array.from({ length: 20 }, (_, i) => ({
      arrivalMs: i * 100,
      promptTokens: prompt,
      blockHashes: hashes(same ? 'shared' : `own${i}-`),
      outputTokens: 10,
    }));
  const repeated = simulateArrivals(config, arrivals(true));
  const distinct = simulateArrivals(config, arrivals(false));
  const hitRate = repeated.counters.prefixHits / repeated.counters.prefixQueries;
  assert.ok(hitRate > 0.9, `hit rate ${hitRate}`);
  assert.is(distinct.counters.prefixHits, 0);
  const ttft = (r: typeof repeated): number => summarize(r).meanTtftS;
  assert.ok(ttft(repeated) < ttft(distinct) / 2, `repeated ${ttft(repeated)} s vs distinct ${ttft(distinct)} s`);
  // The first request has nothing to hit; every later one hits all but the last block.
  assert.is(repeated.requests[0]!.cachedTokens, 0);
  assert.is(repeated.requests[5]!.cachedTokens, prompt - 16);
});

test('throughput grows sub-linearly with users, saturates at maxNumSeqs, and TTFT jumps past it', () => {
  const config = resolveEngineConfig(presets.fast, { maxNumSeqs: 16, stepBaseMs: 10, stepPerSeqMs: 1, stepPerContextTokenMs: 0 });
  const at = (users: number) => {
    const result = simulateClosedLoop(config, {
      users,
      requestsPerUser: 6,
      request: (u, k) => ({ promptTokens: 32, blockHashes: [`${u}/${k}`], outputTokens: 50 }),
    });
    return { s: summarize(result), r: result };
  };
  const levels = [1, 2, 4, 8, 16, 32, 64].map((users) => ({ users, ...at(users) }));
  for (let i = 1; i < levels.length; i++) {
    const prev = levels[i - 1]!;
    const cur = levels[i]!;
    if (cur.users <= 16) {
      assert.ok(cur.s.outputTokenRate > prev.s.outputTokenRate, `throughput rises to ${cur.users} users`);
      // Sub-linear: doubling users less than doubles throughput.
      assert.ok(cur.s.outputTokenRate < 2 * prev.s.outputTokenRate, `sub-linear at ${cur.users}`);
      assert.is(cur.r.maxWaiting, 0);
    } else {
      // Saturated: the batch is full, extra users only queue.
      assert.ok(Math.abs(cur.s.outputTokenRate / prev.s.outputTokenRate - 1) < 0.05, `flat at ${cur.users}`);
      assert.is(cur.r.maxRunning, 16);
    }
  }
  const ttft16 = levels[4]!.s.meanTtftS;
  const ttft32 = levels[5]!.s.meanTtftS;
  assert.ok(ttft32 > 10 * ttft16, `TTFT jumps once the batch is full: ${ttft16} s → ${ttft32} s`);
  // Latency climbs with users all along.
  for (let i = 1; i < levels.length; i++) assert.ok(levels[i]!.s.meanLatencyS > levels[i - 1]!.s.meanLatencyS);
});

test('a full KV cache preempts the newest sequence, which recomputes and still finishes', () => {
  // 20 blocks of 4 tokens = 80 tokens; 4 sequences growing to 8 + 20 = 28 tokens (7 blocks) each need 28 blocks.
  const config = resolveEngineConfig(presets.fast, {
    maxModelLen: 40,
    blockSize: 4,
    numGpuBlocks: 20,
    maxNumSeqs: 8,
    stepPerContextTokenMs: 0,
  });
  const engine = new Engine<number>(config);
  const seqs = [0, 1, 2, 3].map((i) => engine.add({ id: String(i), arrivalMs: 0, promptTokens: 8, blockHashes: [`x${i}a`, `x${i}b`], outputTokens: 20, tag: i }));
  let t = 0;
  let maxUsed = 0;
  const preemptedOrder: number[] = [];
  for (let step = engine.schedule(t); step !== null; step = engine.schedule(t)) {
    for (const p of step.preempted) preemptedOrder.push(p.request.tag);
    maxUsed = Math.max(maxUsed, engine.kv.used);
    engine.complete(step);
    t = step.endMs;
  }
  assert.ok(engine.counters.preemptions > 0, 'preempted at least once');
  assert.is(engine.counters.preemptions, preemptedOrder.length);
  // The newest running sequence goes first.
  assert.is(preemptedOrder[0], 3);
  assert.ok(maxUsed <= 20, `never more blocks than the cache holds (${maxUsed})`);
  for (const s of seqs) {
    assert.is(s.status, 'finished');
    assert.is(s.generated, 20);
  }
  assert.ok(seqs[3]!.preemptions > 0);
  assert.is(seqs[0]!.preemptions, 0);
  assert.is(engine.kv.used, 0);
});

test('no admissions while the KV cache cannot hold the next prompt', () => {
  const config = resolveEngineConfig(presets.fast, { maxModelLen: 32, blockSize: 4, numGpuBlocks: 8, maxNumSeqs: 8 });
  const engine = new Engine<null>(config);
  engine.add({ id: 'big', arrivalMs: 0, promptTokens: 24, blockHashes: [], outputTokens: 4, tag: null });
  engine.add({ id: 'next', arrivalMs: 0, promptTokens: 12, blockHashes: [], outputTokens: 1, tag: null });
  const step = engine.schedule(0)!;
  // 6 blocks for 'big', 2 free, 'next' needs 3: it waits (FIFO, head-of-line).
  assert.equal(
    step.scheduled.map((s) => s.request.id),
    ['big'],
  );
  assert.is(engine.waitingCount, 1);
});

test('abort frees a running sequence at once and a step in flight skips it', () => {
  const engine = new Engine<null>(tiny);
  const a = engine.add({ id: 'a', arrivalMs: 0, promptTokens: 6, blockHashes: [], outputTokens: 5, tag: null });
  const b = engine.add({ id: 'b', arrivalMs: 0, promptTokens: 2, blockHashes: [], outputTokens: 5, tag: null });
  engine.complete(engine.schedule(0)!);
  const step = engine.schedule(engine.clockMs)!;
  engine.abort(a);
  const out = engine.complete(step);
  assert.equal(
    out.emitted.map((s) => s.request.id),
    ['b'],
  );
  assert.is(a.status, 'aborted');
  assert.is(engine.runningCount, 1);
  assert.is(engine.counters.aborted, 1);
  engine.abort(b);
  assert.ok(engine.idle);
  assert.is(engine.kv.used, 0);
});

test('the engine refuses to overlap steps or go back in time', () => {
  const engine = new Engine<null>(tiny);
  engine.add({ id: 'a', arrivalMs: 0, promptTokens: 4, blockHashes: [], outputTokens: 2, tag: null });
  const step = engine.schedule(5)!;
  assert.throws(() => engine.schedule(100), /not completed/);
  engine.complete(step);
  assert.throws(() => engine.schedule(1), /before the last step/);
  assert.throws(() => engine.add({ id: 'z', arrivalMs: 0, promptTokens: 4, blockHashes: [], outputTokens: 0, tag: null }), /outputTokens/);
});

test('the same workload gives the same result, to the bit', () => {
  const run = () =>
    simulateClosedLoop(presets['qwen14b-awq'], {
      users: 70,
      requestsPerUser: 3,
      request: (u, k) => ({ promptTokens: 19 + u, blockHashes: [`s${u % 3}`], outputTokens: 50 + ((u * 7 + k) % 90) }),
    });
  assert.equal(run(), run());
});

test.run();
