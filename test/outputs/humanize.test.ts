import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { palette, shouldUseColor, visibleLength } from '../../core/outputs/color.js';
import { formatNumber, formatPercent, humanizeDuration, shortDuration, shortPercent, toFixedTrimmed } from '../../core/outputs/humanize.js';
import { alignColumns, markdownTable } from '../../core/outputs/text-table.js';

test('durations print as k6 prints them', () => {
  assert.is(humanizeDuration(25_100), '25.1s');
  assert.is(humanizeDuration(512.3), '512.3ms');
  assert.is(humanizeDuration(0.98), '980µs');
  assert.is(humanizeDuration(0.0005), '500ns');
  assert.is(humanizeDuration(1000), '1s');
  assert.is(humanizeDuration(62_900), '1m3s');
  assert.is(humanizeDuration(3_723_000), '1h2m3s');
  assert.is(humanizeDuration(0), '0s');
  assert.is(humanizeDuration(112.1749), '112.17ms');
  assert.is(humanizeDuration(-5), '-5ms');
});

test('table durations keep three significant digits', () => {
  assert.is(shortDuration(62_900), '62.9s');
  assert.is(shortDuration(25_140), '25.1s');
  assert.is(shortDuration(2460), '2.46s');
  assert.is(shortDuration(125_300), '125s');
  assert.is(shortDuration(512.3), '512ms');
  assert.is(shortDuration(45.23), '45.2ms');
  assert.is(shortDuration(4.512), '4.51ms');
  assert.is(shortDuration(0.98), '980µs');
  assert.is(shortDuration(Number.NaN), '-');
});

test('numbers and percentages', () => {
  assert.is(toFixedTrimmed(1.5, 2), '1.5');
  assert.is(formatNumber(40), '40');
  assert.is(formatNumber(1467.891), '1467.9');
  assert.is(formatNumber(11.8123), '11.81');
  assert.is(formatNumber(0.0412), '0.041');
  assert.is(formatNumber(0.000123456), '0.000123');
  assert.is(formatPercent(0.975), '97.50%');
  assert.is(formatPercent(0), '0.00%');
  assert.is(shortPercent(1), '100%');
  assert.is(shortPercent(2 / 3), '66.7%');
});

test('color: NO_COLOR wins, FORCE_COLOR forces, else only on a TTY', () => {
  assert.is(shouldUseColor({ isTTY: true }, {}), true);
  assert.is(shouldUseColor({ isTTY: false }, {}), false);
  assert.is(shouldUseColor({}, {}), false);
  assert.is(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.is(shouldUseColor({ isTTY: true }, { NO_COLOR: '' }), true);
  assert.is(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.is(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  assert.is(shouldUseColor({ isTTY: false }, { NO_COLOR: '1', FORCE_COLOR: '1' }), false);
  assert.is(palette(true).green('ok'), '\u001b[32mok\u001b[39m');
  assert.is(palette(false).green('ok'), 'ok');
  assert.is(visibleLength(palette(true).bold('abc')), 3);
});

test('tables align columns and render Markdown', () => {
  assert.equal(
    alignColumns(
      [
        ['users', 'req/s'],
        ['1', '0.04'],
        ['10', '11.81'],
      ],
      ['right', 'right'],
    ),
    ['users  req/s', '    1   0.04', '   10  11.81'],
  );
  assert.equal(markdownTable(['a', 'b|c'], [['1', '2']], ['left', 'right']), ['| a | b\\|c |', '| --- | ---: |', '| 1 | 2 |']);
});

test.run();
