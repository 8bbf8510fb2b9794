/**
 * Vega-Lite spec → SVG text, headless: vega-lite compiles the spec to Vega,
 * and a vega View with `renderer: 'none'` renders it with toSVG(). No canvas
 * or other native module is involved (text widths are estimated), so this
 * runs anywhere Node does. Both libraries load on first use only, keeping
 * them off the start-up path of every other command.
 */
import { ErrorCode, LlmloadError } from '../errors.js';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let modules: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

function load(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  modules ??= withoutSourceMaps(() => Promise.all([import('vega'), import('vega-lite')])).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return modules;
}

/**
 * The CLI maps stack traces through source maps (bin/cli.ts), and Node then reads and parses
 * the map of every module as it loads: vega's ~30 packages ship 3 MB of them, ~15 MB of memory
 * and CPU for frames nobody reads. They load with mapping off; it is back on for what follows.
 */
async function withoutSourceMaps<T>(load: () => Promise<T>): Promise<T> {
  const enabled = process.sourceMapsEnabled;
  if (enabled) process.setSourceMapsEnabled(false);
  try {
    return await load();
  } finally {
    if (enabled) process.setSourceMapsEnabled(true);
  }
}

/** Compile a Vega-Lite spec to a Vega spec; throws LL_ERR_ENGINE naming the chart when vega-lite rejects it. */
export async function compileVegaLite(name: string, spec: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { vegaLite } = await load();
  try {
    return vegaLite.compile(spec as never).spec as unknown as Record<string, unknown>;
  } catch (error) {
    throw new LlmloadError(ErrorCode.ENGINE, `chart ${name}: vega-lite cannot compile its spec: ${(error as Error).message}`, { cause: error });
  }
}

/** Render a Vega-Lite spec to an SVG document. */
export async function renderSvg(name: string, spec: Record<string, unknown>): Promise<string> {
  const { vega } = await load();
  const compiled = await compileVegaLite(name, spec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } catch (error) {
    throw new LlmloadError(ErrorCode.ENGINE, `chart ${name}: vega cannot render it: ${(error as Error).message}`, { cause: error });
  } finally {
    view.finalize();
  }
}
