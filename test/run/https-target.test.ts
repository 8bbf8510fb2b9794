/**
 * A run against an https:// server: the built-in simulator behind a TLS
 * terminator on loopback, its certificate self-signed for 127.0.0.1
 * (test/fixtures/tls, valid until 2126). Trusted through NODE_EXTRA_CA_CERTS,
 * the controller's preflight (node:https, loaded only for such a target) and
 * the workers' streams (undici) both speak TLS and every request succeeds;
 * untrusted, the run stops before any VU with the certificate's error named.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';
import { fixture, runCli } from '../helpers/cli.js';

const certPath = fixture('tls/cert.pem');
let sim: SimulatorHandle | null = null;
let tls: Server | null = null;
let httpsUrl = '';

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
  const simPort = Number(new URL(sim.url).port);
  tls = createServer({ key: readFileSync(fixture('tls/key.pem')), cert: readFileSync(certPath) }, (socket) => {
    const upstream = connect(simPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  // A client that rejects the certificate ends its handshake: nothing to do on this side.
  tls.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => tls!.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});

test.after(async () => {
  await new Promise<void>((resolve) => (tls === null ? resolve() : tls.close(() => resolve())));
  await sim?.close();
});

test('with its certificate trusted, the preflight and every stream go over TLS', async () => {
  const summaryPath = join(mkdtempSync(join(tmpdir(), 'llmload-https-')), 'summary.json');
  const run = await runCli(['run', fixture('quick-pass.ts'), '--url', httpsUrl, '--quiet', '--no-report', '--summary-export', summaryPath], {
    env: { NODE_EXTRA_CA_CERTS: certPath },
  });
  assert.is(run.code, 0, run.stderr);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as {
    llmload: { target: { url: string | null; model: string | null }; requests: { requests: number; successful: number; failed: number } };
  };
  assert.is(summary.llmload.target.url, httpsUrl);
  // No model in the script: it came from the server's /v1/models, through the https preflight.
  assert.ok(summary.llmload.target.model !== null && summary.llmload.target.model !== '', `model: ${summary.llmload.target.model}`);
  const { requests, successful, failed } = summary.llmload.requests;
  assert.equal({ requests, successful, failed }, { requests: 6, successful: 6, failed: 0 });
});

test('with its certificate untrusted, the run stops before any VU and names the certificate', async () => {
  const run = await runCli(['run', fixture('quick-pass.ts'), '--url', httpsUrl, '--quiet', '--no-report'], { env: { NODE_EXTRA_CA_CERTS: '' } });
  assert.is(run.code, 103, run.stderr);
  assert.match(run.stderr, /LL_ERR_TARGET_UNREACHABLE/);
  assert.match(run.stderr, /cannot reach the target https:\/\/127\.0\.0\.1:\d+: DEPTH_ZERO_SELF_SIGNED_CERT self-signed certificate/);
  assert.match(run.stderr, /hint: the server's TLS certificate is not trusted here .*NODE_EXTRA_CA_CERTS/);
});

test.run();
