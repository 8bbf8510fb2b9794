/**
 * A machine without nvidia-smi (every CI runner): the probe says so and leaves
 * nothing behind that holds the process open. Before, spawn()'s own `timeout`
 * armed a 10 s timer that only the child's exit clears; a command that is not
 * there never exits, so every run waited 10 s after its summary to end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basename, dirname } from 'node:path';
import { NvidiaSmiSource, findOnPath } from '../../core/telemetry/nvidia-smi.js';

/** Timers holding the process open, once the callbacks due now have run. */
const timers = async (): Promise<number> => {
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
};

test('a missing nvidia-smi is "not found", and no timer is left holding the process open', async () => {
  const before = await timers();
  const source = await NvidiaSmiSource.start({ command: ['/nonexistent/nvidia-smi'], intervalMs: 500, host: 'local', onReading: () => {}, clock: () => performance.now() });
  assert.is(source, '/nonexistent/nvidia-smi not found');
  assert.is(await timers(), before);
});

test('a command that answers but fails ends with its exit code, with no timer left', async () => {
  const before = await timers();
  const source = await NvidiaSmiSource.start({
    command: [process.execPath, '-e', 'process.exit(3)', '--'],
    intervalMs: 500,
    host: 'local',
    onReading: () => {},
    clock: () => performance.now(),
  });
  assert.type(source, 'string');
  assert.match(source as string, /--help-query-gpu failed: exit code 3/);
  assert.is(await timers(), before);
});

test('a command named without a folder is looked up along PATH before anything is spawned', async () => {
  const node = process.execPath;
  assert.is(findOnPath(basename(node), `/nonexistent:${dirname(node)}`), node);
  assert.is(findOnPath('llmload-no-such-command', `/nonexistent:${dirname(node)}`), null);
  const source = await NvidiaSmiSource.start({ command: ['llmload-no-such-command'], intervalMs: 500, host: 'local', onReading: () => {}, clock: () => performance.now() });
  assert.is(source, 'llmload-no-such-command not found');
});

test.run();
