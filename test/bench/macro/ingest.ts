/**
 * Cases 1 and 5, ingest cost and worker scaling: the stub streams 256-token
 * answers as fast as it can (--itl-ms 0) to 64 and 512 concurrent streams,
 * about 2M chunks per run (0.5M with --quick). Figures per client: CPU
 * seconds of the whole process (every thread, start-up included) per million
 * chunks, and chunks per second over its request window. llmload runs with 2
 * workers (the default here) and with 1, all three with --no-report, and once
 * more as its default command (`llmload run` with its default report folder,
 * which holds the raw results, built at the end of the run): the headline
 * figure, what users run, target ≤ 1.25× the floor. The floor is one thread.
 * Repetitions rotate the order of the clients so drift in the machine's load
 * does not always hit the same one. After each floor and llmload run, a
 * small run (one request per stream) gives the fixed part (start-up,
 * connections, ramp), so that the cost per chunk past it can be shown too.
 */
import { runClient, type ClientName, type ClientRun, type Load } from './clients.js';
import { median } from './processes.js';
import { fmt, ratio, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub, type StubStats, type Target } from './targets.js';

const TOKENS = 256;
/** Ingest cost target with --no-report (the earlier target): at most this many times the floor's CPU per chunk. */
const CPU_TARGET = 1.3;
/** Ingest cost target of the default command (report folder on). */
const DEFAULT_COMMAND_TARGET = 1.25;

interface Config {
  label: string;
  client: ClientName;
  workers?: number;
  report?: 'default';
}

const CONFIGS: readonly Config[] = [
  { label: 'floor', client: 'floor' },
  { label: 'llmload', client: 'llmload', workers: 2 },
  { label: 'llmload-1w', client: 'llmload', workers: 1 },
  // `llmload run` as users run it: the default report folder (raw results in it), built at the end.
  { label: 'llmload+rep', client: 'llmload', report: 'default' },
];

export interface IngestMeasure {
  config: string;
  streams: number;
  rep: number;
  chunks: number;
  cpuS: number;
  cpuPerMChunks: number;
  chunksPerS: number;
  /**
   * CPU per million chunks past the fixed cost: (CPU − CPU of a one-request-per-stream run) /
   * (chunks − its chunks), from a second, small run right after (floor and llmload only; else NaN).
   */
  marginalPerMChunks: number;
  problem: string | null;
}

/** One run against the stub; chunks are the stub's own count of token chunks written. */
async function measure(stub: Target<StubStats>, config: Config, load: Load, rep: number): Promise<IngestMeasure> {
  await stub.reset();
  const run: ClientRun = await runClient(config.client, {
    ...load,
    ...(config.workers === undefined ? {} : { workers: config.workers }),
    ...(config.report === undefined ? {} : { report: config.report }),
  });
  const sent = (await stub.stats()).token_chunks;
  let problem = run.problem;
  if (problem === null && run.chunks !== sent) problem = `counted ${run.chunks} chunks of ${sent} sent`;
  let marginalPerMChunks = Number.NaN;
  if (config.label === 'floor' || config.label === 'llmload') {
    await stub.reset();
    const smallLoad: Load = { ...load, perStream: 1, ...(config.workers === undefined ? {} : { workers: config.workers }) };
    delete smallLoad.nodeArgs; // never profiled
    const small = await runClient(config.client, smallLoad);
    const smallChunks = (await stub.stats()).token_chunks;
    if (small.problem === null) marginalPerMChunks = (run.process.cpuS - small.process.cpuS) / ((sent - smallChunks) / 1e6);
    else problem ??= `small run: ${small.problem}`;
  }
  return {
    config: config.label,
    streams: load.streams,
    rep,
    chunks: sent,
    cpuS: run.process.cpuS,
    cpuPerMChunks: run.process.cpuS / (sent / 1e6),
    chunksPerS: run.chunksPerS,
    marginalPerMChunks,
    problem,
  };
}

