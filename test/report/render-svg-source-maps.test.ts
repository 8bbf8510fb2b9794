/**
 * The CLI maps stack traces through source maps, which makes Node read and
 * parse every loaded module's map; vega's packages ship megabytes of them.
 * Rendering a chart loads vega without them and leaves mapping as it was.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findSourceMap } from 'node:module';
import { renderSvg } from '../../core/report/render-svg.js';

test('rendering a chart loads vega and vega-lite without their source maps, and source maps stay on', async () => {
  process.setSourceMapsEnabled(true);
  const svg = await renderSvg('bars', {
    data: { values: [{ a: 'x', b: 1 }] },
    mark: 'bar',
    encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
  });
  assert.match(svg, /^<svg/);
  assert.ok(process.sourceMapsEnabled);
  for (const name of ['vega-lite', 'vega-dataflow', 'vega-parser']) {
    const url = import.meta.resolve(name);
    assert.is(findSourceMap(url), undefined, `${name} (${url}) was loaded with its source map`);
  }
});

test.run();
