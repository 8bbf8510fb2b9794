/** llmload's own version, read once from its package.json (reports and raw results name it). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The `version` field of llmload's package.json; '0.0.0' if it cannot be read. */
export function llmloadVersion(): string {
  if (cached !== undefined) return cached;
  try {
    // dist/core/loading/version.js → the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
