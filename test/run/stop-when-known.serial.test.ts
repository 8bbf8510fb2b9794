import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';

// test/fixtures/stop-when-known.ts: level 4's E2E p95 becomes known early; level 8's never does.
const tmp = mkdtempSync(join(tmpdir(), 'llmload-known-'));

interface KnownRowJson {
  scenario: string;
  tags: Record<string, string>;
  figure: { requests: number; known: boolean; relativeMargin: number | null };
  stopped: string | null;
}

interface SummaryJson {
  llmload: { levels: Array<{ tags: Record<string, string>; requests: number; window: { durationMs: number } | null }>; known?: KnownRowJson[] };
}

test('a level ends once its figure is known; a noisy level runs its whole duration and says so (summary, export, report)', async () => {
  const dir = join(tmp, 'sweep');
  const run = await runCli(['run', fixture('stop-when-known.ts'), '--report', dir, '--summary-export', join(dir, 'summary.json')], { timeoutMs: 200_000 });
  const output = run.stdout + run.stderr;
  assert.is(run.code, 0, output);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as SummaryJson;
  const level = (n: string): SummaryJson['llmload']['levels'][number] | undefined => summary.llmload.levels.find((row) => row.tags['level'] === n);
  const known = summary.llmload.known ?? [];
  assert.equal(
    known.map((row) => [row.tags['level'], row.stopped, row.figure.known]),
    [
      ['4', 'known', true],
      ['8', 'max-duration', false],
    ],
    output,
  );
  // Level 4 ended well inside its 100 s (modelled) duration; level 8 ran all of it.
  assert.ok((level('4')?.window?.durationMs ?? Infinity) < 90_000, JSON.stringify(level('4')));
  assert.ok((level('8')?.window?.durationMs ?? 0) >= 99_000, JSON.stringify(level('8')));
  assert.ok(known[0]!.figure.relativeMargin! <= 0.4, output);
  assert.ok(known[1]!.figure.relativeMargin! > 0.4, output);
  assert.match(output, 'sweep level 4: stopWhenKnown figure known; ended before its duration');
  assert.match(output, '█ STOP WHEN KNOWN');
  assert.match(output, /level 4: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), stopped early: known to ± 40 % after [0-9]+ requests/);
  assert.match(output, /level 8: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), ran to its full duration: not known to ± 40 %/);
  const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(markdown, 'Stop when known');
  assert.match(markdown, /level 4: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), stopped early/);
  assert.match(markdown, /level 8: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), ran to its full duration/);
  // A report re-made from results.ndjson says the same.
  const remade = await runCli(['report', dir, '--out', join(tmp, 'remade')]);
  assert.is(remade.code, 0, remade.stdout + remade.stderr);
  const again = readFileSync(join(tmp, 'remade', 'report.md'), 'utf8');
  assert.match(again, /level 4: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), stopped early/);
  assert.match(again, /level 8: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), ran to its full duration/);
});

test.run();
