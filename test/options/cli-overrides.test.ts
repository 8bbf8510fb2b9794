import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError } from '../../core/errors.js';
import { applyCliOverrides, parseEnvFlags, parseStageFlag, type CliFlags } from '../../core/options/cli-overrides.js';
import { validateOptions } from '../../core/options/validate.js';

/** The USAGE error applyCliOverrides throws for `flags`. */
function flagProblems(flags: CliFlags, script: unknown = {}): { code: string; exitCode: number; message: string; details: readonly string[] } {
  try {
    applyCliOverrides(script, flags);
  } catch (error) {
    if (!isLlmloadError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message, details: error.details };
  }
  assert.unreachable('expected applyCliOverrides to throw');
  throw new Error('unreachable');
}

const sweepScript = {
  target: { url: 'http://10.0.0.5:8000', model: 'script-model' },
  scenarios: { sweep: { executor: 'concurrency-sweep', levels: [1, 2, 5, 10], duration: '60s' } },
  thresholds: { llm_ttft: ['p(95)<2000'] },
};

test('precedence: defaults < script options < flags', () => {
  // Defaults only.
  const base = validateOptions(applyCliOverrides(undefined, {}));
  assert.is(base.target.url, undefined);
  assert.is(base.target.apiKeyEnv, 'OPENAI_API_KEY');
  assert.is(base.workers, null);
  // The script overrides the defaults.
  const script = { target: { url: 'http://10.0.0.5:8000', model: 'script-model', apiKeyEnv: 'SCRIPT_KEY' }, workers: 2, vus: 3, duration: '1m' };
  const fromScript = validateOptions(applyCliOverrides(script, {}));
  assert.equal(fromScript.target, { url: 'http://10.0.0.5:8000', model: 'script-model', apiKeyEnv: 'SCRIPT_KEY', headers: {} });
  assert.is(fromScript.workers, 2);
  // Flags override the script, field by field.
  const fromFlags = validateOptions(applyCliOverrides(script, { model: 'flag-model', apiKeyEnv: 'VLLM_API_KEY', workers: '4', vus: 8 }));
  assert.equal(fromFlags.target, { url: 'http://10.0.0.5:8000', model: 'flag-model', apiKeyEnv: 'VLLM_API_KEY', headers: {} });
  assert.is(fromFlags.workers, 4);
  // --vus alone keeps the script's duration (k6: vus is not an execution-replacing option).
  assert.equal(fromFlags.scenarios['default'], {
    executor: 'constant-vus',
    startTimeMs: 0,
    gracefulStopMs: 30_000,
    exec: 'default',
    tags: {},
    env: {},
    vus: 8,
    durationMs: 60_000,
  });
});

test('the script options are not modified', () => {
  const script = structuredClone(sweepScript);
  applyCliOverrides(script, { url: 'http://127.0.0.1:9000', vus: 2, duration: '10s', noThresholds: true });
  assert.equal(script, sweepScript);
});

test("--duration, --iterations and --stage replace the script's scenarios with the shortcut one", () => {
  assert.equal(applyCliOverrides(sweepScript, { vus: 4, duration: '30s' }), {
    target: sweepScript.target,
    thresholds: sweepScript.thresholds,
    vus: 4,
    duration: '30s',
  });
  assert.equal(applyCliOverrides(sweepScript, { iterations: 100 }), {
    target: sweepScript.target,
    thresholds: sweepScript.thresholds,
    iterations: 100,
  });
  assert.equal(applyCliOverrides(sweepScript, { stages: ['10s:5,30s:20', '5s:0'] }), {
    target: sweepScript.target,
    thresholds: sweepScript.thresholds,
    stages: [
      { duration: '10s', target: 5 },
      { duration: '30s', target: 20 },
      { duration: '5s', target: 0 },
    ],
  });
  const resolved = validateOptions(applyCliOverrides(sweepScript, { vus: 4, duration: '30s' }));
  assert.equal(Object.keys(resolved.scenarios), ['default']);
  assert.is(resolved.scenarios['default']?.executor, 'constant-vus');
});

