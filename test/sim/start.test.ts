// Ways to start the simulator: same thread, own thread, the `llmload sim` command; option validation.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError } from '../../core/errors.js';
import { resolveSimulatorOptions, startSimulator, startSimulatorThread } from '../../core/sim/index.js';
import { runSim, simOptionsFromArgs, type SimArgs } from '../../bin/commands/sim.js';
import { jsonEvents, send } from '../helpers/sim-http-client.js';

async function expectSimConfig(fn: () => unknown, message: RegExp): Promise<void> {
  try {
    await fn();
  } catch (error) {
    assert.ok(isLlmloadError(error), String(error));
    assert.is(error.code, 'LL_ERR_SIM_CONFIG');
    assert.match(error.message + '\n' + error.details.join('\n'), message);
    return;
  }
  assert.unreachable('expected a SIM_CONFIG error');
}

test('options: defaults, overrides, and every problem reported at once', async () => {
  const o = resolveSimulatorOptions({});
  assert.is(o.preset, 'fast');
  assert.is(o.host, '127.0.0.1');
  assert.is(o.port, 0);
  assert.is(o.timeScale, 1);
  assert.ok(Object.isFrozen(o.engine));
  const q = resolveSimulatorOptions({ preset: 'qwen14b-awq', model: 'm', config: { maxNumSeqs: 8 } });
  assert.is(q.engine.model, 'm');
  assert.is(q.engine.maxNumSeqs, 8);
  assert.is(q.engine.stepBaseMs, 17.2);
  await expectSimConfig(
    () => resolveSimulatorOptions({ preset: 'gpt9' }),
    /unknown preset 'gpt9' \(valid: fast, qwen32b-awq-4x2080ti, qwen32b-awq-longctx, qwen14b-awq, qwen14b-2x4090-baseline, qwen14b-2x4090-optimized, opt-125m\)/,
  );
  try {
    resolveSimulatorOptions({ timeScale: 0, port: 70000, config: { maxNumSeqs: -1, warp: 9 } as never, faults: { reset: 3 } });
    assert.unreachable();
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.details.length, 5, error.details.join('\n'));
  }
  await expectSimConfig(() => resolveSimulatorOptions({ config: { numGpuBlocks: 10 } }), /must hold at least config\.maxModelLen/);
});

test('startSimulator: a bad preset is a SIM_CONFIG error naming the valid presets', async () => {
  await expectSimConfig(
    () => startSimulator({ preset: 'nope' }),
    /valid: fast, qwen32b-awq-4x2080ti, qwen32b-awq-longctx, qwen14b-awq, qwen14b-2x4090-baseline, qwen14b-2x4090-optimized, opt-125m/,
  );
});

test('startSimulatorThread: serves from its own thread, reports stats, closes cleanly', async () => {
  const sim = await startSimulatorThread({ preset: 'fast', timeScale: 2 });
  let closed = false;
  try {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await send(`${sim.url}/v1/chat/completions`, {
      body: { messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, ignore_eos: true, stream: true, stream_options: { include_usage: true } },
    });
    assert.is(res.status, 200);
    assert.is(jsonEvents(res.body).at(-1).usage.completion_tokens, 5);
    const stats = await sim.stats();
    assert.is(stats.timeScale, 2);
    assert.is(stats.requests.completed, 1);
    assert.ok(stats.stepLag.steps >= 5);
    await sim.close();
    closed = true;
    await sim.close(); // idempotent
    const after = await send(`${sim.url}/health`);
    assert.is(after.error, 'ECONNREFUSED');
    try {
      await sim.stats();
      assert.unreachable('stats after close');
    } catch (error) {
      assert.ok(isLlmloadError(error));
    }
  } finally {
    if (!closed) await sim.close();
  }
});

test('startSimulatorThread: bad options reject on the caller thread', async () => {
  await expectSimConfig(() => startSimulatorThread({ preset: 'nope' }), /unknown preset/);
});

const args = (over: Partial<SimArgs> = {}): SimArgs => ({ preset: 'fast', port: 0, host: '127.0.0.1', 'allow-remote': false, ...over });

test('llmload sim: flags become options', () => {
  const o = simOptionsFromArgs(
    args({
      'time-scale': 5,
      seed: 3,
      model: 'x/y',
      'fault-rate': ['http500=0.01', 'slow-headers=0.5', 'stallSeconds=3'],
      config: ['maxNumSeqs=64', 'enablePrefixCaching=false', 'outputLength={"kind":"fixed","tokens":9}'],
    }),
  );
  assert.equal(o, {
    preset: 'fast',
    port: 0,
    host: '127.0.0.1',
    timeScale: 5,
    seed: 3,
    model: 'x/y',
    faults: { http500: 0.01, slowHeaders: 0.5, stallSeconds: 3 },
    config: { maxNumSeqs: 64, enablePrefixCaching: false, outputLength: { kind: 'fixed', tokens: 9 } },
  });
  assert.throws(() => simOptionsFromArgs(args({ 'fault-rate': ['explode=1'] })), /unknown fault 'explode'/);
  assert.throws(() => simOptionsFromArgs(args({ config: ['maxNumSeqs'] })), /expected KEY=VALUE/);
  // The same key check as `llmload run --sim-config`, at the flag.
  assert.throws(() => simOptionsFromArgs(args({ config: ['maxNumSeq=64'] })), /--config maxNumSeq=64: 'maxNumSeq' is not a simulator setting \(did you mean 'maxNumSeqs'\?\)/);
  assert.throws(() => simOptionsFromArgs(args({ host: '0.0.0.0' })), /not a loopback address/);
  assert.is(simOptionsFromArgs(args({ host: '0.0.0.0', 'allow-remote': true })).host, '0.0.0.0');
});

test('llmload sim: prints where it listens, serves, and stops on SIGTERM', async () => {
  let out = '';
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const signals = new EventEmitter();
  const running = runSim(args({ preset: 'opt-125m' }), { stdout, signals });
  while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 5));
  const match = /^llmload simulator \(preset opt-125m\) listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(out);
  assert.ok(match, out);
  const models = JSON.parse((await send(`${match[1]}/v1/models`)).body);
  assert.is(models.data[0].id, 'facebook/opt-125m');
  signals.emit('SIGTERM');
  await running;
  assert.match(out, /llmload simulator stopped/);
  assert.is(signals.listenerCount('SIGINT'), 0);
  assert.is((await send(`${match[1]}/health`)).error, 'ECONNREFUSED');
});

test('llmload sim: a bad preset fails with SIM_CONFIG before listening', async () => {
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  await expectSimConfig(() => runSim(args({ preset: 'nope' }), { stdout, signals: new EventEmitter() }), /valid: fast/);
});

test.run();
