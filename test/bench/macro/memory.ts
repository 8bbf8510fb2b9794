/**
 * Case 3, memory: RSS per concurrent stream. Each client holds N streams
 * open against the stub (first token after 50 ms, then one every 50 ms, long
 * answers); once the stub sees all N requests streaming, the client's RSS
 * (/proc/PID/status, every thread) is read five times 300 ms apart and the
 * median kept. Bytes per stream = (RSS at N − RSS with 1 stream) / (N − 1).
 * The 1-stream and 1,000-stream runs are stopped after sampling; the 10,000-
 * stream runs go to the end, and must finish without a failed request.
 */
import { startClient, type ClientName, type Load } from './clients.js';
import { median, rssOf, sleep } from './processes.js';
import { fmt, ratio, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub, type StubStats, type Target } from './targets.js';

/** Most RSS per stream allowed, bytes. */
const RSS_TARGET = 64 * 1024;
const ITL_MS = 50;

export interface MemoryMeasure {
  client: ClientName;
  streams: number;
  rep: number;
  rss: number;
  /** Wall time from launch until the stub saw every stream, ms. */
  openMs: number;
  /** For runs taken to their end: what went wrong, or null. */
  problem: string | null;
  finished: boolean;
}

/** Launch, wait until `streams` streams are live at the stub, sample RSS, then stop or finish. */
async function hold(stub: Target<StubStats>, client: ClientName, load: Load, finish: boolean, rep: number): Promise<MemoryMeasure> {
  await stub.reset();
  const { running, result } = startClient(client, load);
  let exited = false;
  void result.then(() => (exited = true));
  const deadline = performance.now() + load.timeoutMs;
  let openMs = Number.NaN;
  while (!exited && performance.now() < deadline) {
    const s = await stub.stats();
    if (s.requests - s.streams_done >= load.streams) {
      openMs = performance.now() - running.spawnedAt;
      break;
    }
    await sleep(100);
  }
  const samples: number[] = [];
  if (!Number.isNaN(openMs)) {
    await sleep(1000);
    for (let i = 0; i < 5 && !exited; i++) {
      samples.push(rssOf(running.pid));
      await sleep(300);
    }
  }
  const measure: MemoryMeasure = { client, streams: load.streams, rep, rss: median(samples), openMs, problem: null, finished: finish };
  if (Number.isNaN(openMs)) measure.problem = `the stub never saw ${load.streams} live streams`;
  if (!finish) {
    running.kill();
    await result;
    return measure;
  }
  const run = await result;
  measure.problem ??= run.problem;
  return measure;
}

export async function memoryCase(options: CaseOptions, levels: readonly number[] = [1000, 10_000]): Promise<CaseResult> {
  const most = Math.max(...levels);
  // Streams last tokens × 50 ms: long enough to open every stream and sample, short enough to finish.
  const tokens = most >= 10_000 ? 200 : 120;
  const stub = await startStub(['--ttft-ms', String(ITL_MS), '--itl-ms', String(ITL_MS), '--tokens', String(tokens), '--ignore-max-tokens', '--prespawn', String(most + 100)]);
  const measures: MemoryMeasure[] = [];
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      const order: ClientName[] = rep % 2 === 0 ? ['floor', 'llmload'] : ['llmload', 'floor'];
      for (const client of order) {
        for (const streams of [1, ...levels]) {
          const load: Load = { url: stub.url, streams, perStream: 1, maxTokens: tokens, timeoutMs: 90_000, raiseFdLimit: true };
          // The largest level runs to its end (no failures allowed); the others stop once sampled.
          const m = await hold(stub, client, load, streams === most, rep);
          measures.push(m);
          options.log(
            `memory ${String(streams).padStart(5)} streams, ${client.padEnd(7)} rep ${rep + 1}: RSS ${fmt(m.rss / 2 ** 20, 1)} MiB, all streams live after ${fmt(m.openMs, 0)} ms` +
              `${m.finished ? (m.problem === null ? ', finished without errors' : '') : ''}${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
          );
        }
      }
    }
  } finally {
    await stub.close();
  }
  return { rows: rows(measures, levels), raw: measures };
}

function rows(measures: readonly MemoryMeasure[], levels: readonly number[]): Row[] {
  const out: Row[] = [];
  const perStream = (client: ClientName, streams: number): number => {
    const values: number[] = [];
    for (const m of measures) {
      if (m.client !== client || m.streams !== streams) continue;
      const base = measures.find((b) => b.client === client && b.rep === m.rep && b.streams === 1);
      if (base !== undefined) values.push((m.rss - base.rss) / (streams - 1));
    }
    return median(values);
  };
  for (const streams of levels) {
    const mine = perStream('llmload', streams);
    const floor = perStream('floor', streams);
    out.push({
      case: `3 memory, ${streams.toLocaleString('en-US')} streams`,
      figure: 'RSS per stream above 1 stream',
      llmload: `${fmt(mine / 1024, 1)} KiB`,
      floor: `${fmt(floor / 1024, 1)} KiB`,
      compare: ratio(mine, floor),
      target: `≤ ${RSS_TARGET / 1024} KiB`,
      verdict: verdict(mine <= RSS_TARGET),
    });
  }
  const finished = (client: ClientName): string => {
    const runs = measures.filter((m) => m.client === client && m.finished);
    return `${runs.filter((m) => m.problem === null).length} of ${runs.length}`;
  };
  const full = measures.filter((m) => m.client === 'llmload' && m.finished);
  out.push({
    case: `3 memory, ${Math.max(...levels).toLocaleString('en-US')} streams`,
    figure: 'runs finished without errors',
    llmload: finished('llmload'),
    floor: finished('floor'),
    compare: '',
    target: 'all',
    verdict: verdict(full.length > 0 && full.every((m) => m.problem === null)),
  });
  return out;
}
