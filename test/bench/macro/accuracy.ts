/**
 * Case 2, timing accuracy: the stub sends the first token 100 ms after it has
 * read a request, then one every 20 ms, 64 tokens, on absolute deadlines.
 * At 1, 100, 500 and 1,000 concurrent streams each client reports TTFT and
 * ITL p50/p99; the error is that minus the truth, the truth being the stub's
 * schedule plus its own lateness from GET /stats (first-token lateness for
 * TTFT; for ITL p99, the lateness p99 of any token). llmload's figures come
 * from its --summary-export. Target: llmload's p50 errors within 1 ms of the
 * floor's at 100 streams and within 5 ms at 1,000; an error smaller than the
 * floor's passes too (|llmload error| ≤ |floor error| + tolerance).
 */
import { runClient, type ClientName, type Load } from './clients.js';
import { median } from './processes.js';
import { signed, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub, type StubStats } from './targets.js';

const TTFT_MS = 100;
const ITL_MS = 20;
const TOKENS = 64;
/** Allowed |llmload − floor| of the p50 errors, ms, by concurrency. */
const P50_TOLERANCE_MS: Record<number, number> = { 100: 1, 1000: 5 };

export interface AccuracyMeasure {
  client: ClientName;
  streams: number;
  rep: number;
  ttftP50Err: number;
  ttftP99Err: number;
  itlP50Err: number;
  itlP99Err: number;
  stubFirstLateP50Ms: number;
  stubLateP99Ms: number;
  problem: string | null;
}

export async function accuracyCase(options: CaseOptions, levels: readonly number[] = [1, 100, 500, 1000]): Promise<CaseResult> {
  const stub = await startStub(['--ttft-ms', String(TTFT_MS), '--itl-ms', String(ITL_MS), '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', '1100']);
  const measures: AccuracyMeasure[] = [];
  try {
    for (const streams of levels) {
      // Enough requests per level for stable medians, few enough to stay quick.
      const perStream = streams === 1 ? (options.quick ? 2 : 3) : streams <= 100 ? (options.quick ? 1 : 2) : 1;
      const load: Load = { url: stub.url, streams, perStream, maxTokens: TOKENS, timeoutMs: 60_000 };
      for (let rep = 0; rep < options.reps; rep++) {
        const order: ClientName[] = rep % 2 === 0 ? ['floor', 'llmload'] : ['llmload', 'floor'];
        for (const client of order) {
          await stub.reset();
          const run = await runClient(client, load);
          const stats: StubStats = await stub.stats();
          const firstLate50 = stats.first_late_p50_us_le / 1000;
          const firstLate99 = stats.first_late_p99_us_le / 1000;
          const late99 = stats.late_p99_us_le / 1000;
          const m: AccuracyMeasure = {
            client,
            streams,
            rep,
            ttftP50Err: run.ttftP50 - (TTFT_MS + firstLate50),
            ttftP99Err: run.ttftP99 - (TTFT_MS + firstLate99),
            itlP50Err: run.itlP50 - ITL_MS,
            itlP99Err: run.itlP99 - (ITL_MS + late99),
            stubFirstLateP50Ms: firstLate50,
            stubLateP99Ms: late99,
            problem: run.problem,
          };
          measures.push(m);
          options.log(
            `accuracy ${streams} streams, ${client.padEnd(7)} rep ${rep + 1}: TTFT p50 ${signed(m.ttftP50Err, ' ms')} p99 ${signed(m.ttftP99Err, ' ms')}, ` +
              `ITL p50 ${signed(m.itlP50Err, ' ms')} p99 ${signed(m.itlP99Err, ' ms')} (stub late: first p50 ${firstLate50.toFixed(2)} ms, any p99 ${late99.toFixed(2)} ms)` +
              `${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
          );
        }
      }
    }
  } finally {
    await stub.close();
  }
  return { rows: rows(measures, levels), raw: measures };
}

type ErrKey = 'ttftP50Err' | 'ttftP99Err' | 'itlP50Err' | 'itlP99Err';

export function accuracyRows(caseLabel: string, measures: readonly AccuracyMeasure[], levels: readonly number[], tolerances: Record<number, number>): Row[] {
  const out: Row[] = [];
  const med = (client: ClientName, streams: number, key: ErrKey): number =>
    median(measures.filter((m) => m.client === client && m.streams === streams && m.problem === null).map((m) => m[key]));
  const failed = (client: ClientName, streams: number): string => {
    const n = measures.filter((m) => m.client === client && m.streams === streams && m.problem !== null).length;
    return n === 0 ? '' : ` (${n} failed)`;
  };
  const figures: Array<[ErrKey, string, boolean]> = [
    ['ttftP50Err', 'TTFT p50 − truth', true],
    ['ttftP99Err', 'TTFT p99 − truth', false],
    ['itlP50Err', 'ITL p50 − truth', true],
    ['itlP99Err', 'ITL p99 − truth', false],
  ];
  for (const streams of levels) {
    for (const [key, figure, targeted] of figures) {
      const mine = med('llmload', streams, key);
      const floor = med('floor', streams, key);
      const tolerance = targeted ? tolerances[streams] : undefined;
      out.push({
        case: `${caseLabel}, ${streams} stream${streams > 1 ? 's' : ''}`,
        figure,
        llmload: signed(mine, ' ms') + failed('llmload', streams),
        floor: signed(floor, ' ms') + failed('floor', streams),
        compare: signed(mine - floor, ' ms'),
        target: tolerance === undefined ? '' : `≤ floor's + ${tolerance} ms`,
        // Within the tolerance of the floor, or closer to the truth than the floor.
        verdict: tolerance === undefined ? '' : verdict(Math.abs(mine) <= Math.abs(floor) + tolerance),
      });
    }
  }
  return out;
}

function rows(measures: readonly AccuracyMeasure[], levels: readonly number[]): Row[] {
  return accuracyRows('2 accuracy', measures, levels, P50_TOLERANCE_MS);
}
