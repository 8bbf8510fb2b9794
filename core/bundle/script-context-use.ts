/**
 * Whether a bundled script needs its iteration's context carried across
 * awaits (core/workers/iteration-context.ts).
 *
 * Only the dsl's module-level functions look up "the VU running now":
 * check(), group(), sleep() and custom metrics. `vu.*` methods know their VU,
 * and vu.group() enters its own frame. Carrying a context through awaits takes
 * Node 20's AsyncLocalStorage, which, once entered, runs an async-hooks init
 * callback for every promise and microtask the worker thread creates,
 * streamed chunks included: at 200 concurrent streams on two cores it moved
 * the TTFT median 2 ms further from the wire (BENCHMARKS.md). A script that
 * imports none of those functions does not pay for it.
 *
 * The bundle keeps `import … from '<dsl url>'` external (bundle-script.ts),
 * and esbuild prints it in one canonical form, so its bindings can be read
 * from the output text.
 */

/** dsl exports that find the current VU through the iteration's context. */
const CONTEXT_EXPORTS: ReadonlySet<string> = new Set(['check', 'group', 'sleep', 'Counter', 'Gauge', 'Rate', 'Trend']);

/** True when `code` (esbuild's ESM output) imports a context-dependent dsl function from `dslUrl`, or the whole module. */
export function usesScriptContext(code: string, dslUrl: string): boolean {
  const from = JSON.stringify(dslUrl);
  let at = code.indexOf(from);
  while (at !== -1) {
    // The statement this specifier ends: from the last `import` before it.
    const start = code.lastIndexOf('import', at);
    const statement = start === -1 ? '' : code.slice(start, at);
    if (importsContext(statement)) return true;
    at = code.indexOf(from, at + from.length);
  }
  return false;
}

function importsContext(statement: string): boolean {
  // import("…"), import * as ns, a default import or a re-export: any binding may be used.
  const braces = /^import\s*\{([^}]*)\}\s*from\s*$/.exec(statement.trim());
  if (braces === null) return !/^import\s*["']?$/.test(statement.trim());
  for (const binding of braces[1]!.split(',')) {
    const imported = binding.trim().split(/\s+as\s+/)[0];
    if (imported !== undefined && CONTEXT_EXPORTS.has(imported)) return true;
  }
  return false;
}
