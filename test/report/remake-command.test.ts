/**
 * The report footer's "re-make it with" command names paths that work from
 * where the user stood: relative inside that folder, absolute outside it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { remakeCommand, shownPath } from '../../core/report/remake-command.js';
import { writeReportFromResults } from '../../core/report/write-report.js';
import { makeRecord } from '../helpers/record-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-remake-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('paths: relative inside the working folder, absolute outside it, quoted when a shell needs it', () => {
  assert.is(remakeCommand('/work/proj/llmload-results/run1', null, '/work/proj'), 'llmload report llmload-results/run1');
  assert.is(remakeCommand('/work/proj/llmload-results/run1', '/work/proj/llmload-results/run1/results.ndjson', '/work/proj'), 'llmload report llmload-results/run1');
  assert.is(remakeCommand('/elsewhere/run1', null, '/work/proj'), 'llmload report /elsewhere/run1');
  assert.is(remakeCommand('/work/proj/out', '/work/proj/raw.ndjson', '/work/proj'), 'llmload report raw.ndjson --out out');
  assert.is(remakeCommand('/work/proj', null, '/work/proj'), 'llmload report .');
  assert.is(shownPath('/work/proj/my run', '/work/proj'), "'my run'");
});

test('the footer of report.md names the report folder from the working folder', async () => {
  const folder = join(dir, 'reports', 'run1');
  const results = join(dir, 'raw.ndjson');
  writeFileSync(results, [JSON.stringify({ type: 'meta', format: 'llmload-results', version: 1 }), JSON.stringify(makeRecord())].join('\n') + '\n');
  await writeReportFromResults(results, folder, { cwd: dir });
  assert.match(readFileSync(join(folder, 'report.md'), 'utf8'), 'Re-make it with `llmload report raw.ndjson --out reports/run1`.');
  await writeReportFromResults(results, folder, { cwd: join(dir, 'reports') });
  assert.match(readFileSync(join(folder, 'report.md'), 'utf8'), `Re-make it with \`llmload report ${results} --out run1\`.`);
});

test.run();
