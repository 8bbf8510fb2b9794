/**
 * report.html from real runs: one against a loopback server whose model name,
 * answers and error messages carry markup (it must come out escaped and never
 * run), one against the built-in simulator. Both pages are then opened in
 * Debian's headless Chromium, offline, with a fresh profile: no console
 * errors, every chart drawn, and a screenshot that is not blank. The browser
 * part is skipped, saying so, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, runCli, type CliRun } from '../helpers/cli.js';
import { DONE_EVENT, sseChunk, startHttpServer, usageChunk, type TestServer } from '../helpers/servers.js';
import { countInkPixels, decodePng } from '../helpers/png.js';

const CHROMIUM = '/usr/bin/chromium';
const MODEL = '</script><script>window.__pwned = "model";</script>';
const ANSWER = '<script>window.__pwned = "answer"</script> & <b>bold</b>';
const ERROR = '<img src=x onerror="window.__pwned = \'error\'"> overloaded';

const dir = mkdtempSync(join(tmpdir(), 'llmload-html-'));
let server: TestServer;
let hostile: CliRun;
let sim: CliRun;

test.before(async () => {
  let n = 0;
  server = await startHttpServer((req, res) => {
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', owned_by: '<i>me</i>', max_model_len: 4096 }] }));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    // Every fourth request fails with markup in its error message.
    if (++n % 4 === 0) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: ERROR, type: 'server_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sseChunk({ content: ANSWER.slice(0, 20) }) + sseChunk({ content: ANSWER.slice(20) }, 'stop') + usageChunk(7, 2) + DONE_EVENT);
  });
  [hostile, sim] = await Promise.all([
    runCli(['run', fixture('report-chat.ts'), '--quiet', '--url', server.url, '--model', MODEL, '--report', join(dir, 'hostile')]),
    runCli(['run', fixture('report-sweep.ts'), '--quiet', '--report', join(dir, 'sim')]),
  ]);
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('strings from the server and the model are escaped in report.html and report.md', () => {
  assert.is(hostile.code, 0, hostile.stderr);
  const html = readFileSync(join(dir, 'hostile', 'report.html'), 'utf8');
  const markup = html.slice(0, html.indexOf('<script type="application/json"'));
  assert.not.match(markup, '<script>window.__pwned', 'no live script from the model name or the answer');
  assert.not.match(markup, '<img src=x', 'no live markup from an error message');
  assert.match(markup, '&lt;script&gt;window.__pwned = &quot;answer&quot;&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;', 'the answer, as text');
  assert.match(markup, '&lt;/script&gt;&lt;script&gt;window.__pwned = &quot;model&quot;;&lt;/script&gt;', 'the model name, as text');
  assert.match(markup, '&lt;img src=x onerror=&quot;window.__pwned', 'the error message, as text');
  const scripts = [...html.matchAll(/<script type="application\/json" id="spec-\d+">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  assert.ok(scripts.length > 0);
  for (const json of scripts) {
    assert.not.match(json, '<', 'inline JSON carries no <');
    JSON.parse(json);
  }
  const md = readFileSync(join(dir, 'hostile', 'report.md'), 'utf8');
  assert.match(md, `\`\`\`text\n${ANSWER}\n\`\`\``, 'answers sit in code blocks, where markup is inert');
  assert.match(md, '| http_5xx | 500 | 2 | chat | HTTP 500: &lt;img src=x onerror="window.__pwned');
});

test('report.html renders offline in headless Chromium: no console errors, every chart drawn, not blank', async () => {
  assert.is(sim.code, 0, sim.stderr);
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIP browser check: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1200, height: 900 },
    offline: true,
  });
  try {
    for (const name of ['sim', 'hostile']) {
      const page = await context.newPage();
      const errors: string[] = [];
      const remote: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) remote.push(request.url());
      });
      await page.goto(`file://${join(dir, name, 'report.html')}`);
      // Page-side code as strings: this project compiles without the DOM library.
      await page.waitForFunction("[...document.querySelectorAll('div[data-spec]')].every((el) => el.querySelector('svg, canvas') !== null)", null, { timeout: 30_000 });
      const drawn = await page.evaluate<{ charts: number; withSvg: number; failed: number; pwned: string | null }>(`({
        charts: document.querySelectorAll('div[data-spec]').length,
        withSvg: [...document.querySelectorAll('div[data-spec]')].filter((el) => el.querySelector('svg')?.querySelector('path, rect, line') != null).length,
        failed: document.querySelectorAll('.chart-error').length,
        pwned: window.__pwned ?? null,
      })`);
      assert.is(drawn.charts, name === 'sim' ? 7 : 3, `${name}: ${drawn.charts} charts (a sweep adds throughput and latency vs users; the simulator's GPU adds one)`);
      assert.is(drawn.withSvg, drawn.charts, `${name}: every chart has drawn marks`);
      assert.is(drawn.failed, 0);
      assert.is(drawn.pwned, null, `${name}: no injected script ran`);
      assert.equal(errors, [], `${name}: console errors`);
      assert.equal(remote, [], `${name}: the page fetched nothing`);
      const shot = join(dir, `${name}.png`);
      await page.locator('figure.chart').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: shot });
      const image = decodePng(readFileSync(shot));
      const ink = countInkPixels(image);
      assert.ok(ink > image.width * image.height * 0.01, `${name}: screenshot has ${ink} non-white pixels of ${image.width * image.height}`);
      if (process.env['LLMLOAD_KEEP_SCREENSHOTS']) writeFileSync(join(process.env['LLMLOAD_KEEP_SCREENSHOTS'], `report-${name}.png`), readFileSync(shot));
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test.run();
