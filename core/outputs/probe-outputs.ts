/**
 * Checks, before the first request, that every place a run will write to can
 * be written: a test that ends with "cannot write results.ndjson" has spent
 * the target's time for nothing. Files are opened for appending (never
 * truncated) and removed again when the probe created them; folders are made
 * and a throwaway file is written in them.
 *
 * What can still fail at the end (a full disk, a file removed meanwhile) is
 * reported then, output by output (core/run/finish.ts).
 */
import { randomBytes } from 'node:crypto';
import { open, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, LlmloadError } from '../errors.js';
import { makeDir } from './make-dir.js';

export interface OutputTarget {
  path: string;
  /** Where the path came from, as the user wrote it: '--out json', '--summary-export', '$GITHUB_STEP_SUMMARY'. */
  source: string;
  kind: 'file' | 'dir';
}

/** Probe every target; throws one LL_ERR_OUTPUT naming each path that cannot be written and why. */
export async function probeOutputs(targets: readonly OutputTarget[]): Promise<void> {
  const problems: string[] = [];
  for (const target of targets) {
    try {
      if (target.kind === 'dir') await probeDir(target.path);
      else await probeFile(target.path);
    } catch (error) {
      problems.push(`${target.path} (${target.source}): ${(error as Error).message}`);
    }
  }
  if (problems.length === 0) return;
  throw new LlmloadError(ErrorCode.OUTPUT, problems.length === 1 ? `cannot write ${problems[0]}` : `cannot write ${problems.length} outputs`, {
    details: problems.length === 1 ? [] : problems,
    hint: 'nothing was sent to the target; choose paths that can be written',
  });
}

async function probeFile(path: string): Promise<void> {
  const existed = await stat(path).then(
    (s) => {
      if (s.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${path}'`), { code: 'EISDIR' });
      return true;
    },
    () => false,
  );
  if (!existed) await makeDir(dirname(path));
  const handle = await open(path, 'a');
  await handle.close();
  if (!existed) await unlink(path).catch(() => undefined);
}

async function probeDir(dir: string): Promise<void> {
  await makeDir(dir);
  const probe = join(dir, `.llmload-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(probe, 'wx');
  await handle.close();
  await rm(probe, { force: true });
}
