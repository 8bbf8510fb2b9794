/**
 * Runners held in step at the levels of a sweep that end by iteration count:
 * with one instance slower than the other, no request of the next level
 * starts before the last request of the level before it has ended.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../helpers/cli.js';
import { startCli } from '../helpers/processes.js';

interface RequestLine {
  type: string;
  vu: number;
  startedAt: number;
  e2eMs: number | null;
  tags: Record<string, string>;
}

test('a slow instance holds the others at the end of an iteration-bounded level: level 4 starts after the last request of level 2 ended', async () => {
  const run = startCli(['run', fixture('sweep-barrier.ts'), '--instances', '2', '--no-report', '--out', 'json=results.ndjson']);
  const end = await run.done;
  assert.is(end.code, 0, end.stderr);
  const requests = readFileSync(join(run.cwd, 'results.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestLine)
    .filter((line) => line.type === 'request');
  const level = (name: string): RequestLine[] => requests.filter((r) => r.tags['level'] === name);
  // 2 iterations per VU: 2 VUs, then 4, split over both instances.
  assert.is(level('2').length, 4);
  assert.is(level('4').length, 8);
  const level2End = Math.max(...level('2').map((r) => r.startedAt + (r.e2eMs ?? 0)));
  const level4Start = Math.min(...level('4').map((r) => r.startedAt));
  // Records are on the coordinator's clock: both instances' clocks agree to within their round trips.
  const marginMs = 5;
  assert.ok(level4Start >= level2End - marginMs, `level 4 started ${(level2End - level4Start).toFixed(1)} ms before level 2 ended`);
  // The fast instance's level-4 VUs (odd ids) waited for the slow one: they did not start a second early.
  const fastStart = Math.min(
    ...level('4')
      .filter((r) => r.vu % 2 === 1)
      .map((r) => r.startedAt),
  );
  assert.ok(fastStart >= level2End - marginMs, `instance 0 started level 4 ${(level2End - fastStart).toFixed(1)} ms before level 2 ended`);
});

test.run();
