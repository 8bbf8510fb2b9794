/**
 * Case 4, start-up: wall time from launching the client (just before
 * spawn()) to the first request reaching the server, on one clock: the
 * server is a tiny recorder in this process. A one-request script. llmload's
 * first request is the controller's preflight GET /v1/models (before any
 * worker starts); then the workers start, open their connections (more GETs)
 * and send the measured POST: the "first POST" figure, which the target is
 * about. The floor's first request is its connection-opening GET. Also the
 * CPU the whole one-request run costs (the fixed part of the ingest figures),
 * llmload running its default command (the report folder written at the end).
 */
import { startClient, type ClientName, type Load } from './clients.js';
import { median } from './processes.js';
import { fmt, ratio, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startArrivalRecorder } from './targets.js';

/** First measured request within this long of launch, ms. */
const STARTUP_TARGET_MS = 400;

export interface StartupMeasure {
  client: ClientName;
  rep: number;
  firstMs: number;
  firstPostMs: number;
  wallMs: number;
  cpuS: number;
  problem: string | null;
}

export async function startupCase(options: CaseOptions): Promise<CaseResult> {
  const recorder = await startArrivalRecorder();
  const measures: StartupMeasure[] = [];
  const reps = Math.max(options.reps, 5);
  try {
    for (let rep = 0; rep < reps; rep++) {
      const order: ClientName[] = rep % 2 === 0 ? ['floor', 'llmload'] : ['llmload', 'floor'];
      for (const client of order) {
        recorder.clear();
        // llmload as users run it (its default report folder written at the end); the floor writes nothing.
        const load: Load = {
          url: recorder.url,
          streams: 1,
          perStream: 1,
          maxTokens: 3,
          timeoutMs: 20_000,
          outputs: false,
          ...(client === 'llmload' ? { report: 'default' as const } : {}),
        };
        const { running, result } = startClient(client, load);
        const run = await result;
        const { first, firstPost } = recorder.arrivals;
        const m: StartupMeasure = {
          client,
          rep,
          firstMs: first === null ? Number.NaN : first - running.spawnedAt,
          firstPostMs: firstPost === null ? Number.NaN : firstPost - running.spawnedAt,
          wallMs: run.process.wallMs,
          cpuS: run.process.cpuS,
          problem: run.problem,
        };
        measures.push(m);
        options.log(
          `startup ${client.padEnd(7)} rep ${rep + 1}: first request ${fmt(m.firstMs, 0)} ms, first POST ${fmt(m.firstPostMs, 0)} ms, exit ${fmt(m.wallMs, 0)} ms, ` +
            `${fmt(m.cpuS, 3)} CPU-s${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
        );
      }
    }
  } finally {
    await recorder.close();
  }
  const med = (client: ClientName, key: 'firstMs' | 'firstPostMs' | 'wallMs' | 'cpuS'): number =>
    median(measures.filter((m) => m.client === client && m.problem === null).map((m) => m[key]));
  const row = (figure: string, key: 'firstMs' | 'firstPostMs' | 'wallMs' | 'cpuS', unit: string, digits: number, target: string, ok: boolean | null): Row => ({
    case: '4 start-up, 1 request',
    figure,
    llmload: `${fmt(med('llmload', key), digits)}${unit}`,
    floor: `${fmt(med('floor', key), digits)}${unit}`,
    compare: ratio(med('llmload', key), med('floor', key)),
    target,
    verdict: verdict(ok),
  });
  const firstPost = med('llmload', 'firstPostMs');
  const rows: Row[] = [
    row('launch → first request (a GET)', 'firstMs', ' ms', 0, '', null),
    row('launch → first POST', 'firstPostMs', ' ms', 0, `≤ ${STARTUP_TARGET_MS} ms`, firstPost <= STARTUP_TARGET_MS),
    row('launch → exit', 'wallMs', ' ms', 0, '', null),
    row('CPU of the whole run', 'cpuS', ' s', 3, '', null),
  ];
  return { rows, raw: measures };
}
