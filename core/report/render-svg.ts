/**
 * Vega-Lite spec → SVG text, headless: vega-lite compiles the spec to Vega,
 * vega parses that into a dataflow (both steps cached by the chart's shape:
 * vega-spec-cache.ts), and a vega View with `renderer: 'none'` renders it
 * with toSVG(). No canvas or other
 * native module is involved (text widths are estimated), so this runs
 * anywhere Node does. Both libraries load on first use only (from their
 * single-file bundles, vega-bundles.ts), keeping them off the start-up path
 * of every other command; vega-lite only when a chart's shape is not cached.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { loadVega, loadVegaLite } from './vega-bundles.js';
import { builtVegaSpec } from './vega-spec-cache.js';

/** Compile a Vega-Lite spec to a Vega spec; throws LL_ERR_ENGINE naming the chart when vega-lite rejects it. */
export async function compileVegaLite(name: string, spec: Record<string, unknown>): Promise<Record<string, unknown>> {
  const vegaLite = await loadVegaLite();
  try {
    return vegaLite.compile(spec as never).spec as unknown as Record<string, unknown>;
  } catch (error) {
    throw new LlmloadError(ErrorCode.ENGINE, `chart ${name}: vega-lite cannot compile its spec: ${(error as Error).message}`, { cause: error });
  }
}

/** Render a Vega-Lite spec to an SVG document. */
export async function renderSvg(name: string, spec: Record<string, unknown>): Promise<string> {
  const vega = await loadVega();
  const dataflow = await builtVegaSpec(spec, async (shape) => vega.parse(await compileVegaLite(name, shape)));
  return renderDataflow(name, dataflow);
}

/** Render a Vega spec to an SVG document. */
export async function renderVegaSvg(name: string, spec: Record<string, unknown>): Promise<string> {
  const vega = await loadVega();
  return renderDataflow(name, vega.parse(spec));
}

/** Render vega's parse of a spec (its dataflow description) to an SVG document. */
async function renderDataflow(name: string, dataflow: unknown): Promise<string> {
  const vega = await loadVega();
  const view = new vega.View(dataflow as ReturnType<typeof vega.parse>, { renderer: 'none' });
  try {
    return await view.toSVG();
  } catch (error) {
    throw new LlmloadError(ErrorCode.ENGINE, `chart ${name}: vega cannot render it: ${(error as Error).message}`, { cause: error });
  } finally {
    view.finalize();
  }
}
