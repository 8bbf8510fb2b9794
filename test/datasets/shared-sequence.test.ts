/** Sequential sampling: one order across threads, found by the dataset's spec. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { openDataset, type DatasetContext } from '../../core/datasets/dataset.js';
import { createSequenceTable, sharedSequence } from '../../core/datasets/shared-sequence.js';

const scriptDir = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

test('two workers sharing the table take one file order, each item once per pass', () => {
  const sequence = createSequenceTable();
  const spec = { file: 'datasets/prompts-96.jsonl', sampling: 'sequential' as const };
  const contexts: DatasetContext[] = [0, 1].map((workerIndex) => ({ workerIndex, workerCount: 2, scriptDir, sequence }));
  const [a, b] = contexts.map((context) => openDataset(spec, context));
  const taken: number[] = [];
  // Uneven turns, as VUs of two threads would take them.
  for (let i = 0; i < 96 * 2; i++) taken.push((i % 3 === 0 ? a! : b!).next().index);
  assert.equal(taken, [...Array.from({ length: 96 }, (_, i) => i), ...Array.from({ length: 96 }, (_, i) => i)]);
});

test('different datasets keep different counters; the same spec shares one', () => {
  const table = createSequenceTable();
  const one = sharedSequence(table, 'one')!;
  const two = sharedSequence(table, 'two')!;
  const oneAgain = sharedSequence(table, 'one')!;
  assert.is(one(), 0);
  assert.is(one(), 1);
  assert.is(two(), 0);
  assert.is(oneAgain(), 2);
});

test('without the shared table (outside a run), sequential sampling splits by worker as before', () => {
  const spec = { file: 'datasets/prompts-96.jsonl', sampling: 'sequential' as const };
  const d = openDataset(spec, { workerIndex: 1, workerCount: 2, scriptDir });
  assert.equal([d.next().index, d.next().index], [1, 3]);
});

test.run();
