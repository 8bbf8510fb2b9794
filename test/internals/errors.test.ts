import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCode, ExitCode, LlmloadError, exitCodeFor, fromErrorRecord, isLlmloadError, toErrorRecord } from '../../core/errors.js';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

test('README documents every error code with its exit code', () => {
  for (const code of Object.values(ErrorCode)) {
    // The exit-code table's row: prose elsewhere may name the code too.
    const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${code}\``));
    assert.ok(row !== undefined, `${code} is missing from README.md`);
    assert.ok(row.startsWith(`| ${exitCodeFor[code]} |`), `${code} row should start with its exit code ${exitCodeFor[code]}: ${row}`);
  }
});

test('exit codes follow k6 where the meaning is the same', () => {
  assert.is(ExitCode.THRESHOLDS_FAILED, 99);
  assert.is(ExitCode.INVALID_CONFIG, 104);
  assert.is(ExitCode.EXTERNAL_ABORT, 105);
  assert.is(ExitCode.SCRIPT_EXCEPTION, 107);
});

test('errors survive the trip through a plain record (worker threads)', () => {
  const original = new LlmloadError(ErrorCode.INVALID_OPTIONS, 'invalid options (2 problems)', {
    details: ['options.vus: expected a number', 'options.duration: "10x" is not a duration'],
    hint: 'see llmload run --help',
  });
  const cloned = structuredClone(toErrorRecord(original));
  const back = fromErrorRecord(cloned);
  assert.ok(isLlmloadError(back));
  assert.is(back.code, 'LL_ERR_INVALID_OPTIONS');
  assert.is(back.exitCode, 104);
  assert.equal(back.details, original.details);
  assert.is(back.hint, 'see llmload run --help');
  assert.not.ok(isLlmloadError(new Error('plain')));
  assert.is(toErrorRecord(new Error('boom')).code, 'LL_ERR_ENGINE');
});

test.run();
