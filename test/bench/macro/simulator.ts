/**
 * The ingest and accuracy cases again, against llmload's own simulator
 * (`llmload sim`, a separate Node process) instead of the Rust stub, for
 * comparison. The simulator is slower than the stub, so its figures say as
 * much about it as about the clients; the ratios still compare llmload with
 * the floor on the same target.
 *
 * - ingest: preset `fast` (a 1 ms decode step: ~1,000 tokens/s per stream),
 *   256-token answers (ignore_eos), 64 streams, 1,024 requests.
 * - accuracy: 20 ms steps whatever the batch (stepBaseMs=20, nothing per
 *   sequence or per prompt token), 64 tokens, 100 and 1,000 streams. ITL is
 *   compared with the 20 ms step (the simulator's own step lag, GET /stats,
 *   is logged: at 1,000 streams it falls behind, and gaps stretch for both
 *   clients alike); its TTFT has no exact truth (it depends on where in a step
 *   a request lands), so TTFT is compared between the clients only.
 */
import { runClient, type ClientName, type Load } from './clients.js';
import { median } from './processes.js';
import { fmt, ratio, signed, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startSim } from './targets.js';

const INGEST_TOKENS = 256;
const STEP_MS = 20;
const ACCURACY_TOKENS = 64;

interface SimIngest {
  client: ClientName;
  rep: number;
  cpuPerMChunks: number;
  /** CPU per M chunks past the fixed cost (see ingest.ts). */
  marginalPerMChunks: number;
  chunksPerS: number;
  problem: string | null;
}

interface SimAccuracy {
  client: ClientName;
  streams: number;
  rep: number;
  ttftP50: number;
  itlP50Err: number;
  itlP99Err: number;
  problem: string | null;
}

export async function simulatorCase(options: CaseOptions): Promise<CaseResult> {
  const ingest: SimIngest[] = [];
  const accuracy: SimAccuracy[] = [];
  const sim = await startSim('fast');
  try {
    const streams = 64;
    const load: Load = { url: sim.url, streams, perStream: options.quick ? 4 : 16, maxTokens: INGEST_TOKENS, timeoutMs: 120_000 };
    const expected = streams * load.perStream * INGEST_TOKENS;
    for (let rep = 0; rep < options.reps; rep++) {
      for (const client of rep % 2 === 0 ? (['floor', 'llmload'] as const) : (['llmload', 'floor'] as const)) {
        const run = await runClient(client, load);
        const small = await runClient(client, { ...load, perStream: 1 });
        const problem = run.problem ?? small.problem ?? (run.chunks === expected ? null : `counted ${run.chunks} chunks, expected ${expected}`);
        const m: SimIngest = {
          client,
          rep,
          cpuPerMChunks: run.process.cpuS / (run.chunks / 1e6),
          marginalPerMChunks: (run.process.cpuS - small.process.cpuS) / ((run.chunks - small.chunks) / 1e6),
          chunksPerS: run.chunksPerS,
          problem,
        };
        ingest.push(m);
        options.log(
          `sim ingest ${streams} streams, ${client.padEnd(7)} rep ${rep + 1}: ${fmt(m.cpuPerMChunks)} CPU-s/M chunks (${fmt(m.marginalPerMChunks)} past the fixed cost), ` +
            `${fmt(m.chunksPerS / 1000, 0)}k chunks/s${problem ? `  PROBLEM: ${problem}` : ''}`,
        );
      }
    }
  } finally {
    await sim.close();
  }
  const paced = await startSim('fast', ['--config', `stepBaseMs=${STEP_MS}`, '--config', 'stepPerSeqMs=0', '--config', 'prefillPerTokenMs=0']);
  const levels = [100, 1000];
  try {
    for (const streams of levels) {
      const load: Load = { url: paced.url, streams, perStream: 1, maxTokens: ACCURACY_TOKENS, timeoutMs: 60_000 };
      for (let rep = 0; rep < options.reps; rep++) {
        for (const client of rep % 2 === 0 ? (['floor', 'llmload'] as const) : (['llmload', 'floor'] as const)) {
          await paced.reset();
          const run = await runClient(client, load);
          const lag = (await paced.stats()).stepLag;
          const m: SimAccuracy = {
            client,
            streams,
            rep,
            ttftP50: run.ttftP50,
            itlP50Err: run.itlP50 - STEP_MS,
            itlP99Err: run.itlP99 - STEP_MS,
            problem: run.problem,
          };
          accuracy.push(m);
          options.log(
            `sim accuracy ${streams} streams, ${client.padEnd(7)} rep ${rep + 1}: TTFT p50 ${fmt(m.ttftP50)} ms, ITL p50 ${signed(m.itlP50Err, ' ms')} p99 ${signed(m.itlP99Err, ' ms')} ` +
              `(step lag p50 ${fmt(lag.p50Ms)} ms, p99 ${fmt(lag.p99Ms)} ms)${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
          );
        }
      }
    }
  } finally {
    await paced.close();
  }
  const rows: Row[] = [];
  const medI = (client: ClientName, key: 'cpuPerMChunks' | 'marginalPerMChunks' | 'chunksPerS'): number =>
    median(ingest.filter((m) => m.client === client && m.problem === null).map((m) => m[key]));
  for (const [key, figure, digits] of [
    ['cpuPerMChunks', 'CPU-s per M chunks', 2],
    ['marginalPerMChunks', 'CPU-s per M chunks past the fixed cost', 2],
    ['chunksPerS', 'chunks/s', 0],
  ] as const) {
    rows.push({
      case: 'sim: ingest, 64 streams',
      figure,
      llmload: fmt(medI('llmload', key), digits),
      floor: fmt(medI('floor', key), digits),
      compare: ratio(medI('llmload', key), medI('floor', key)),
      target: '',
      verdict: '',
    });
  }
  const medA = (client: ClientName, streams: number, key: 'ttftP50' | 'itlP50Err' | 'itlP99Err'): number =>
    median(accuracy.filter((m) => m.client === client && m.streams === streams && m.problem === null).map((m) => m[key]));
  for (const streams of levels) {
    for (const [key, figure] of [
      ['ttftP50', 'TTFT p50 (no exact truth)'],
      ['itlP50Err', 'ITL p50 − 20 ms'],
      ['itlP99Err', 'ITL p99 − 20 ms'],
    ] as const) {
      const mine = medA('llmload', streams, key);
      const floor = medA('floor', streams, key);
      rows.push({
        case: `sim: accuracy, ${streams} streams`,
        figure,
        llmload: key === 'ttftP50' ? `${fmt(mine)} ms` : signed(mine, ' ms'),
        floor: key === 'ttftP50' ? `${fmt(floor)} ms` : signed(floor, ' ms'),
        compare: signed(mine - floor, ' ms'),
        target: '',
        verdict: '',
      });
    }
  }
  return { rows, raw: { ingest, accuracy } };
}
