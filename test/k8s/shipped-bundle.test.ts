/**
 * The script as the ConfigMap ships it runs under `llmload run`, as the pods
 * run it: `import 'llmload'` left bare binds to the running package, and the
 * run reaches its verdict against the built-in simulator.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fixture, runCli, runCliInProcess } from '../helpers/cli.js';
import { SCRIPT_FILE } from '../../core/k8s/pod-command.js';

test('the ConfigMap bundle runs under llmload run and passes its thresholds', async () => {
  const printed = await runCliInProcess(['k8s', 'manifest', fixture('k8s/short.ts'), '--instances', '1', '--image', 'llmload:dev']);
  assert.is(printed.code, 0, printed.stderr);
  const configMap = parseAllDocuments(printed.stdout)[0]!.toJS() as { data: Record<string, string> };
  const dir = mkdtempSync(join(tmpdir(), 'llmload-k8s-bundle-'));
  const script = join(dir, SCRIPT_FILE);
  writeFileSync(script, configMap.data[SCRIPT_FILE]!);
  const run = await runCli(['run', script, '--time-scale', '20', '--workers', '1', '--quiet', '--summary-export', join(dir, 'summary.json'), '--no-report'], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /llm_request_failed/);
});

test.run();
