// Prometheus histogram semantics and text format details.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../core/sim/engine.js';
import { Histogram, SimMetrics } from '../../core/sim/metrics-exposition.js';
import { presets } from '../../core/sim/presets.js';

test('histogram buckets are "less than or equal", cumulative in the output', () => {
  const h = new Histogram([1, 2, 5]);
  for (const v of [0.5, 1, 1.5, 2, 7]) h.observe(v);
  assert.equal(h.counts, [2, 2, 0, 1]);
  assert.is(h.count, 5);
  assert.is(h.sum, 12);
});

test('exposition: timings scaled to wall-clock seconds, labels escaped, every sample line well formed', () => {
  const engine = new Engine<{ finishReason: 'stop' | 'length' }>(presets.fast);
  const metrics = new SimMetrics(10);
  const seq = engine.add({ id: 'a', arrivalMs: 0, promptTokens: 4, blockHashes: [], outputTokens: 2, tag: { finishReason: 'stop' } });
  for (let t = 0, step = engine.schedule(0); step !== null; step = engine.schedule(t)) {
    const out = engine.complete(step);
    for (const s of out.step.admitted) metrics.admitted(s);
    for (const s of out.emitted) metrics.token(s, step.endMs);
    for (const s of out.finished) metrics.finished(s, step.endMs);
    t = step.endMs;
  }
  // Virtual TTFT is one 1 ms step (plus per-seq and prefill cost); at timeScale 10 that is ~0.1 ms of wall clock.
  assert.ok(Math.abs(metrics.ttft.sum - seq.firstTokenMs! / 10 / 1000) < 1e-12);
  const text = metrics.render(engine, 'a "quoted"\\name');
  assert.ok(text.endsWith('\n'));
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP|TYPE) vllm:[a-z0-9_:]+ /);
      continue;
    }
    // vLLM's configuration info gauges carry the configuration as labels, not the model name.
    if (line.startsWith('vllm:cache_config_info{')) {
      assert.match(line, /^vllm:cache_config_info\{block_size="16",[^}]*num_gpu_blocks="\d+"\} 1\.0$/);
      continue;
    }
    assert.match(line, /^vllm:[a-z0-9_]+\{[^}]*model_name="a \\"quoted\\"\\\\name"[^}]*\} -?[0-9.e+-]+$/, line);
  }
  assert.match(text, /vllm:request_success_total\{finished_reason="stop",model_name="[^\n]*"\} 1\.0/);
  assert.match(text, /vllm:e2e_request_latency_seconds_count\{[^}]*\} 1\.0/);
});

test.run();
