import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { didYouMean, editDistance } from '../../core/options/suggest.js';

test('edit distance counts a transposition as one edit', () => {
  assert.is(editDistance('levles', 'levels'), 1);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(editDistance('same', 'same'), 0);
});

test('suggests the closest key within reach, ignoring case', () => {
  const keys = ['executor', 'levels', 'duration', 'iterations', 'maxDuration', 'startVUs'];
  assert.is(didYouMean('levles', keys), 'levels');
  assert.is(didYouMean('iteration', keys), 'iterations');
  assert.is(didYouMean('startVus', keys), 'startVUs');
  assert.is(didYouMean('maxduration', keys), 'maxDuration');
  assert.is(didYouMean('color', keys), undefined);
  assert.is(didYouMean('x', keys), undefined);
});

test.run();
