/**
 * A BenchSpec written out as a readable scenario script: what `llmload bench`
 * runs (through `llmload run`'s path, core/run/run-test.ts) and what
 * `--save-script FILE` keeps for version control. One text for both, so the
 * saved script is the workload the command ran.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { BenchDataset, BenchLoad, BenchSpec } from './bench-spec.js';

export interface ScriptPlace {
  /** Folder the script will be in: dataset files are named relative to it (absolute when outside it). */
  scriptDir: string;
  /** Folder relative dataset paths on the command line are taken from. */
  cwd: string;
  /** The command line, quoted in the script's header. */
  command: string;
}

/** The scenario script's source. */
export function renderBenchScript(spec: BenchSpec, place: ScriptPlace): string {
  const dataset = datasetOptions(spec.dataset, spec.seed, place);
  const options: Record<string, unknown> = {};
  const target: Record<string, unknown> = {};
  if (spec.url !== null) target['url'] = spec.url;
  if (spec.model !== null) target['model'] = spec.model;
  if (Object.keys(spec.headers).length > 0) target['headers'] = spec.headers;
  if (Object.keys(target).length > 0) options['target'] = target;
  const simulator: Record<string, unknown> = {};
  if (spec.simPreset !== null) simulator['preset'] = spec.simPreset;
  if (spec.timeScale !== null) simulator['timeScale'] = spec.timeScale;
  if (Object.keys(simulator).length > 0) options['simulator'] = simulator;
  options['scenarios'] = { bench: scenarioOf(spec.load, spec.seed) };
  options['datasets'] = { prompts: dataset };
  if (spec.goodput !== null) options['slo'] = spec.goodput;

  const extra: Record<string, unknown> = { ...(spec.extraBody ?? {}) };
  if (spec.ignoreEos) extra['ignore_eos'] = true;
  const extraText = Object.keys(extra).length === 0 ? '' : literal(extra, 2);
  const call = spec.endpoint === 'chat' ? `vu.chat(item.chat(${extraText}))` : `vu.completion(item.completion(${extraText}))`;

  return [
    `// Written by: ${place.command.replace(/\n/g, ' ')}`,
    `// ${describeLoad(spec.load)}; prompts: ${describeDataset(spec.dataset)}.`,
    '// Run it with `llmload run <this file>` (add --url to point it at a server).',
    "import { dataset } from 'llmload';",
    "import type { Options, VU } from 'llmload';",
    '',
    `export const options: Options = ${literal(options, 0)};`,
    '',
    '// Sequential sampling: every request takes the next prompt, in the same order on every run with this seed.',
    "const prompts = dataset('prompts');",
    '',
    'export default async function (vu: VU) {',
    '  const item = prompts.next(vu);',
    `  await ${call};`,
    '}',
    '',
  ].join('\n');
}

function datasetOptions(dataset: BenchDataset, seed: number, place: ScriptPlace): Record<string, unknown> {
  switch (dataset.kind) {
    case 'random': {
      const prefix = dataset.prefixLen;
      // vLLM's random dataset: a prefix of prefix-len tokens, then input-len tokens of its own.
      const spread = (len: number, extra: number): [number, number] => [
        Math.max(1, Math.floor(len * (1 - dataset.rangeRatio))) + extra,
        Math.ceil(len * (1 + dataset.rangeRatio)) + extra,
      ];
      const [inLo, inHi] = spread(dataset.inputLen, prefix);
      const [outLo, outHi] = spread(dataset.outputLen, 0);
      const synthetic = inLo === inHi && outLo === outHi ? `D(${inLo},${outLo})` : `U(${inLo},${inHi})/(${outLo},${outHi})`;
      return { synthetic, ...(prefix > 0 ? { sharedPrefix: prefix } : {}), seed };
    }
    case 'synthetic':
      return { synthetic: dataset.spec, ...(dataset.prefixLen > 0 ? { sharedPrefix: dataset.prefixLen } : {}), seed };
    case 'sharegpt':
    case 'jsonl': {
      const absolute = resolve(place.cwd, dataset.file);
      const rel = relative(place.scriptDir, absolute);
      const file = rel.startsWith('..') || isAbsolute(rel) ? absolute : `./${rel.split('\\').join('/')}`;
      return { file, format: dataset.kind, ...(dataset.outputLen !== null ? { outputTokens: dataset.outputLen } : {}) };
    }
  }
}

function scenarioOf(load: BenchLoad, seed: number): Record<string, unknown> {
  switch (load.kind) {
    case 'closed':
      return load.duration !== null
        ? { executor: 'constant-vus', vus: load.vus, duration: load.duration }
        : { executor: 'shared-iterations', vus: load.vus, iterations: load.iterations, maxDuration: '1h' };
    case 'sweep':
      return load.duration !== null
        ? { executor: 'concurrency-sweep', levels: load.levels, duration: load.duration }
        : { executor: 'concurrency-sweep', levels: load.levels, iterations: load.iterations, maxDuration: '1h' };
    case 'open':
      return {
        executor: 'constant-arrival-rate',
        rate: load.rate,
        duration: load.duration,
        preAllocatedVUs: load.preAllocatedVus,
        maxVUs: load.maxVus,
        // vLLM's arrivals: Poisson at burstiness 1, gamma gaps otherwise.
        ...(load.burstiness === 1 ? { distribution: 'poisson' } : { distribution: 'gamma', burstiness: load.burstiness }),
        seed,
      };
  }
}

function describeLoad(load: BenchLoad): string {
  switch (load.kind) {
    case 'closed':
      return load.duration !== null ? `${load.vus} concurrent users for ${load.duration}` : `${load.iterations} requests, at most ${load.vus} at once`;
    case 'sweep':
      return `concurrency levels ${load.levels.join(', ')}, ${load.duration !== null ? `${load.duration}` : `${load.iterations} requests`} each`;
    case 'open':
      return `${load.rate} requests/s (${load.burstiness === 1 ? 'Poisson' : `gamma, burstiness ${load.burstiness}`}) for ${load.duration}, at most ${load.maxVus} in flight`;
  }
}

function describeDataset(dataset: BenchDataset): string {
  switch (dataset.kind) {
    case 'random':
      return `random, ${dataset.inputLen} in / ${dataset.outputLen} out, range ratio ${dataset.rangeRatio}${dataset.prefixLen > 0 ? `, shared prefix ${dataset.prefixLen}` : ''}`;
    case 'synthetic':
      return `synthetic ${dataset.spec}`;
    default:
      return `${dataset.kind} ${dataset.file}`;
  }
}

/** A value as a TypeScript literal: keys unquoted where they can be, single-quoted strings (Prettier's style). */
export function literal(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? quote(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, indent)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const flat = `{ ${entries.map(([k, v]) => `${key(k)}: ${literal(v, indent + 2)}`).join(', ')} }`;
  if (flat.length + indent <= 100 && !flat.includes('\n')) return flat;
  return `{\n${entries.map(([k, v]) => `${pad}  ${key(k)}: ${literal(v, indent + 2)},`).join('\n')}\n${pad}}`;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}
