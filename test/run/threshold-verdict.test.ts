import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, runCli } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/servers.js';

test('thresholds on unknown metrics, tags or levels exit 104 with suggestions before anything reaches the server', async () => {
  const server = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  try {
    const run = await runCli(['run', fixture('threshold-unknown.ts'), '--url', server.url]);
    const output = run.stdout + run.stderr;
    assert.is(run.code, 104, output);
    assert.match(output, /LL_ERR_THRESHOLD_UNKNOWN/);
    assert.match(output, 'thresholds["llm_ttf"]: no metric named "llm_ttf" — did you mean "llm_ttft"?');
    assert.match(output, 'thresholds["http_req_duration"]: no metric named "http_req_duration"');
    assert.match(output, 'thresholds["llm_ttft{levl:3}"]: unknown tag "levl" — did you mean "level"?');
    assert.match(output, 'thresholds["llm_e2e{level:3}"]: level "3" never occurs in this run (its levels are 2, 4, 8)');
    assert.match(output, 'thresholds["my_lazy"]: no metric named "my_lazy"');
    assert.match(output, 'const m = new Trend("my_lazy")');
    // my_wait is declared at the top of the script: known, not listed.
    assert.not.match(output, 'thresholds["my_wait"]');
    assert.not.match(output, /█ THRESHOLDS/);
    assert.is(server.requests.length, 0, 'no request reached the server');
    assert.is(server.connections(), 0, 'no connection was opened');
  } finally {
    await server.close();
  }
});

test.run();
