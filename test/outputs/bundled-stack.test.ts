/**
 * An unexpected error's trace from the bundled command names TypeScript files
 * and lines (core/outputs/bundled-stack.ts), read through the bundle's map
 * only when such a trace is shown.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mapBundledFrames } from '../../core/outputs/bundled-stack.js';
import { formatError } from '../../core/outputs/format-error.js';
import { repoRoot } from '../helpers/cli.js';

const bundle = join(repoRoot, 'dist', 'bundled', 'cli.cjs');

/** The bundle's 1-based line and column of the name of `function NAME(`. */
function bundlePosition(name: string): { line: number; column: number } {
  const text = readFileSync(bundle, 'utf8');
  const at = text.indexOf(`function ${name}(`);
  assert.ok(at >= 0, `${name} in the bundle`);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') + 'function '.length };
}

/** The 1-based line of `export function NAME(` in a TypeScript source. */
function sourceLine(file: string, name: string): number {
  return (
    readFileSync(join(repoRoot, file), 'utf8')
      .split('\n')
      .findIndex((line) => line.startsWith(`export function ${name}(`)) + 1
  );
}

test('a frame in the bundle is named by its TypeScript file and line, as a file URL or a path', () => {
  const { line, column } = bundlePosition('formatError');
  const expected = `${join(repoRoot, 'core', 'outputs', 'format-error.ts')}:${sourceLine('core/outputs/format-error.ts', 'formatError')}:`;
  for (const file of [pathToFileURL(bundle).href, bundle]) {
    const mapped = mapBundledFrames(`Error: boom\n    at formatError (${file}:${line}:${column})\n    at async main (${file}:${line}:${column})`);
    const frames = mapped.split('\n').slice(1);
    assert.is(frames.length, 2);
    for (const frame of frames) assert.ok(frame.includes(`(${expected}`), frame);
  }
});

test('frames outside the bundle, and a bundle without its map, stay as they were', () => {
  const stack = 'Error: boom\n    at x (node:internal/process/task_queues:95:5)\n    at y (file:///srv/app/dist/core/run/run-test.js:10:3)';
  assert.is(mapBundledFrames(stack), stack);
  const missing = 'Error: boom\n    at z (file:///nowhere/dist/bundled/cli.cjs:1:10)';
  assert.is(mapBundledFrames(missing), missing);
});

test("formatError shows an unexpected error's trace in TypeScript lines", () => {
  const { line, column } = bundlePosition('formatError');
  const error = new TypeError('x is not a function');
  error.stack = `TypeError: x is not a function\n    at formatError (${pathToFileURL(bundle).href}:${line}:${column})`;
  const shown = formatError(error);
  assert.match(shown, /^error: TypeError: x is not a function\n/);
  assert.ok(shown.includes('core/outputs/format-error.ts:'), shown);
  assert.not.ok(shown.includes('/dist/bundled/'), shown);
});

test.run();
