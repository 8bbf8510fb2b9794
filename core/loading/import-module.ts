/**
 * import() of an ES module (a script's bundle) from code that may run from a
 * bundle. V8 drops a script's dynamic-import host options when it compiles
 * the script from a code cache (Node 20): an import() written in the cached
 * bundle then fails with "A dynamic import callback was not specified". The
 * bundle's loader (load-bundle.ts) hands in its own import() as a parameter of
 * the bundle's module function; unbundled code has none and imports itself.
 */

/** A parameter of the bundle's module function (load-bundle.ts); undeclared outside a bundle. */
declare const __llmloadImport: ((url: string) => Promise<Record<string, unknown>>) | undefined;

export function importModule(url: string): Promise<Record<string, unknown>> {
  return typeof __llmloadImport === 'function' ? __llmloadImport(url) : (import(url) as Promise<Record<string, unknown>>);
}
