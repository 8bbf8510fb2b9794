import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, runCli } from '../helpers/cli.js';

test('a syntax error exits 107 with file:line:column and the source line, before any request', async () => {
  const run = await runCli(['run', fixture('syntax-error.ts')]);
  assert.is(run.code, 107);
  assert.match(run.stderr, /LL_ERR_SCRIPT_BUILD/);
  assert.match(run.stderr, /syntax-error\.ts:4:13: Unexpected ";"/);
  assert.match(run.stderr, /const x = ;/);
});

test('an invalid option exits 104 naming every bad option path', async () => {
  const run = await runCli(['run', fixture('bad-option.ts')]);
  assert.is(run.code, 104);
  assert.match(run.stderr, /LL_ERR_INVALID_OPTIONS/);
  assert.match(run.stderr, /options\.scenarios\.ramp\.stages\[1\]\.duration: "10x" is not a duration/);
  assert.match(run.stderr, /options\.scenarios\.ramp\.levles: unknown option/);
});

test('a malformed --stage exits 2 naming the flag', async () => {
  const run = await runCli(['run', fixture('long-run.ts'), '--stage', '10s5']);
  assert.is(run.code, 2);
  assert.match(run.stderr, /--stage "10s5": expected DURATION:TARGET/);
});

test('an unknown --sim-config setting exits 2 naming the flag and the key, before the simulator starts', async () => {
  const run = await runCli(['run', fixture('long-run.ts'), '--sim-config', 'maxNumSeqs=8', '--sim-config', 'maxBatch=64']);
  assert.is(run.code, 2);
  assert.match(run.stderr, /--sim-config maxBatch=64: 'maxBatch' is not a simulator setting/);
  assert.not.match(run.stderr, /maxNumSeqs=8/);
});

test('an unknown flag is a usage error (exit 2)', async () => {
  const run = await runCli(['run', fixture('long-run.ts'), '--vuss', '3']);
  assert.is(run.code, 2);
  assert.match(run.stderr, /Unknown argument: vuss/);
});

test('run --help documents every flag with an example', async () => {
  const run = await runCli(['run', '--help']);
  assert.is(run.code, 0);
  for (const flag of [
    '--vus',
    '--duration',
    '--iterations',
    '--stage',
    '--env',
    '--out',
    '--summary-export',
    '--quiet',
    '--thresholds',
    '--url',
    '--model',
    '--api-key-env',
    '--workers',
    '--sim-config',
  ]) {
    assert.ok(run.stdout.includes(flag), `help mentions ${flag}`);
  }
  assert.match(run.stdout, /Example: --stage 10s:5,30s:20/);
});

test('help is wrapped to at most 110 columns, given before or after the command', async () => {
  // Runs skip the help text yargs renders after starting every command; help itself must still be whole and wrapped.
  for (const args of [['run', '--help'], ['--help'], ['-h', 'run']]) {
    const run = await runCli(args);
    assert.is(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.ok(lines.length > 10, `${args.join(' ')}: ${run.stdout}`);
    const longest = Math.max(...lines.map((line) => line.length));
    assert.ok(longest <= 110 && longest > 60, `${args.join(' ')}: longest line ${longest}`);
  }
});

test('an unreachable target exits 103 with the reason, before any VU starts', async () => {
  const run = await runCli(['run', fixture('long-run.ts'), '--url', 'http://127.0.0.1:1']);
  assert.is(run.code, 103);
  assert.match(run.stderr, /LL_ERR_TARGET_UNREACHABLE/);
  assert.match(run.stderr, /cannot reach the target http:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
  assert.not.match(run.stdout, /llm_requests/);
});

test.run();
