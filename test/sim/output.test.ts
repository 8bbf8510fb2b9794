// Token counting, output text, and output-length planning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { presets } from '../../core/sim/presets.js';
import { estimateChatPromptTokens, estimateTextTokens } from '../../core/tokens/estimate.js';
import { OutputText } from '../../core/sim/output-text.js';
import { naturalLength, planOutput, type OutputRequest } from '../../core/sim/output-plan.js';
import { chatPromptTokens, completionPromptTokens, textPieces } from '../../core/sim/prompt-tokens.js';
import { createRng } from '../../core/sim/random.js';

test('every output token is exactly one token under the estimate rule, at every length', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const text = new OutputText(seed);
    let all = '';
    for (let k = 1; k <= 400; k++) {
      const token = text.next();
      assert.ok(token.length > 0);
      all += token;
      if (estimateTextTokens(all) !== k) assert.unreachable(`seed ${seed}: ${k} tokens counted as ${estimateTextTokens(all)}: ${JSON.stringify(all.slice(-40))}`);
    }
  }
});

test('output text is deterministic per seed and differs between seeds', () => {
  assert.is(new OutputText(7).take(50), new OutputText(7).take(50));
  assert.is.not(new OutputText(7).take(50), new OutputText(8).take(50));
  const text = new OutputText(3).take(200);
  assert.ok(/^[A-Z]/.test(text), 'starts with a capital, no leading space');
  assert.ok(text.includes('. '), 'has sentences');
  for (const word of text.split(/[\s.]+/).filter(Boolean)) assert.ok(word.length <= 10 && /^[A-Za-z]+$/.test(word), word);
});

test('prompt pieces count exactly as the estimate does', () => {
  const samples = [
    'Write a short paragraph explaining why GPUs are good for AI.',
    "It's 2024: the model's context-window is 128,000 tokens!!",
    'internationalization supercalifragilisticexpialidocious',
    '  spaces\n\nand\ttabs  ',
    '한국어 텍스트와 English mixed 123456789',
    '',
  ];
  for (const s of samples) assert.is(textPieces(s).length, estimateTextTokens(s), JSON.stringify(s));
  const messages = [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: [{ type: 'text', text: 'Build a task list screen' }] },
  ];
  assert.is(chatPromptTokens(messages, 16).count, estimateChatPromptTokens(messages));
});

test('prompts sharing a prefix share leading block hashes, and only those', () => {
  const base = 'word '.repeat(40);
  const a = completionPromptTokens(`${base}${'alpha '.repeat(10)}`, 16);
  const b = completionPromptTokens(`${base}${'beta '.repeat(10)}`, 16);
  assert.is(a.blockHashes.length, 3);
  assert.is(a.blockHashes.length, Math.floor(a.count / 16));
  assert.is(a.blockHashes[0], b.blockHashes[0]);
  assert.is(a.blockHashes[1], b.blockHashes[1]);
  assert.is.not(a.blockHashes[2], b.blockHashes[2]);
  // Chat and completion prompts never share blocks.
  assert.is.not(chatPromptTokens([{ role: 'user', content: base }], 16).blockHashes[0], a.blockHashes[0]);
});

const req = (over: Partial<OutputRequest>): OutputRequest => ({ maxTokens: 100, minTokens: 0, ignoreEos: false, stop: [], seed: 1, ...over });

test('ignore_eos gives exactly max_tokens with finish_reason length', () => {
  const plan = planOutput({ kind: 'fixed', tokens: 10 }, req({ ignoreEos: true, maxTokens: 77 }));
  assert.equal(plan, { tokens: 77, finishReason: 'length', stopReason: null, visibleChars: null });
});

test('natural length: stop below max_tokens, length when capped, raised to min_tokens', () => {
  assert.equal(planOutput({ kind: 'fixed', tokens: 10 }, req({})).finishReason, 'stop');
  assert.is(planOutput({ kind: 'fixed', tokens: 10 }, req({})).tokens, 10);
  assert.equal(planOutput({ kind: 'fixed', tokens: 500 }, req({})), { tokens: 100, finishReason: 'length', stopReason: null, visibleChars: null });
  assert.is(planOutput({ kind: 'fixed', tokens: 10 }, req({ minTokens: 30 })).tokens, 30);
  assert.is(planOutput({ kind: 'fixed', tokens: 10 }, req({ minTokens: 100 })).finishReason, 'length');
});

test('natural lengths follow the distribution and are seeded', () => {
  const rng = createRng(5);
  for (let i = 0; i < 1000; i++) {
    const n = naturalLength({ kind: 'uniform', min: 70, max: 180 }, rng);
    assert.ok(n >= 70 && n <= 180 && Number.isInteger(n));
  }
  const dist = presets['qwen14b-awq'].outputLength;
  assert.is(planOutput(dist, req({ seed: 9, maxTokens: 200 })).tokens, planOutput(dist, req({ seed: 9, maxTokens: 200 })).tokens);
  const lengths = Array.from({ length: 400 }, (_, i) => naturalLength({ kind: 'lognormal', median: 100, sigma: 0.5 }, createRng(i)));
  const sorted = lengths.sort((x, y) => x - y);
  const median = sorted[200]!;
  assert.ok(median > 85 && median < 115, `lognormal median ${median}`);
});

test('a stop string ends the answer at the token that completes it, and is not shown', () => {
  const full = new OutputText(4).take(300);
  // Pick a word that occurs after the 5th token.
  const probe = ' the';
  const at = full.indexOf(probe, new OutputText(4).take(5).length);
  assert.ok(at > 0, 'the sample text contains the probe');
  const plan = planOutput({ kind: 'fixed', tokens: 1000 }, req({ seed: 4, maxTokens: 300, stop: [probe] }));
  assert.is(plan.finishReason, 'stop');
  assert.is(plan.stopReason, probe);
  assert.ok(plan.visibleChars !== null);
  const text = new OutputText(4);
  let shown = '';
  for (let i = 0; i < plan.tokens; i++) shown += text.next();
  // The answer ends with the stop string; what is visible is everything before its first occurrence.
  assert.ok(shown.endsWith(probe) || shown.slice(plan.visibleChars).startsWith(probe));
  assert.ok(!shown.slice(0, plan.visibleChars).includes(probe));
});

test('min_tokens suppresses stop strings until it is reached', () => {
  const plain = planOutput({ kind: 'fixed', tokens: 1000 }, req({ seed: 4, maxTokens: 300, stop: [' the'] }));
  const later = planOutput({ kind: 'fixed', tokens: 1000 }, req({ seed: 4, maxTokens: 300, stop: [' the'], minTokens: plain.tokens + 1 }));
  assert.ok(later.tokens > plain.tokens);
  const never = planOutput({ kind: 'fixed', tokens: 50 }, req({ seed: 4, maxTokens: 300, stop: ['zzz'] }));
  assert.equal(never, { tokens: 50, finishReason: 'stop', stopReason: null, visibleChars: null });
});

test.run();
