// Every fault mode, seen on the wire; the header syntax; seeded rates.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError } from '../../core/errors.js';
import { FaultPlan, validateFaultConfig } from '../../core/sim/faults.js';
import { FAULT_HEADER, startSimulator, type SimulatorHandle } from '../../core/sim/index.js';
import { dataEvents, send } from '../helpers/sim-http-client.js';

const wire = suite<{ sim: SimulatorHandle }>('faults on the wire', {} as { sim: SimulatorHandle });
wire.before(async (ctx) => {
  ctx.sim = await startSimulator({ preset: 'fast' });
});
wire.after(async (ctx) => {
  await ctx.sim.close();
});

const streamBody = (tokens = 10) => ({ messages: [{ role: 'user', content: 'hi' }], max_tokens: tokens, ignore_eos: true, stream: true });
const faulty = (sim: SimulatorHandle, fault: string, body: unknown = streamBody()) => send(`${sim.url}/v1/chat/completions`, { body, headers: { [FAULT_HEADER]: fault } });
const contentEvents = (body: string) => dataEvents(body).filter((d) => d.includes('"content":"') && !d.includes('"role"'));

wire('http500, http503, http400: the status at once with a vLLM error body', async ({ sim }) => {
  for (const [fault, status, type] of [
    ['http500', 500, 'InternalServerError'],
    ['http503', 503, 'ServiceUnavailableError'],
    ['http400', 400, 'BadRequestError'],
  ] as const) {
    const res = await faulty(sim, fault);
    assert.is(res.status, status);
    const body = JSON.parse(res.body);
    assert.is(body.object, 'error');
    assert.is(body.type, type);
    assert.is(body.code, status);
  }
});

wire('http429 sends Retry-After', async ({ sim }) => {
  const res = await faulty(sim, 'http429;seconds=7');
  assert.is(res.status, 429);
  assert.is(res.headers['retry-after'], '7');
});

wire('error: HTTP 200, tokens, then data: {"error": …} and [DONE], no finish_reason', async ({ sim }) => {
  const res = await faulty(sim, 'error;after=3');
  assert.is(res.status, 200);
  const events = dataEvents(res.body);
  assert.is(contentEvents(res.body).length, 3);
  const error = JSON.parse(events.at(-2)!);
  assert.equal(Object.keys(error), ['error']);
  assert.is(error.error.object, 'error');
  assert.is(error.error.code, 500);
  assert.is(error.error.type, 'InternalServerError');
  assert.is(events.at(-1), '[DONE]');
  assert.not.match(res.body, /"finish_reason":"length"/);
});

wire('reset: the connection is reset mid-stream after the given tokens', async ({ sim }) => {
  const res = await faulty(sim, 'reset;after=2');
  assert.is(res.status, 200);
  assert.is(contentEvents(res.body).length, 2);
  assert.ok(res.error === 'ECONNRESET' || res.error === 'aborted', `error ${res.error}`);
  assert.not.match(res.body, /\[DONE\]/);
});

wire('stall: no byte for the given seconds mid-stream, then the rest', async ({ sim }) => {
  const res = await faulty(sim, 'stall;after=2;seconds=0.3');
  assert.is(res.error, null);
  assert.is(contentEvents(res.body).length, 10);
  assert.ok(res.body.endsWith('data: [DONE]\n\n'));
  // The largest gap between arriving pieces is the stall (a lower bound: the server cannot send earlier).
  let gap = 0;
  for (let i = 1; i < res.pieces.length; i++) gap = Math.max(gap, res.pieces[i]!.atMs - res.pieces[i - 1]!.atMs);
  assert.ok(gap >= 290, `largest gap ${gap} ms`);
  // Before the stall: role + 2 tokens.
  const before = res.pieces
    .filter((p) => p.atMs < res.pieces.at(-1)!.atMs - 250)
    .map((p) => p.text)
    .join('');
  assert.is(contentEvents(before).length, 2);
});

wire('malformed: one data line with invalid JSON, and the stream goes on to [DONE]', async ({ sim }) => {
  const res = await faulty(sim, 'malformed;after=1');
  const events = dataEvents(res.body);
  const bad = events.filter((d) => {
    if (d === '[DONE]') return false;
    try {
      JSON.parse(d);
      return false;
    } catch {
      return true;
    }
  });
  assert.is(bad.length, 1);
  assert.is(events.at(-1), '[DONE]');
  assert.is(contentEvents(res.body).length, 11, '10 tokens plus the malformed line');
});

wire('slowHeaders: nothing, not even the status line, for the given seconds', async ({ sim }) => {
  const res = await faulty(sim, 'slow-headers;seconds=0.3');
  assert.is(res.status, 200);
  assert.ok(res.headersAtMs >= 290, `headers after ${res.headersAtMs} ms`);
  assert.ok(res.body.endsWith('data: [DONE]\n\n'));
});

wire('keepAlive: ": keep-alive" comment lines, ignored by SSE parsers', async ({ sim }) => {
  const res = await faulty(sim, 'keepAlive;seconds=0.01', streamBody(60));
  assert.ok(res.body.startsWith(': keep-alive\n\n'), 'a comment right after the headers');
  assert.is(contentEvents(res.body).length, 60);
});

