import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CSV_COLUMNS, csvLine, csvRow } from '../../core/outputs/csv.js';
import { renderJunit } from '../../core/outputs/junit.js';
import { makeFailure, makeRecord } from '../helpers/record-fixture.js';

test('junit: a test case per threshold and per check, failures carry the observed value', () => {
  const xml = renderJunit({
    name: 'sweep.ts',
    durationMs: 12_345,
    thresholds: [
      { key: 'llm_ttft{level:10}', metric: 'llm_ttft{level:10}', source: 'p(95)<2000', aggregation: 'p(95)', observed: 2345.678, ok: false, noData: false, abortOnFail: false },
      { key: 'llm_request_failed', metric: 'llm_request_failed', source: 'rate<0.01', aggregation: 'rate', observed: 0, ok: true, noData: false, abortOnFail: false },
    ],
    checks: [
      { group: '', name: 'has xml', passes: 188, fails: 12 },
      { group: '::chat', name: 'status is 200', passes: 5, fails: 0 },
    ],
  });
  assert.match(xml, '<testsuites name="llmload" tests="4" failures="2" errors="0" skipped="0" time="12.345">');
  assert.match(xml, '<testsuite name="sweep.ts thresholds" tests="2" failures="1"');
  assert.match(
    xml,
    '<testcase classname="llmload.thresholds" name="llm_ttft{level:10} p(95)&lt;2000" time="0"><failure type="threshold" message="observed p(95)=2345.68ms, expected p(95)&lt;2000">',
  );
  assert.match(xml, '<testcase classname="llmload.thresholds" name="llm_request_failed rate&lt;0.01" time="0"><system-out>observed rate=0</system-out></testcase>');
  assert.match(xml, '<testcase classname="llmload.checks" name="has xml" time="0"><failure type="check" message="12 of 200 failed (6.00%)">');
  assert.match(xml, 'name="chat › status is 200" time="0"><system-out>5 of 5 passed</system-out>');
});

test('junit: a threshold with no data is skipped, not passed', () => {
  const xml = renderJunit({
    name: 'run.ts',
    durationMs: 1000,
    thresholds: [
      {
        key: 'llm_ttft{failure:timeout}',
        metric: 'llm_ttft{failure:timeout}',
        source: 'p(95)<1',
        aggregation: 'p(95)',
        observed: null,
        ok: true,
        noData: true,
        abortOnFail: false,
      },
      { key: 'llm_request_failed', metric: 'llm_request_failed', source: 'rate<0.01', aggregation: 'rate', observed: 0, ok: true, noData: false, abortOnFail: false },
    ],
    checks: [],
  });
  assert.match(xml, '<testsuites name="llmload" tests="2" failures="0" errors="0" skipped="1" time="1.000">');
  assert.match(xml, '<testsuite name="run.ts thresholds" tests="2" failures="0" errors="0" skipped="1" time="1.000">');
  assert.match(
    xml,
    '<testcase classname="llmload.thresholds" name="llm_ttft{failure:timeout} p(95)&lt;1" time="0"><skipped message="no data: llm_ttft{failure:timeout} had no samples"/></testcase>',
  );
});

test('junit: no thresholds still gives a valid document', () => {
  const xml = renderJunit({ name: 'x', durationMs: 0, thresholds: null, checks: [] });
  assert.match(xml, '<testsuites name="llmload" tests="0" failures="0"');
  assert.match(xml, '<testsuite name="x thresholds" tests="0" failures="0" errors="0" skipped="0" time="0.000">\n  </testsuite>');
});

test('csv: one row per request, RFC 4180 quoting, formulas defused', () => {
  assert.is(csvLine(['a', 'b,c', 'say "hi"', 'x\ny']), 'a,"b,c","say ""hi""","x\ny"\r\n');
  const ok = csvRow(makeRecord({ tags: { scenario: 'sweep', level: '10', user: 'u1' } }));
  assert.is(ok.length, CSV_COLUMNS.length);
  const cell = (row: string[], name: (typeof CSV_COLUMNS)[number]): string => row[CSV_COLUMNS.indexOf(name)]!;
  assert.is(cell(ok, 'started_at'), '1970-01-01T00:00:01.000Z');
  assert.is(cell(ok, 'level'), '10');
  assert.is(cell(ok, 'ttft_ms'), '100');
  assert.is(cell(ok, 'tpot_ms'), '100');
  assert.is(cell(ok, 'itl_mean_ms'), '100');
  assert.is(cell(ok, 'tags'), '{"user":"u1"}');
  const failed = csvRow(makeFailure('http_5xx', { error: '=HYPERLINK("http://x")' }));
  assert.is(cell(failed, 'ok'), 'false');
  assert.is(cell(failed, 'failure'), 'http_5xx');
  assert.is(cell(failed, 'ttft_ms'), '');
  assert.is(cell(failed, 'error'), `'=HYPERLINK("http://x")`, 'a leading = would run as a formula in a spreadsheet');
});

test.run();