export async function ingestCase(options: CaseOptions, levels: readonly number[] = [64, 512]): Promise<CaseResult> {
  const requests = options.quick ? 2048 : 8192;
  const stub = await startStub(['--itl-ms', '0', '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', '600']);
  const measures: IngestMeasure[] = [];
  try {
    for (const streams of levels) {
      const load: Load = { url: stub.url, streams, perStream: Math.ceil(requests / streams), maxTokens: TOKENS, timeoutMs: 120_000 };
      for (let rep = 0; rep < options.reps; rep++) {
        // Rotate the order each repetition.
        const configs = CONFIGS;
        const order = configs.map((_, i) => configs[(i + rep) % configs.length]!);
        for (const config of order) {
          const profiled = options.cpuProfDir !== null && config.label === 'llmload' && rep === 0;
          const m = await measure(stub, config, profiled ? { ...load, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', `${options.cpuProfDir}/ingest-${streams}`] } : load, rep);
          // A profiled run is slower: keep it out of the figures.
          if (!profiled) measures.push(m);
          options.log(
            `ingest ${streams} streams, ${m.config.padEnd(11)} rep ${rep + 1}: ${fmt(m.cpuPerMChunks)} CPU-s/M chunks` +
              `${Number.isNaN(m.marginalPerMChunks) ? '' : ` (${fmt(m.marginalPerMChunks)} past the fixed cost)`}, ${fmt(m.chunksPerS / 1000, 0)}k chunks/s` +
              `${profiled ? ' (profiled, not counted)' : ''}${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
          );
        }
      }
    }
  } finally {
    await stub.close();
  }
  return { rows: rows(measures, levels), raw: measures };
}

function rows(measures: readonly IngestMeasure[], levels: readonly number[]): Row[] {
  const out: Row[] = [];
  const med = (config: string, streams: number, key: 'cpuPerMChunks' | 'chunksPerS' | 'marginalPerMChunks'): number =>
    median(measures.filter((m) => m.config === config && m.streams === streams && m.problem === null).map((m) => m[key]));
  const problems = (config: string, streams: number): string => {
    const bad = measures.filter((m) => m.config === config && m.streams === streams && m.problem !== null);
    return bad.length === 0 ? '' : ` (${bad.length} failed run${bad.length > 1 ? 's' : ''})`;
  };
  for (const streams of levels) {
    const floorCpu = med('floor', streams, 'cpuPerMChunks');
    const floorRate = med('floor', streams, 'chunksPerS');
    const cpu = med('llmload', streams, 'cpuPerMChunks');
    const rate = med('llmload', streams, 'chunksPerS');
    const withReport = med('llmload+rep', streams, 'cpuPerMChunks');
    out.push({
      case: `1 ingest, ${streams} streams`,
      figure: 'CPU-s per M chunks, default command (report on)',
      llmload: fmt(withReport) + problems('llmload+rep', streams),
      floor: fmt(floorCpu) + problems('floor', streams),
      compare: ratio(withReport, floorCpu),
      target: `≤ ${DEFAULT_COMMAND_TARGET}×`,
      verdict: verdict(Number.isFinite(withReport / floorCpu) ? withReport / floorCpu <= DEFAULT_COMMAND_TARGET : false),
    });
    out.push({
      case: `1 ingest, ${streams} streams`,
      figure: 'CPU-s per M chunks, --no-report',
      llmload: fmt(cpu) + problems('llmload', streams),
      floor: fmt(floorCpu) + problems('floor', streams),
      compare: ratio(cpu, floorCpu),
      target: `≤ ${CPU_TARGET}×`,
      verdict: verdict(Number.isFinite(cpu / floorCpu) ? cpu / floorCpu <= CPU_TARGET : false),
    });
    out.push({
      case: `1 ingest, ${streams} streams`,
      figure: 'chunks/s',
      llmload: fmt(rate, 0),
      floor: fmt(floorRate, 0),
      compare: ratio(rate, floorRate),
      target: '',
      verdict: '',
    });
    const marginal = med('llmload', streams, 'marginalPerMChunks');
    const floorMarginal = med('floor', streams, 'marginalPerMChunks');
    out.push({
      case: `1 ingest, ${streams} streams`,
      figure: 'CPU-s per M chunks past the fixed cost',
      llmload: fmt(marginal),
      floor: fmt(floorMarginal),
      compare: ratio(marginal, floorMarginal),
      target: '',
      verdict: '',
    });
  }
  for (const streams of levels) {
    const floorCpu = med('floor', streams, 'cpuPerMChunks');
    const floorRate = med('floor', streams, 'chunksPerS');
    for (const [config, workers] of [
      ['llmload-1w', 1],
      ['llmload', 2],
    ] as const) {
      const cpu = med(config, streams, 'cpuPerMChunks');
      const rate = med(config, streams, 'chunksPerS');
      out.push({
        case: `5 workers=${workers}, ${streams} streams`,
        figure: 'CPU-s/M chunks; chunks/s',
        llmload: `${fmt(cpu)}; ${fmt(rate, 0)}${problems(config, streams)}`,
        floor: `${fmt(floorCpu)}; ${fmt(floorRate, 0)}`,
        compare: `${ratio(cpu, floorCpu)}; ${ratio(rate, floorRate)}`,
        target: '',
        verdict: '',
      });
    }
  }
  return out;
}
