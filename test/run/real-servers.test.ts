/**
 * Whole runs against servers that behave like real ones rather than like the simulator: the
 * prompts a sequential dataset promises, and no false failures from a server that closes its
 * connections after every streamed answer (llama.cpp's).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { DONE_EVENT, sseChunk, startClosesAfterStreamServer, startHttpServer, startSseServer, usageChunk, type TestServer } from '../helpers/servers.js';

/** The 2-digit item numbers of the prompts the server got, in arrival order ("item 07 of the ordered file"). */
function itemsSeen(server: TestServer): number[] {
  return server.requests
    .filter((r) => r.method === 'POST')
    .map((r) => Number(/item (\d+)/.exec((JSON.parse(r.body) as { messages: Array<{ content: string }> }).messages[0]!.content)![1]));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

for (const vus of [1, 3, 8]) {
  test(`sampling 'sequential' on 2 workers, ${vus} VU(s), 96 iterations of a 96-item file: each item sent exactly once${vus === 1 ? ', in file order' : ''}`, async () => {
    const server = await startSseServer([sseChunk({ content: 'a' }), sseChunk({}, 'stop'), usageChunk(3, 1), DONE_EVENT]);
    try {
      const run = await runCli(['run', fixture('sequential-dataset.ts'), '--url', server.url, '--workers', '2', '--quiet'], { env: { VUS: String(vus), ITERATIONS: '96' } });
      assert.is(run.code, 0, run.stderr);
      const items = itemsSeen(server);
      assert.equal(
        [...items].sort((a, b) => a - b),
        range(96),
      );
      if (vus === 1) assert.equal(items, range(96));
    } finally {
      await server.close();
    }
  });
}

for (const vus of [1, 4]) {
  test(`a server that closes after every streamed answer without saying so: 0 failures at ${vus} VU(s), reconnects in the summary, each request seen once`, async () => {
    const server = await startClosesAfterStreamServer();
    try {
      const run = await runCli(['run', fixture('sequential-dataset.ts'), '--url', server.url, '--workers', '2'], {
        env: { VUS: String(vus), ITERATIONS: '48' },
      });
      const output = run.stdout + run.stderr;
      assert.is(run.code, 0, output);
      assert.match(output, /failures\.+: none/);
      assert.match(output, /llm_reconnects\.+: [1-9]/);
      const items = itemsSeen(server);
      assert.equal(
        [...items].sort((a, b) => a - b),
        range(48),
      );
    } finally {
      await server.close();
    }
  });
}

test("llama.cpp's /v1/models names the model by its file path: sent as it is, titled by its base name", async () => {
  const models = readFileSync(fixture('llamacpp-models.json'), 'utf8');
  const server = await startHttpServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(models);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sseChunk({ content: 'a' }) + sseChunk({}, 'stop') + usageChunk(3, 1) + DONE_EVENT);
  });
  try {
    const cwd = mkdtempSync(join(tmpdir(), 'llmload-llamacpp-'));
    const run = await runCli(['run', fixture('sequential-dataset.ts'), '--url', server.url, '--workers', '1', '--quiet'], { cwd, env: { VUS: '1', ITERATIONS: '2' } });
    assert.is(run.code, 0, run.stderr);
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.is(posts.length, 2);
    for (const post of posts) assert.is((JSON.parse(post.body) as { model: string }).model, '/models/rand-6L-384.gguf');
    const [folder] = readdirSync(join(cwd, 'llmload-results'));
    const report = readFileSync(join(cwd, 'llmload-results', folder!, 'report.md'), 'utf8');
    assert.match(report, /^# Load test report: rand-6L-384\.gguf$/m);
    assert.match(report, /\| Model \| \/models\/rand-6L-384\.gguf \|/);
  } finally {
    await server.close();
  }
});

test.run();
