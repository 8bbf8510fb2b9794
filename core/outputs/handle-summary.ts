/**
 * What a script's handleSummary(data) returns, checked and sorted (k6
 * semantics): `stdout` and `stderr` are printed, every other key is a file
 * path to write. Values are strings (or binary: ArrayBuffer, typed arrays).
 * Writing is the engine's job; this only validates.
 */
import { ErrorCode, LlmloadError } from '../errors.js';

export interface SummaryOutputs {
  stdout: string | null;
  stderr: string | null;
  files: Array<{ path: string; content: string | Uint8Array }>;
}

export function normalizeHandleSummaryResult(value: unknown): SummaryOutputs {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LlmloadError(
      ErrorCode.SCRIPT_EXCEPTION,
      `handleSummary() must return an object like { stdout: textSummary(data), "summary.json": JSON.stringify(data) }, got ${describe(value)}`,
    );
  }
  const outputs: SummaryOutputs = { stdout: null, stderr: null, files: [] };
  const problems: string[] = [];
  for (const [key, content] of Object.entries(value as Record<string, unknown>)) {
    const text = asContent(content);
    if (text === undefined) {
      problems.push(`handleSummary() returned ${JSON.stringify(key)}: expected a string or binary data, got ${describe(content)}`);
      continue;
    }
    if (key === 'stdout' || key === 'stderr') {
      outputs[key] = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
    } else {
      outputs.files.push({ path: key, content: text });
    }
  }
  if (problems.length > 0) {
    throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, problems.length === 1 ? problems[0]! : `handleSummary() returned ${problems.length} unusable values`, {
      details: problems,
    });
  }
  return outputs;
}

function asContent(value: unknown): string | Uint8Array | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above, so this never prints '[object Object]'; TS does not narrow `unknown` that far
  return `${typeof value} ${String(value)}`;
}