test("execution flags replace the script's own shortcuts too (k6 tiers)", () => {
  const script = { vus: 5, duration: '1m', stages: undefined };
  assert.equal(applyCliOverrides(script, { iterations: 50 }), { vus: 5, iterations: 50 });
  assert.equal(applyCliOverrides({ iterations: 10 }, { stages: '10s:5' }), { stages: [{ duration: '10s', target: 5 }] });
  const resolved = validateOptions(applyCliOverrides({ vus: 5, duration: '1m' }, { stages: ['10s:3'] }));
  assert.equal(resolved.scenarios['default'], {
    executor: 'ramping-vus',
    startTimeMs: 0,
    gracefulStopMs: 30_000,
    exec: 'default',
    tags: {},
    env: {},
    startVUs: 5,
    stages: [{ durationMs: 10_000, target: 3 }],
    gracefulRampDownMs: 30_000,
  });
});

test('an empty --stage list counts as not given', () => {
  assert.equal(applyCliOverrides(sweepScript, { stages: [] }), sweepScript);
});

test('--vus alone cannot change scripted scenarios', () => {
  const error = flagProblems({ vus: 10 }, sweepScript);
  assert.is(error.code, 'LL_ERR_USAGE');
  assert.is(error.exitCode, 2);
  assert.equal(error.details, [
    '--vus: the script defines scenarios, which --vus alone cannot change; add --duration, --iterations or --stage to run one scenario instead, or set vus inside a scenario',
  ]);
});

test('target, simulator, workers and thresholds flags', () => {
  assert.equal(
    applyCliOverrides(
      { target: { headers: { a: 'b' } }, simulator: { config: { maxNumSeqs: 4 } } },
      { url: 'http://127.0.0.1:9000', model: 'm', apiKeyEnv: 'KEY', simPreset: 'qwen14b-awq', timeScale: '10', workers: 3, noThresholds: true },
    ),
    {
      target: { headers: { a: 'b' }, url: 'http://127.0.0.1:9000', model: 'm', apiKeyEnv: 'KEY' },
      simulator: { config: { maxNumSeqs: 4 }, preset: 'qwen14b-awq', timeScale: 10 },
      workers: 3,
      noThresholds: true,
    },
  );
  assert.is(validateOptions(applyCliOverrides({}, { noThresholds: true })).noThresholds, true);
  assert.is(validateOptions(applyCliOverrides({}, { noThresholds: false })).noThresholds, false);
});

test('--inconclusive sets options.inconclusive over the script; a threshold that says its own keeps it', () => {
  const script = { inconclusive: 'fail', thresholds: { checks: ['rate>0.99', { threshold: 'rate>0.9', inconclusive: 'fail' }] } };
  const resolved = validateOptions(applyCliOverrides(script, { inconclusive: 'pass' }));
  assert.equal(
    resolved.thresholds['checks']!.map((t) => t.inconclusive),
    ['pass', 'fail'],
  );
  assert.throws(
    () => applyCliOverrides({}, { inconclusive: 'maybe' }),
    (error: unknown) => isLlmloadError(error) && error.details[0] === '--inconclusive: expected pass or fail, got "maybe"',
  );
});

test("--sim-config KEY=VALUE sets simulator settings one by one over the script's", () => {
  const merged = applyCliOverrides(
    { simulator: { preset: 'qwen14b-awq', config: { maxNumSeqs: 4, stepBaseMs: 9 } } },
    { simConfig: ['maxNumSeqs=128', 'enablePrefixCaching=false', 'outputLength={"kind":"fixed","tokens":9}', 'model=my-model'] },
  );
  assert.equal(merged, {
    simulator: {
      preset: 'qwen14b-awq',
      config: { maxNumSeqs: 128, stepBaseMs: 9, enablePrefixCaching: false, outputLength: { kind: 'fixed', tokens: 9 }, model: 'my-model' },
    },
  });
  // One item (as yargs gives a single flag) and a script without a simulator section.
  assert.equal(applyCliOverrides({}, { simConfig: 'maxNumBatchedTokens=4096' }), { simulator: { config: { maxNumBatchedTokens: 4096 } } });
  // Later items win, as for -e.
  assert.equal(applyCliOverrides({}, { simConfig: ['maxNumSeqs=8', 'maxNumSeqs=16'] }), { simulator: { config: { maxNumSeqs: 16 } } });
});

