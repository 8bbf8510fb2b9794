/**
 * Option paths in JS notation, as users write them: `options.scenarios.ramp.stages[1].duration`,
 * `options.thresholds["llm_ttft{level:10}"]`.
 */
import { isPlainObject } from './plain-object.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `base.key`, or `base["key"]` when key is not an identifier. */
export function propertyPath(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/**
 * Turn an ajv instancePath (a JSON pointer, '/scenarios/ramp/stages/1') into a
 * JS path under `source`. The data decides whether a segment is an array index.
 */
export function pointerToPath(source: string, pointer: string, root: unknown): string {
  let path = source;
  let node = root;
  for (const segment of pointer === '' ? [] : pointer.split('/').slice(1)) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      path = `${path}[${key}]`;
      node = node[Number(key)] as unknown;
    } else {
      path = propertyPath(path, key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return path;
}

/** The JSON pointer of a property under `pointer` (the inverse direction, for matching ajv errors). */
export function childPointer(pointer: string, key: string): string {
  return `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
