/**
 * Making a folder and writing a file of the report or another output, each
 * failure as an OUTPUT error naming the path. Apart from write-report.ts so
 * that outputs other than the report write without loading the report modules.
 */
import { writeFile } from 'node:fs/promises';
import { makeDir } from '../outputs/make-dir.js';
import { ErrorCode, LlmloadError } from '../errors.js';

export async function ensureDir(dir: string): Promise<void> {
  try {
    await makeDir(dir);
  } catch (error) {
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot create ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

export async function write(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