wire('several faults in one header; a fault past the end fires before the last token', async ({ sim }) => {
  const res = await faulty(sim, 'keepAlive;seconds=5, error;after=100', streamBody(4));
  assert.ok(res.body.startsWith(': keep-alive'));
  assert.is(contentEvents(res.body).length, 3);
  assert.match(res.body, /data: \{"error":/);
});

wire('non-streamed answers: error → 500 body, reset → no response, malformed → invalid JSON body', async ({ sim }) => {
  const body = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 10, ignore_eos: true };
  const error = await faulty(sim, 'error;after=2', body);
  assert.is(error.status, 500);
  assert.is(JSON.parse(error.body).type, 'InternalServerError');
  const reset = await faulty(sim, 'reset;after=2', body);
  assert.is(reset.status, 0);
  assert.ok(reset.error !== null);
  const malformed = await faulty(sim, 'malformed', body);
  assert.is(malformed.status, 200);
  assert.throws(() => JSON.parse(malformed.body));
});

wire('a malformed fault header is a 400 naming the valid kinds', async ({ sim }) => {
  const res = await faulty(sim, 'explode');
  assert.is(res.status, 400);
  assert.match(JSON.parse(res.body).message, /unknown fault 'explode' \(valid: http500, http503, http429, http400, error, reset, stall, malformed, slowHeaders, keepAlive\)/);
  const param = await faulty(sim, 'stall;after=x');
  assert.is(param.status, 400);
});

wire('fault counts appear in /stats', async ({ sim }) => {
  const stats = await sim.stats();
  assert.ok(stats.requests.faulted >= 10);
  assert.ok(stats.requests.abandoned >= 5, 'error and reset answers are cut short');
  // …and nothing is left behind: nothing runs, no KV block is held.
  assert.is(stats.running, 0);
  assert.is(stats.kvUsage, 0);
});

wire.run();

/**
 * Whether a cut-short answer still had work in the engine depends on where the engine was when the
 * fault fired: a late driver merges steps, so on a busy machine a 10-token answer on 1 ms steps can
 * be finished in the engine before its token 2 reaches the stream. Here every answer asks for 200
 * tokens on 20 ms steps and is cut at token 2: the engine would have to be ~4 s late to finish one
 * first, so every cut is an abort.
 */
const aborts = suite('cut-short answers leave the engine');

aborts('error and reset, streamed or not: each one is an engine abort, counted in /stats', async () => {
  const sim = await startSimulator({ preset: 'fast', config: { stepBaseMs: 20 } });
  try {
    const long = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 200, ignore_eos: true };
    const results = await Promise.all([
      faulty(sim, 'error;after=2', { ...long, stream: true }),
      faulty(sim, 'reset;after=2', { ...long, stream: true }),
      faulty(sim, 'error;after=2', long),
      faulty(sim, 'reset;after=2', long),
      faulty(sim, 'http500', long),
    ]);
    assert.equal(
      results.map((r) => r.status),
      [200, 200, 500, 0, 500],
    );
    const stats = await sim.stats();
    assert.is(stats.requests.faulted, 5);
    assert.is(stats.requests.abandoned, 4, 'error and reset answers are cut short; http500 never starts one');
    assert.is(stats.engine.aborted, 4, 'each cut-short answer left the engine');
    assert.is(stats.running, 0);
    assert.is(stats.waiting, 0);
    assert.is(stats.kvUsage, 0);
  } finally {
    await sim.close();
  }
});

aborts.run();

const rates = suite('fault rates');

rates('rates are drawn from the seed: the same seed gives the same faults, in order', async () => {
  const statuses = async (seed: number): Promise<number[]> => {
    const sim = await startSimulator({ preset: 'fast', faults: { http500: 0.3, http503: 0.2, seed } });
    try {
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        out.push((await send(`${sim.url}/v1/completions`, { body: { prompt: 'x', max_tokens: 1 } })).status);
      }
      return out;
    } finally {
      await sim.close();
    }
  };
  const a = await statuses(3);
  assert.equal(await statuses(3), a);
  assert.not.equal(await statuses(4), a);
  const count = (s: number) => a.filter((x) => x === s).length;
  assert.ok(count(500) >= 5 && count(500) <= 20, `500s: ${count(500)}`);
  assert.ok(count(503) >= 2 && count(503) <= 16, `503s: ${count(503)}`);
  assert.is(count(200) + count(500) + count(503), 40);
});

rates('FaultPlan: header parsing with defaults, case and separators', () => {
  const plan = new FaultPlan({ afterTokens: 4, stallSeconds: 9 }, 1);
  assert.equal(plan.parseHeader('stall'), [{ kind: 'stall', after: 4, seconds: 9 }]);
  assert.equal(plan.parseHeader('STALL;After=5;seconds=2'), [{ kind: 'stall', after: 5, seconds: 2 }]);
  assert.equal(plan.parseHeader('slow_headers;seconds=1.5, keep-alive'), [
    { kind: 'slowHeaders', after: 4, seconds: 1.5 },
    { kind: 'keepAlive', after: 4, seconds: 1 },
  ]);
  assert.equal(plan.next(undefined), []);
  assert.throws(() => plan.parseHeader('stall;after=1.5'), /whole number/);
  assert.throws(() => plan.parseHeader('stall;for=2'), /unknown parameter 'for=2'/);
});

rates('fault config validation reports every problem', () => {
  try {
    validateFaultConfig({ http500: 2, reset: -1, bogus: 1 } as never);
    assert.unreachable('should throw');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_SIM_CONFIG');
    assert.is(error.details.length, 3);
    assert.match(error.details.join('\n'), /faults\.bogus is not a fault setting/);
  }
  assert.throws(() => validateFaultConfig({ http500: 0.6, reset: 0.6 }), /sum to <= 1/);
});

rates.run();
