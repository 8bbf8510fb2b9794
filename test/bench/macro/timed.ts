/**
 * The timed ingest case: ingest cost in the shape of a real server, where
 * each token arrives in its own socket read and per-read costs dominate
 * rather than per-event ones. The stub sends 256-token answers at TTFT
 * 100 ms and one token every 10 ms (64 streams) or 20 ms (512 streams, so
 * that the stub's own threads keep to their schedule on two cores). llmload
 * runs its default command (report folder on); the floor is the bare undici
 * loop. Figure: CPU seconds of the whole process (start-up and, for llmload,
 * the report included) per million chunks, the chunks counted by the stub.
 * Target ≤ 1.25× the floor's. Repetitions rotate the order.
 */
import { runClient, type ClientName, type Load } from './clients.js';
import { median } from './processes.js';
import { fmt, ratio, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub } from './targets.js';

const TOKENS = 256;
const CPU_TARGET = 1.25;

/** Per level: the stub's token gap and the requests each stream sends (full, quick). */
const LEVELS: ReadonlyArray<{ streams: number; itlMs: number; perStream: number; quickPerStream: number }> = [
  { streams: 64, itlMs: 10, perStream: 4, quickPerStream: 2 },
  { streams: 512, itlMs: 20, perStream: 2, quickPerStream: 1 },
];

export interface TimedMeasure {
  client: ClientName;
  streams: number;
  itlMs: number;
  rep: number;
  chunks: number;
  cpuS: number;
  cpuPerMChunks: number;
  itlP50: number;
  itlP99: number;
  problem: string | null;
}

export async function timedCase(options: CaseOptions): Promise<CaseResult> {
  const measures: TimedMeasure[] = [];
  for (const level of LEVELS) {
    const stub = await startStub(['--ttft-ms', '100', '--itl-ms', String(level.itlMs), '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', '600']);
    try {
      const load: Load = { url: stub.url, streams: level.streams, perStream: options.quick ? level.quickPerStream : level.perStream, maxTokens: TOKENS, timeoutMs: 120_000 };
      for (let rep = 0; rep < options.reps; rep++) {
        const order: ClientName[] = rep % 2 === 0 ? ['floor', 'llmload'] : ['llmload', 'floor'];
        for (const client of order) {
          await stub.reset();
          const profiled = options.cpuProfDir !== null && client === 'llmload' && rep === 0;
          const run = await runClient(client, {
            ...load,
            ...(client === 'llmload' ? { report: 'default' as const, raiseFdLimit: true } : { raiseFdLimit: true }),
            ...(profiled ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', `${options.cpuProfDir}/timed-${level.streams}`] } : {}),
          });
          const sent = (await stub.stats()).token_chunks;
          let problem = run.problem;
          if (problem === null && run.chunks !== sent) problem = `counted ${run.chunks} chunks of ${sent} sent`;
          const m: TimedMeasure = {
            client,
            streams: level.streams,
            itlMs: level.itlMs,
            rep,
            chunks: sent,
            cpuS: run.process.cpuS,
            cpuPerMChunks: run.process.cpuS / (sent / 1e6),
            itlP50: run.itlP50,
            itlP99: run.itlP99,
            problem,
          };
          // A profiled run is slower: keep it out of the figures.
          if (!profiled) measures.push(m);
          options.log(
            `timed ${level.streams} streams, ITL ${level.itlMs} ms, ${client.padEnd(7)} rep ${rep + 1}: ${fmt(m.cpuS, 2)} CPU-s for ${m.chunks} chunks, ` +
              `${fmt(m.cpuPerMChunks)} CPU-s/M chunks, ITL p50 ${fmt(m.itlP50)} p99 ${fmt(m.itlP99)} ms${profiled ? ' (profiled, not counted)' : ''}${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
          );
        }
      }
    } finally {
      await stub.close();
    }
  }
  const rows: Row[] = [];
  for (const level of LEVELS) {
    const med = (client: ClientName, key: 'cpuPerMChunks' | 'chunks'): number =>
      median(measures.filter((m) => m.client === client && m.streams === level.streams && m.problem === null).map((m) => m[key]));
    const failed = (client: ClientName): string => {
      const bad = measures.filter((m) => m.client === client && m.streams === level.streams && m.problem !== null).length;
      return bad === 0 ? '' : ` (${bad} failed run${bad > 1 ? 's' : ''})`;
    };
    const cpu = med('llmload', 'cpuPerMChunks');
    const floorCpu = med('floor', 'cpuPerMChunks');
    rows.push({
      case: `timed, ${level.streams} streams, ITL ${level.itlMs} ms`,
      figure: `CPU-s per M chunks, report on (${fmt(med('floor', 'chunks') / 1000, 0)}k chunks)`,
      llmload: fmt(cpu) + failed('llmload'),
      floor: fmt(floorCpu) + failed('floor'),
      compare: ratio(cpu, floorCpu),
      target: `≤ ${CPU_TARGET}×`,
      verdict: verdict(Number.isFinite(cpu / floorCpu) ? cpu / floorCpu <= CPU_TARGET : false),
    });
  }
  return { rows, raw: measures };
}
