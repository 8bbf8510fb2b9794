// A step of `npm run build`, after tsc: bundles the command (dist/bin/cli.js) and the worker thread's entry
// (dist/core/workers/worker-entry.js) into dist/bundled/, one CommonJS file each.
// Node 20 loads ES modules one file at a time (resolve, read, compile, link): the ~300 modules a run loads cost
// ~100 ms of start-up in the controller and again in every worker thread; a few bundled files cost a fraction.
// CommonJS, not ES modules: Node 20 gives an ES module no V8 code cache, and compiling the bundle was most of
// what was left (core/loading/load-bundle.ts loads them with one).
//
// Every module keeps its own import.meta.url: it is rewritten to the module's compiled file, so paths a module
// finds beside itself (package.json, the simulator's worker, the dsl entry scripts import, createRequire) are
// the same bundled or not. import.meta.resolve resolves as require.resolve does. Packages that find files beside
// themselves at run time (esbuild's binary, piscina's worker, vega's bundles read with a code cache) stay external;
// undici's Client and Pool and hdr-histogram-js's two histogram classes are bundled, so their modules load from the
// bundle's code cache instead of one file at a time (hdr-histogram-js's index, only for encoding, loads by
// createRequire when used).
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/bundled', import.meta.url));

/** Defined at the top of each bundle (a module's own `require` may be shadowed by its code: yargs-parser's is). */
const BUNDLE_URL = '__llmloadBundleUrl';
const BUNDLE_RESOLVE = '__llmloadBundleResolve';
const banner = `var ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href, ${BUNDLE_RESOLVE} = (specifier) => require('node:url').pathToFileURL(require.resolve(specifier)).href;`;

/** import.meta.url → the URL of the file the code came from, relative to the bundle it lands in. */
const ownFileUrl = {
  name: 'own-file-url',
  setup(build) {
    build.onLoad({ filter: /\.m?js$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.')) return undefined;
      const fromBundle = relative(outdir, args.path).split('\\').join('/');
      return {
        contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, ${BUNDLE_URL}).href`).replaceAll('import.meta.resolve', BUNDLE_RESOLVE),
        loader: 'js',
      };
    });
  },
};

/**
 * string-width (yargs and cliui measure text with it to lay out --help) makes an Intl.Segmenter when its module
 * loads: ~15 ms of every start, for a help text most runs never print. Its importers get a stand-in that loads
 * the real module (the version each importer resolves) on the first call: a require() of an ES module in the
 * bundle, which esbuild initialises then.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: `let real;\nexport default function stringWidth(text, options) {\n  real ??= require(${JSON.stringify(args.path)}).default;\n  return real(text, options);\n}\n`,
      loader: 'js',
      resolveDir: root,
    }));
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
  // Licence comments of bundled packages (undici's) in <bundle>.LEGAL.txt: they are not ASCII, and the bundles must be.
  legalComments: 'linked',
  minifySyntax: true,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  banner: { js: banner },
  platform: 'node',
  target: 'node20',
  // Node 20's V8 has RegExp's v flag: such a literal stays a literal, compiled when first used, not a
  // new RegExp() compiled when its module loads.
  supported: { 'regexp-set-notation': true },
  external: ['esbuild', 'piscina', 'vega', 'vega-lite', 'vega-embed', '@huggingface/*'],
  // The worker pool starts the bundled worker entry (core/run/worker-threads.ts), through its loader.
  define: {
    LLMLOAD_BUNDLED_WORKER_ENTRY: JSON.stringify(
      relative(fileURLToPath(new URL('../dist/core/run/', import.meta.url)), fileURLToPath(new URL('../dist/core/loading/worker-bundle.js', import.meta.url))),
    ),
  },
  // Linked maps, composed with tsc's: stack traces name TypeScript lines where maps are on (bin/cli.ts).
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  plugins: [ownFileUrl, lazyStringWidth],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(
  `bundled ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.cjs')).length} files (${(bytes / 1024 / 1024).toFixed(1)} MiB with maps) in ${relative(root, outdir)}`,
);
