/** Model ids in titles and tables. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shortModelName } from '../../core/report/model-name.js';

test('a model named by its file path is titled by its base name; other ids as they are', () => {
  assert.is(shortModelName('/models/rand-6L-384.gguf'), 'rand-6L-384.gguf');
  assert.is(shortModelName('./weights/qwen.gguf'), 'qwen.gguf');
  assert.is(shortModelName('C:\\models\\x.gguf'), 'x.gguf');
  assert.is(shortModelName('meta-llama/Llama-3.1-8B-Instruct'), 'meta-llama/Llama-3.1-8B-Instruct');
  assert.is(shortModelName('gpt-4o'), 'gpt-4o');
});

test.run();
