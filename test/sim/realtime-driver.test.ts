// The engine on the wall clock: absolute deadlines, and how a driver that fell behind catches up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveEngineConfig } from '../../core/sim/engine-config.js';
import { Engine, type Sequence } from '../../core/sim/engine.js';
import { presets } from '../../core/sim/presets.js';
import { RealtimeDriver, type DriverSink } from '../../core/sim/realtime-driver.js';
import { startSimulator } from '../../core/sim/index.js';
import { dataEvents, send } from '../helpers/sim-http-client.js';

/** 10 ms per step whatever the batch, no prefill cost: one token per request every 10 ms. */
const tenMsSteps = resolveEngineConfig(presets.fast, { stepBaseMs: 10, stepPerSeqMs: 0, stepPerContextTokenMs: 0, prefillPerTokenMs: 0 });

/** Keep the thread busy for `ms` (no timer or I/O callback can run meanwhile). */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Records how many tokens each delivery brought. */
class RecordingSink implements DriverSink {
  readonly deliveries: number[] = [];
  #seen = 0;
  onFirst: () => void = () => {};
  onDone: () => void = () => {};

  onToken(seq: Sequence<DriverSink>): void {
    this.deliveries.push(seq.generated - this.#seen);
    if (this.#seen === 0) this.onFirst();
    this.#seen = seq.generated;
    if (seq.status === 'finished') this.onDone();
  }
}

test('a driver that fell several steps behind completes every due step at once and delivers their tokens together', async () => {
  const engine = new Engine<RecordingSink>(tenMsSteps);
  const driver = new RealtimeDriver(engine, 1, () => {});
  const sink = new RecordingSink();
  const done = new Promise<void>((resolve) => {
    sink.onDone = resolve;
  });
  // After the first token, hold the thread for 5 steps' time: at least 4 more deadlines pass unseen.
  sink.onFirst = () => setImmediate(() => block(55));
  driver.submit({ id: 'a', promptTokens: 4, blockHashes: [], outputTokens: 12, tag: sink });
  await done;
  driver.close();
  const total = sink.deliveries.reduce((a, b) => a + b, 0);
  assert.is(total, 12, 'every token delivered exactly once');
  assert.ok(
    sink.deliveries.every((n) => n >= 1),
    `no empty delivery: ${sink.deliveries.join(',')}`,
  );
  const biggest = Math.max(...sink.deliveries);
  assert.ok(biggest >= 4, `the catch-up brought the overdue steps' tokens in one delivery (deliveries ${sink.deliveries.join(',')})`);
  const lag = driver.lag.stats();
  assert.is(lag.steps, engine.counters.steps, 'every step has its lag recorded, merged ones included');
  assert.ok(lag.maxMs >= 40, `the blocked steps are recorded late (max ${lag.maxMs} ms)`);
});

test('tokens merged after a stall of the server thread arrive complete, in order, as separate events', async () => {
  const sim = await startSimulator({ preset: 'fast', seed: 7, config: { stepBaseMs: 10, stepPerSeqMs: 0, prefillPerTokenMs: 0 } });
  try {
    const body = { prompt: 'Merge test', max_tokens: 30, ignore_eos: true, stream: true, seed: 99, stream_options: { include_usage: true } };
    const reference = await send(`${sim.url}/v1/completions`, { body });
    // The same request again, with the server's thread (this one) held for 8 steps' time mid-answer.
    const pending = send(`${sim.url}/v1/completions`, { body });
    await new Promise((r) => setTimeout(r, 100));
    block(80);
    const merged = await pending;
    const stats = await sim.stats();
    assert.ok(stats.stepLag.maxMs >= 50, `the stall made steps late (max ${stats.stepLag.maxMs} ms)`);
    assert.is(merged.status, 200);
    const texts = (r: typeof merged): string[] =>
      dataEvents(r.body)
        .filter((e) => e !== '[DONE]')
        .map((e) => JSON.parse(e) as { choices: Array<{ text: string }>; usage?: { completion_tokens: number } })
        .filter((e) => e.choices.length > 0)
        .map((e) => (e.choices[0] as { text: string }).text);
    assert.is(texts(merged).length, 30, 'one event per token');
    assert.equal(texts(merged), texts(reference), 'the same tokens in the same order as an unstalled answer');
    assert.ok(merged.body.endsWith('data: [DONE]\n\n'));
    assert.match(merged.body, /"usage":\{"prompt_tokens":\d+,"total_tokens":\d+,"completion_tokens":30,/);
  } finally {
    await sim.close();
  }
});

test.run();
