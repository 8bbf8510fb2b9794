/**
 * Turns a scenario script (TypeScript or JavaScript, ESM, with local imports)
 * into one ES module file that the controller and every worker import.
 *
 * `import … from 'llmload'` is not bundled: it is rewritten to the absolute
 * URL of this package's dsl entry and left external, so the script, the
 * controller and the workers share one copy of the dsl module per thread (the
 * worker registers its runtime in that copy's realm). Node built-ins stay
 * external; npm packages the script imports are bundled.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as esbuild from 'esbuild';
import { ErrorCode, LlmloadError } from '../errors.js';
import { keepBundle, readKeptBundle, type BuildInput } from './bundle-cache.js';
import { usesScriptContext } from './script-context-use.js';

let esbuildModule: typeof esbuild | undefined;

/**
 * esbuild, loaded when a script is built (not when its kept bundle is used: bundle-cache.ts); by require(), not
 * import: importing a CommonJS package from an ES module first scans its source for its exports (~20 ms for esbuild's).
 */
function loadEsbuild(): typeof esbuild {
  esbuildModule ??= createRequire(import.meta.url)('esbuild') as typeof esbuild;
  return esbuildModule;
}

/** Builds running now: the esbuild service stops when the last one ends, not under another's feet. */
let buildsInFlight = 0;

/** Absolute URL of the compiled dsl entry (dist/dsl/index.js). */
const dslEntryUrl = new URL('../../dsl/index.js', import.meta.url).href;

export interface BundledScript {
  /** Absolute path of the script as given. */
  scriptPath: string;
  /** file: URL of the bundled module, importable from any thread. */
  bundleUrl: string;
  /** Whether it imports dsl functions that find their VU across awaits (script-context-use.ts). */
  usesScriptContext: boolean;
  /** Remove the temporary bundle. */
  dispose(): Promise<void>;
}

/**
 * Bundle `scriptPath`, or take its bundle from the last run when nothing it was built from changed
 * (bundle-cache.ts); throws LL_ERR_SCRIPT_BUILD with esbuild's located messages.
 */
export async function bundleScript(scriptPath: string): Promise<BundledScript> {
  const absolute = resolve(scriptPath);
  let text = existsSync(absolute) ? readKeptBundle(absolute, dslEntryUrl) : undefined;
  if (text === undefined) {
    const startedAtMs = Date.now();
    const { output, inputs } = await build(scriptPath, llmloadExternal, { metafile: true });
    text = output.text;
    await keepBundle(absolute, dslEntryUrl, text, inputs, process.cwd(), startedAtMs);
  }
  const dir = await mkdtemp(join(tmpdir(), 'llmload-'));
  const file = join(dir, 'script.mjs');
  await writeFile(file, text);
  return {
    scriptPath: absolute,
    bundleUrl: pathToFileURL(file).href,
    usesScriptContext: usesScriptContext(text, dslEntryUrl),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The bundle as text to run on another machine (a Kubernetes ConfigMap): the
 * same build, with `import 'llmload'` left as it is, so `llmload run` there
 * binds it to its own copy of the package.
 */
export async function bundleScriptSource(scriptPath: string): Promise<{ scriptPath: string; text: string }> {
  // Paths in the bundle (its comments, its source map) relative to the script's folder: none of this machine's folders travel with it.
  // Without the sources' text in the source map: stack traces still name the script's lines, at half the size.
  const { absolute, output } = await build(scriptPath, llmloadBare, { absWorkingDir: dirname(resolve(scriptPath)), sourcesContent: false });
  return { scriptPath: absolute, text: output.text };
}

async function build(
  scriptPath: string,
  llmload: esbuild.Plugin,
  extra: esbuild.BuildOptions = {},
): Promise<{ absolute: string; output: esbuild.OutputFile; inputs: Record<string, BuildInput> }> {
  const absolute = resolve(scriptPath);
  if (!existsSync(absolute)) {
    throw new LlmloadError(ErrorCode.SCRIPT_BUILD, `script not found: ${scriptPath}`, {
      hint: 'pass the path of a .ts or .js scenario script, e.g. examples/quickstart.ts',
    });
  }
  let result: esbuild.BuildResult<{ write: false }>;
  const { build: esbuildBuild, stop: esbuildStop } = loadEsbuild();
  buildsInFlight++;
  try {
    result = await esbuildBuild({
      entryPoints: [absolute],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [llmload],
      ...extra,
    });
  } catch (error) {
    throw buildError(absolute, error);
  } finally {
    // esbuild's service process outlives the build and pings this process every second for the
    // whole run (~15 MB and a wake-up each time); a later build starts it again.
    if (--buildsInFlight === 0) await esbuildStop();
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new LlmloadError(ErrorCode.SCRIPT_BUILD, `esbuild produced no output for ${scriptPath}`);
  return { absolute, output, inputs: result.metafile?.inputs ?? {} };
}

/** Resolve 'llmload' (and 'llmload/…' type-only paths) to this package's dsl, left external. */
const llmloadExternal: esbuild.Plugin = {
  name: 'llmload-external',
  setup(build) {
    build.onResolve({ filter: /^llmload$/ }, () => ({ path: dslEntryUrl, external: true }));
  },
};

/** 'llmload' left external under its own name, for a bundle run elsewhere. */
const llmloadBare: esbuild.Plugin = {
  name: 'llmload-bare',
  setup(build) {
    build.onResolve({ filter: /^llmload$/ }, () => ({ path: 'llmload', external: true }));
  },
};

/** Format esbuild's failure as one LlmloadError, keeping every message's location. */
function buildError(scriptPath: string, error: unknown): LlmloadError {
  const failure = error as Partial<esbuild.BuildFailure>;
  const errors = failure.errors ?? [];
  if (errors.length === 0) {
    return new LlmloadError(ErrorCode.SCRIPT_BUILD, `cannot build ${scriptPath}: ${String(error)}`, { cause: error });
  }
  const details = errors.map(formatMessage);
  const first = errors[0]!;
  const options: ConstructorParameters<typeof LlmloadError>[2] = { details, cause: error };
  if (first.location) {
    options.location = {
      file: first.location.file,
      line: first.location.line,
      column: first.location.column + 1,
      lineText: first.location.lineText,
    };
  }
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}` : scriptPath;
  return new LlmloadError(ErrorCode.SCRIPT_BUILD, `${where}: ${first.text}`, options);
}

/** One esbuild message as `file:line:column: text` plus the source line and a caret. */
export function formatMessage(message: esbuild.Message): string {
  const loc = message.location;
  if (!loc) return message.text;
  const column = loc.column + 1;
  const caret = ' '.repeat(loc.column) + '^'.repeat(Math.max(1, loc.length));
  return `${loc.file}:${loc.line}:${column}: ${message.text}\n    ${loc.lineText}\n    ${caret}`;
}
