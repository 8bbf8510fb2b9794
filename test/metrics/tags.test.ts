import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchesFilter, parseMetricKey, tagSetKey } from '../../core/metrics/tags.js';

test('a bare metric name has no filter', () => {
  assert.equal(parseMetricKey('llm_ttft'), { ok: true, value: { name: 'llm_ttft', filter: null, key: 'llm_ttft' } });
});

test('filters keep everything after the first colon, trimmed and unquoted', () => {
  assert.equal(parseMetricKey('llm_ttft{level:10,scenario:sweep}'), {
    ok: true,
    value: {
      name: 'llm_ttft',
      filter: [
        ['level', '10'],
        ['scenario', 'sweep'],
      ],
      key: 'llm_ttft{level:10,scenario:sweep}',
    },
  });
  assert.equal(parseMetricKey('checks{check:has xml}'), { ok: true, value: { name: 'checks', filter: [['check', 'has xml']], key: 'checks{check:has xml}' } });
  assert.equal(parseMetricKey('checks{ check : "a: b" }'), { ok: true, value: { name: 'checks', filter: [['check', 'a: b']], key: 'checks{check:a: b}' } });
  assert.equal(parseMetricKey('iteration_duration{group:::login}'), {
    ok: true,
    value: { name: 'iteration_duration', filter: [['group', '::login']], key: 'iteration_duration{group:::login}' },
  });
});

test('malformed keys say what is wrong', () => {
  assert.equal(parseMetricKey('llm_ttft{level:10'), { ok: false, error: 'metric key has no closing "}" (expected e.g. "llm_ttft{level:10}")' });
  assert.equal(parseMetricKey('llm_ttft{}'), { ok: false, error: 'metric key has an empty tag filter {} (expected e.g. "llm_ttft{level:10}")' });
  assert.equal(parseMetricKey('llm_ttft{level}'), { ok: false, error: 'tag filter "level" is not key:value (expected e.g. "llm_ttft{level:10}")' });
  assert.equal(parseMetricKey('llm_ttft{:10}'), { ok: false, error: 'tag filter ":10" has an empty tag name' });
  assert.equal(parseMetricKey('{level:1}'), { ok: false, error: '"" is not a valid metric name (expected e.g. "llm_ttft")' });
  assert.equal(parseMetricKey('llm_ttft}'), { ok: false, error: 'metric key has a "}" without a "{" (expected e.g. "llm_ttft{level:10}")' });
});

test('a filter matches when every pair is present with the same value', () => {
  const filter = [
    ['level', '10'],
    ['scenario', 'sweep'],
  ] as const;
  assert.ok(matchesFilter(filter, { scenario: 'sweep', level: '10', name: 'x' }));
  assert.not.ok(matchesFilter(filter, { scenario: 'sweep', level: '1' }));
  assert.not.ok(matchesFilter(filter, { level: '10' }));
});

test('tag set keys tell different sets apart', () => {
  assert.is(tagSetKey({ a: '1', b: '2' }), tagSetKey({ a: '1', b: '2' }));
  assert.is.not(tagSetKey({ a: '1', b: '2' }), tagSetKey({ a: '12' }));
  assert.is.not(tagSetKey({ a: '1' }), tagSetKey({ a: '1', b: '' }));
});

test.run();
