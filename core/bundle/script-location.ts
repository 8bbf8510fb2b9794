/**
 * Where in the user's script a stack points: the first frame inside the bundle
 * (script.mjs), mapped back through the bundle's inline source map (see
 * bundle-script.ts) to the script's own file, line and column.
 *
 * Workers do not run with source maps enabled (that would slow every stack
 * trace taken in the thread), so the map is read here, once, and only when a
 * location is asked for: a warning about the script, not a hot path.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

export class ScriptLocator {
  readonly #bundleUrl: string;
  readonly #cwd: string;
  /** The parsed map; null when the bundle has none (or it cannot be read). */
  #map: SourceMap | null | undefined;

  /** `cwd`: the directory esbuild resolved the map's source paths against (the controller's, which workers share). */
  constructor(bundleUrl: string, cwd = process.cwd()) {
    this.#bundleUrl = bundleUrl;
    this.#cwd = cwd;
  }

  /** The script location of the first bundle frame in `stack`, as `file:line:column`; undefined when no frame is in the script. */
  locate(stack: string | undefined): string | undefined {
    if (stack === undefined) return undefined;
    for (const line of stack.split('\n')) {
      const at = line.indexOf(this.#bundleUrl + ':');
      if (at < 0) continue;
      const position = /^:(\d+):(\d+)/.exec(line.slice(at + this.#bundleUrl.length));
      if (position === null) continue;
      return this.#original(Number(position[1]), Number(position[2]));
    }
    return undefined;
  }

  /** A 1-based bundle position as the source's `file:line:column`, or as the bundle's when unmapped. */
  #original(line: number, column: number): string {
    const entry = this.#sourceMap()?.findEntry(line - 1, column - 1) as Partial<SourceMapping> | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) {
      return `${fileURLToPath(this.#bundleUrl)}:${line}:${column}`;
    }
    return `${this.#display(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  }

  /** A source path as the user knows it: relative to the working directory when inside it. */
  #display(source: string): string {
    const absolute = source.startsWith('file://') ? fileURLToPath(source) : resolve(this.#cwd, source);
    const rel = relative(this.#cwd, absolute);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
  }

  #sourceMap(): SourceMap | null {
    if (this.#map !== undefined) return this.#map;
    try {
      const match = INLINE_MAP.exec(readFileSync(fileURLToPath(this.#bundleUrl), 'utf8'));
      this.#map = match === null ? null : new SourceMap(JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as SourceMapPayload);
    } catch {
      this.#map = null;
    }
    return this.#map;
  }
}
