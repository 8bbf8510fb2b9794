/** The loader hooks of module-log.ts: each resolved URL, one a line. */
import { appendFileSync } from 'node:fs';

interface ResolveResult {
  url: string;
}

export async function resolve(specifier: string, context: unknown, next: (specifier: string, context: unknown) => Promise<ResolveResult>): Promise<ResolveResult> {
  const result = await next(specifier, context);
  const log = process.env['LLMLOAD_TEST_MODULE_LOG'];
  if (log) appendFileSync(log, result.url + '\n');
  return result;
}
