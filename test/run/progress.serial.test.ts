/**
 * The printed progress line, end to end: 3 VUs whose answers outlast the run
 * (so no request finishes), against the built-in simulator. The first line
 * already shows the plan's VUs and its length, and the tokens arriving on the
 * open streams. Serial: the line is printed on the real clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, runCli } from '../helpers/cli.js';

test('the first progress line shows the planned VUs and length, and tokens from streams still open', async () => {
  const run = await runCli(['run', fixture('progress-slow.ts'), '--no-report']);
  assert.is(run.code, 0, run.stderr + run.stdout);
  // Whichever stream carries progress: look at both.
  const lines = (run.stdout + '\n' + run.stderr).split('\n').filter((l) => l.startsWith('running '));
  assert.ok(lines.length > 0, run.stdout + run.stderr);
  assert.match(lines[0]!, /^running 0m0\ds\/0m07s · 3 VUs · /);
  for (const line of lines) assert.match(line, /· 0 reqs · /, 'no request finishes during the run');
  const tokPerSec = lines.map((l) => Number(/· (\d+) out tok\/s ·/.exec(l)?.[1] ?? NaN));
  assert.ok(
    tokPerSec.some((t) => t > 0),
    `tokens counted as they stream: ${lines.join(' | ')}`,
  );
});

test.run();
