import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { llamaCppProps, ollamaShow, sglangServerInfo, tgiInfo, vllmCacheConfig } from '../../core/telemetry/server-config.js';
import { ServerProbe } from '../../core/telemetry/server-probe.js';
import { fixture } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/servers.js';

const text = (name: string): string => readFileSync(fixture(`servers/${name}`), 'utf8');
const json = (name: string): unknown => JSON.parse(text(name)) as unknown;
const setting = (settings: ReadonlyArray<{ name: string; value: string }>, name: string): string | undefined => settings.find((s) => s.name === name)?.value;

test('vLLM: block size, GPU memory utilisation, GPU blocks and prefix caching from cache_config_info labels', () => {
  const settings = vllmCacheConfig(text('vllm-metrics.txt'));
  assert.is(setting(settings, 'KV block size (tokens)'), '16');
  assert.is(setting(settings, 'GPU memory utilisation'), '0.9');
  assert.is(setting(settings, 'GPU KV blocks'), '27346');
  assert.is(setting(settings, 'Prefix caching'), 'True');
  assert.equal(vllmCacheConfig(text('vllm-v0-metrics.txt')), []);
});

test('SGLang: its server args, and never its api_key', () => {
  const config = sglangServerInfo(json('sglang-server-info.json'));
  assert.is(config?.engine, 'SGLang');
  assert.is(config?.version, '0.4.6.post5');
  assert.is(setting(config!.settings, 'Tensor parallel size'), '2');
  assert.is(setting(config!.settings, 'Quantization'), 'fp8');
  assert.is(setting(config!.settings, 'Max model length'), '32768');
  assert.is(setting(config!.settings, 'Chunked prefill size'), '8192');
  assert.is(setting(config!.settings, 'Radix cache disabled'), 'no');
  assert.not.ok(JSON.stringify(config).includes('sk-sglang-server-secret'));
  assert.is(sglangServerInfo({ version: '1' }), null, 'not SGLang without its args');
});

test('llama.cpp: slots, context size, model path and build from /props', () => {
  const config = llamaCppProps(json('llamacpp-props.json'));
  assert.is(config?.engine, 'llama.cpp');
  assert.is(config?.version, 'b5091-3b2f8c1d');
  assert.is(setting(config!.settings, 'Slots (parallel requests)'), '16');
  assert.is(setting(config!.settings, 'Context size (per slot)'), '4096');
  assert.is(setting(config!.settings, 'Model path'), '/models/rand-6L-384.gguf');
});

test('TGI: model, token limits and version from /info', () => {
  const config = tgiInfo(json('tgi-info.json'));
  assert.is(config?.engine, 'TGI');
  assert.is(config?.version, '3.0.1');
  assert.is(setting(config!.settings, 'Max input tokens'), '4095');
  assert.is(setting(config!.settings, 'Max total tokens'), '4096');
  assert.is(setting(config!.settings, 'Max concurrent requests'), '128');
  assert.is(config!.settings.filter((s) => s.name === 'Max input tokens').length, 1);
});

test('Ollama: parameters, quantization and context length from /api/show', () => {
  const settings = ollamaShow(json('ollama-show.json'));
  assert.is(setting(settings, 'Parameters'), '8.0B');
  assert.is(setting(settings, 'Quantization'), 'Q4_K_M');
  assert.is(setting(settings, 'Model context length'), '131072');
});

/** A loopback server answering `routes` (path → body), 404 elsewhere; POST bodies recorded. */
async function serve(routes: Record<string, string>, posted: string[] = []) {
  return startHttpServer((req, res) => {
    if (req.method === 'POST') posted.push(`${req.url} ${req.body}`);
    const answer = routes[req.url];
    if (answer === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': req.url === '/metrics' ? 'text/plain' : 'application/json' }).end(answer);
  });
}

const target = (url: string) => ({ baseUrl: url, headers: {}, timeoutMs: 2000, stallTimeoutMs: 2000, stream: true });

test('the probe reads a llama.cpp server as llama.cpp: its /props settings in the snapshot', async () => {
  const server = await serve({ '/props': text('llamacpp-props.json'), '/metrics': text('llamacpp-metrics.txt'), '/v1/models': text('../llamacpp-models.json') });
  try {
    const probe = await ServerProbe.start(target(server.url), { timeoutMs: 2000, intervalMs: 60_000 });
    const snapshot = await probe.stop();
    assert.is(snapshot.config?.engine, 'llama.cpp');
    assert.is(setting(snapshot.config!.settings, 'Slots (parallel requests)'), '16');
    assert.is(snapshot.scrapes[0]?.values['llamacpp:requests_deferred'], 46);
  } finally {
    await server.close();
  }
});

test('the probe reads vLLM from its metric names and cache_config_info, with /version', async () => {
  const server = await serve({ '/version': '{"version":"0.10.1"}', '/metrics': text('vllm-metrics.txt') });
  try {
    const snapshot = await (await ServerProbe.start(target(server.url), { timeoutMs: 2000, intervalMs: 60_000 })).stop();
    assert.is(snapshot.config?.engine, 'vLLM');
    assert.is(snapshot.config?.version, '0.10.1');
    assert.is(setting(snapshot.config!.settings, 'GPU KV blocks'), '27346');
  } finally {
    await server.close();
  }
});

test('the probe asks Ollama about the model it serves', async () => {
  const posted: string[] = [];
  const server = await serve({ '/api/version': text('ollama-version.json'), '/api/show': text('ollama-show.json') }, posted);
  try {
    const probe = await ServerProbe.start({ ...target(server.url), model: 'llama3.1:8b' }, { timeoutMs: 2000, intervalMs: 60_000 });
    const snapshot = await probe.stop();
    assert.is(snapshot.config?.engine, 'Ollama');
    assert.is(snapshot.config?.version, '0.5.7');
    assert.is(setting(snapshot.config!.settings, 'Quantization'), 'Q4_K_M');
    assert.equal(posted, ['/api/show {"model":"llama3.1:8b"}']);
  } finally {
    await server.close();
  }
});

test('a server that publishes nothing about itself has no config, and that is no error', async () => {
  const server = await serve({});
  try {
    const snapshot = await (await ServerProbe.start(target(server.url), { timeoutMs: 2000, intervalMs: 60_000 })).stop();
    assert.is(snapshot.config, null);
  } finally {
    await server.close();
  }
});

test.run();
