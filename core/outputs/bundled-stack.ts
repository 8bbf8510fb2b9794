/**
 * An unexpected error's stack trace named in TypeScript lines. The command runs
 * from a bundle (dist/bundled/, scripts/bundle-cli.js) loaded before Node's
 * source-map support is turned on (which parses the map of every module loaded
 * while it is on: ~3 MB for the bundle, on every start), so its frames name the
 * bundle's minified lines. Only when such a trace is shown is the bundle's map
 * read, and each of its frames mapped back to its source file and line.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bundle position in a stack frame: file URL or path, line, column. */
const BUNDLE_FRAME = /((?:file:\/\/)?\/[^\s()]*\/dist\/bundled\/[^\s():/]+\.c?js):(\d+):(\d+)/g;

/** `stack` with each frame in the bundle replaced by its source's `path:line:column` (unmapped frames as they were). */
export function mapBundledFrames(stack: string): string {
  if (!stack.includes('/dist/bundled/')) return stack;
  const maps = new Map<string, SourceMap | null>();
  return stack.replace(BUNDLE_FRAME, (frame: string, file: string, line: string, column: string) => {
    const path = file.startsWith('file://') ? fileURLToPath(file) : file;
    let map = maps.get(path);
    if (map === undefined) {
      map = readMap(path);
      maps.set(path, map);
    }
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1) as Partial<SourceMapping> | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return frame;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(path), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function readMap(bundle: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as SourceMapPayload);
  } catch {
    return null;
  }
}
