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
 *   sequence or per prompt token), 64 tokens, 100 and 1,000 streams. The ITL
 *   truth is 20 ms plus the simulator's step lag (GET /stats); its TTFT has no
 *   exact truth (it depends on where in a step a request lands), so TTFT is
 *   compared between the clients only.
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
        const problem = run.problem ?? (run.chunks === expected ? null : `counted ${run.chunks} chunks, expected ${expected}`);
        const m: SimIngest = { client, rep, cpuPerMChunks: run.process.cpuS / (run.chunks / 1e6), chunksPerS: run.chunksPerS, problem };
        ingest.push(m);
        options.log(`sim ingest ${streams} streams, ${client.padEnd(7)} rep ${rep + 1}: ${fmt(m.cpuPerMChunks)} CPU-s/M chunks, ${fmt(m.chunksPerS / 1000, 0)}k chunks/s${problem ? `  PROBLEM: ${problem}` : ''}`);
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
            itlP99Err: run.itlP99 - (STEP_MS + lag.p99Ms),
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
  const medI = (client: ClientName, key: 'cpuPerMChunks' | 'chunksPerS'): number => median(ingest.filter((m) => m.client === client && m.problem === null).map((m) => m[key]));
  rows.push({
    case: 'sim: ingest, 64 streams',
    figure: 'CPU-s/M chunks; chunks/s',
    llmload: `${fmt(medI('llmload', 'cpuPerMChunks'))}; ${fmt(medI('llmload', 'chunksPerS'), 0)}`,
    floor: `${fmt(medI('floor', 'cpuPerMChunks'))}; ${fmt(medI('floor', 'chunksPerS'), 0)}`,
    compare: `${ratio(medI('llmload', 'cpuPerMChunks'), medI('floor', 'cpuPerMChunks'))}; ${ratio(medI('llmload', 'chunksPerS'), medI('floor', 'chunksPerS'))}`,
    target: '',
    verdict: '',
  });
  const medA = (client: ClientName, streams: number, key: 'ttftP50' | 'itlP50Err' | 'itlP99Err'): number =>
    median(accuracy.filter((m) => m.client === client && m.streams === streams && m.problem === null).map((m) => m[key]));
  for (const streams of levels) {
    for (const [key, figure] of [
      ['ttftP50', 'TTFT p50 (no exact truth)'],
      ['itlP50Err', 'ITL p50 − truth'],
      ['itlP99Err', 'ITL p99 − truth'],
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