test('--sim-config: an unknown key or a malformed item is a usage error naming the flag and the key', () => {
  const unknown = flagProblems({ simConfig: ['maxNumSeq=64'] });
  assert.is(unknown.code, 'LL_ERR_USAGE');
  assert.is(unknown.exitCode, 2);
  assert.is(unknown.details.length, 1);
  assert.match(unknown.details[0]!, /^--sim-config maxNumSeq=64: 'maxNumSeq' is not a simulator setting \(did you mean 'maxNumSeqs'\?\); valid: model, maxModelLen, maxNumSeqs/);
  const both = flagProblems({ simConfig: ['warp=9', 'maxNumSeqs'] });
  assert.equal(both.details, [both.details[0]!, '--sim-config maxNumSeqs: expected KEY=VALUE, e.g. maxNumSeqs=64']);
  assert.match(both.details[0]!, /^--sim-config warp=9: 'warp' is not a simulator setting; valid: /);
});

test('--stage parse errors name the flag and the item', () => {
  const error = flagProblems({ stages: ['10s5', '10s:5,1m:x', '10x:5', ':5', ''] });
  assert.is(error.code, 'LL_ERR_USAGE');
  assert.is(error.message, 'invalid command-line flags (5 problems)');
  assert.equal(error.details, [
    '--stage "10s5": expected DURATION:TARGET',
    '--stage "1m:x": "x" is not a target (expected a whole number of VUs ≥ 0)',
    '--stage "10x:5": "10x" is not a duration (expected e.g. "30s", "1m30s", "500ms")',
    '--stage ":5": expected DURATION:TARGET',
    '--stage "": expected DURATION:TARGET',
  ]);
  assert.equal(parseStageFlag('10s:5, 30s:20'), [
    { duration: '10s', target: 5 },
    { duration: '30s', target: 20 },
  ]);
  assert.throws(
    () => parseStageFlag('10s5'),
    (e: unknown) => isLlmloadError(e) && e.message === '--stage "10s5": expected DURATION:TARGET',
  );
});

test('every bad flag is reported at once, each naming its flag', () => {
  const error = flagProblems({
    vus: 'ten',
    duration: '10x',
    iterations: 0,
    workers: 1.5,
    url: 'localhost:8000',
    model: '',
    apiKeyEnv: 'MY-KEY',
    simPreset: '',
    timeScale: '0',
    env: ['GOOD=1', 'BAD'],
  });
  assert.is(error.message, 'invalid command-line flags (10 problems)');
  assert.equal(error.details, [
    '--vus: expected a whole number ≥ 0, got "ten"',
    '--iterations: expected a whole number ≥ 1, got 0',
    '--workers: expected a whole number ≥ 1, got 1.5',
    '--duration: "10x" is not a duration (expected e.g. "30s", "1m30s", "500ms")',
    '--time-scale: expected a number > 0, got "0"',
    '--sim-preset: must not be empty',
    '--url: expected an http:// or https:// URL, got "localhost:8000"',
    '--model: must not be empty',
    '--api-key-env: "MY-KEY" is not an environment variable name',
    '-e "BAD": expected KEY=VALUE',
  ]);
});

test('--duration needs a unit and must be more than 0', () => {
  assert.equal(flagProblems({ duration: 30 }).details, ['--duration: "30" is not a duration (give a unit, e.g. "30s")']);
  assert.equal(flagProblems({ duration: '0s' }).details, ['--duration: must be more than 0']);
});

test('-e KEY=VALUE', () => {
  assert.equal(parseEnvFlags(['A=1', 'B=x=y', 'C=', 'A=2']), { A: '2', B: 'x=y', C: '' });
  assert.equal(parseEnvFlags('ONE=1'), { ONE: '1' });
  assert.equal(parseEnvFlags(undefined), {});
  assert.throws(
    () => parseEnvFlags(['=1']),
    (e: unknown) => isLlmloadError(e) && e.code === 'LL_ERR_USAGE' && e.message === '-e "=1": expected KEY=VALUE',
  );
});

test('a script whose options are not an object is passed through for validation to report', () => {
  assert.is(applyCliOverrides(5, { vus: 1 }), 5);
  assert.throws(
    () => validateOptions(applyCliOverrides('x', { vus: 1 })),
    (e: unknown) => isLlmloadError(e) && e.details[0] === 'options: expected an object, got "x" (string)',
  );
});

test.run();
