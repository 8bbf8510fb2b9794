/**
 * How an error is shown to a person: the message, each detail on its own
 * line, the source line with a caret when there is a location, and the hint.
 */
import { isLlmloadError } from '../errors.js';
import { mapBundledFrames } from './bundled-stack.js';
import { redactSecrets } from './redact.js';

export function formatError(error: unknown, env: NodeJS.ProcessEnv = {}): string {
  if (!isLlmloadError(error)) {
    const message = error instanceof Error ? (error.stack === undefined ? error.message : mapBundledFrames(error.stack)) : String(error);
    return redactSecrets(`error: ${message}`, env);
  }
  const lines = [`error [${error.code}]: ${error.message}`];
  const details = error.details.filter((d) => d !== error.message);
  for (const detail of details) lines.push(`  ${detail.replaceAll('\n', '\n  ')}`);
  if (details.length === 0 && error.location?.lineText !== undefined) {
    const { line, column, lineText } = error.location;
    const gutter = `${line} | `;
    lines.push(`  ${gutter}${lineText}`, `  ${' '.repeat(gutter.length + Math.max(0, column - 1))}^`);
  }
  if (error.hint !== undefined) lines.push(`hint: ${error.hint}`);
  return redactSecrets(lines.join('\n'), env);
}
