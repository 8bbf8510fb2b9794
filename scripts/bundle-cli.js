// A step of `npm run build`, after tsc: bundles the command (dist/bin/cli.js) and the worker thread's entry
// (dist/core/workers/worker-entry.js) into dist/bundled/, one ES module each plus the chunks they load lazily.
// Node 20 loads ES modules one file at a time (resolve, read, compile, link): the ~300 modules a run loads cost
// ~100 ms of start-up in the controller and again in every worker thread; a few bundled files cost a fraction.
//
// Every module keeps its own import.meta.url: it is rewritten to the module's compiled file, so paths a module
// finds beside itself (package.json, the simulator's worker, the dsl entry scripts import, createRequire) are
// the same bundled or not. Packages that find files beside themselves at run time (esbuild's binary, piscina's
// worker, vega's bundles read with a code cache, undici and hdr-histogram-js loaded by createRequire) stay external.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/bundled', import.meta.url));

/** import.meta.url → the URL of the file the code came from, relative to the bundle it lands in. */
const ownFileUrl = {
  name: 'own-file-url',
  setup(build) {
    build.onLoad({ filter: /\.m?js$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      const fromBundle = relative(outdir, args.path).split('\\').join('/');
      return { contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/bin/cli.js', 'worker-entry': 'dist/core/workers/worker-entry.js' },
  outdir,
  bundle: true,
  // One file each, not split into chunks: a run loaded ~60 chunks, and measured slower to its first request.
  splitting: false,
  // Less to parse at every start (1.5 → 1.1 MiB); names stay, for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['esbuild', 'piscina', 'vega', 'vega-lite', 'undici', 'hdr-histogram-js', 'vega-embed', '@huggingface/*'],
  // The worker pool starts the bundled worker entry (core/run/worker-threads.ts).
  define: { LLMLOAD_BUNDLED_WORKER_ENTRY: JSON.stringify(relative(fileURLToPath(new URL('../dist/core/run/', import.meta.url)), `${outdir}/worker-entry.js`)) },
  // Linked maps, composed with tsc's: stack traces name TypeScript lines where maps are on (bin/cli.ts).
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  plugins: [ownFileUrl],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(
  `bundled ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length} files (${(bytes / 1024 / 1024).toFixed(1)} MiB with maps) in ${relative(root, outdir)}`,
);
