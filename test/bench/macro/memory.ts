/**
 * Case 3, memory: RSS per concurrent stream. Each client holds N streams
 * open (one token every 50 ms, long answers); once the server sees all N
 * requests streaming, the client's RSS (/proc/PID/status, every thread) is
 * read five times 300 ms apart and the median kept. Bytes per stream =
 * (RSS at N − RSS with 1 stream on the same server) / (N − 1).
 *
 * 1,000 streams run against the sse-stub. 10,000 run against llmload's
 * simulator (50 ms decode steps, room for 16,384 sequences): the stub is one
 * thread per connection, and 10,000 threads each waking every 50 ms keep the
 * run queue hundreds deep (load average ~850 here), so the client gets a
 * sliver of the CPU and falls seconds behind; its 10,000 threads also come
 * close to the kernel's memory-map limit (vm.max_map_count 65,530). The
 * simulator, one event loop, lags instead (its steps stretch to ~130 ms at
 * 10,000 streams) but holds them all. The 1-stream and 1,000-stream runs are
 * stopped after sampling; the 10,000-stream runs go to the end and must
 * finish without a failed request.
 */
import { startClient, type ClientName, type Load } from './clients.js';
import { median, rssOf, sleep } from './processes.js';
import { fmt, ratio, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startSim, startStub } from './targets.js';

/** Most RSS per stream allowed, bytes. */
const RSS_TARGET = 64 * 1024;
const ITL_MS = 50;

export interface MemoryMeasure {
  client: ClientName;
  server: 'stub' | 'sim';
  streams: number;
  rep: number;
  rss: number;
  /** Wall time from launch until the server saw every stream, ms. */
  openMs: number;
  /** For runs taken to their end: what went wrong, or null. */
  problem: string | null;
  finished: boolean;
}

/** What the memory case needs of a server: zero its counters, and count the streams it is sending. */
interface Server {
  name: 'stub' | 'sim';
  url: string;
  reset(): Promise<void>;
  live(): Promise<number>;
  close(): Promise<void>;
}

/** Launch, wait until `streams` streams are live at the server, sample RSS, then stop or finish. */
async function hold(server: Server, client: ClientName, load: Load, finish: boolean, rep: number): Promise<MemoryMeasure> {
  await server.reset();
  const { running, result } = startClient(client, load);
  let exited = false;
  void result.then(() => (exited = true));
  const deadline = performance.now() + load.timeoutMs;
  let openMs = Number.NaN;
  while (!exited && performance.now() < deadline) {
    if ((await server.live()) >= load.streams) {
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
  const measure: MemoryMeasure = { client, server: server.name, streams: load.streams, rep, rss: median(samples), openMs, problem: null, finished: finish };
  if (Number.isNaN(openMs)) measure.problem = `the ${server.name} never saw ${load.streams} live streams`;
  if (!finish) {
    running.kill();
    await result;
    return measure;
  }
  const run = await result;
  measure.problem ??= run.problem;
  return measure;
}

async function stubServer(streams: number, tokens: number): Promise<Server> {
  const stub = await startStub(['--ttft-ms', String(ITL_MS), '--itl-ms', String(ITL_MS), '--tokens', String(tokens), '--ignore-max-tokens', '--prespawn', String(streams + 100)]);
  return {
    name: 'stub',
    url: stub.url,
    reset: () => stub.reset(),
    live: async () => {
      const s = await stub.stats();
      return s.requests - s.streams_done;
    },
    close: () => stub.close(),
  };
}

async function simServer(): Promise<Server> {
  const sim = await startSim('fast', [
    '--config',
    `stepBaseMs=${ITL_MS}`,
    '--config',
    'stepPerSeqMs=0',
    '--config',
    'prefillPerTokenMs=0',
    '--config',
    'maxNumSeqs=16384',
    '--config',
    'maxWaiting=20000',
  ]);
  return {
    name: 'sim',
    url: sim.url,
    reset: () => sim.reset(),
    live: async () => (await sim.stats()).running,
    close: () => sim.close(),
  };
}

export async function memoryCase(options: CaseOptions): Promise<CaseResult> {
  const measures: MemoryMeasure[] = [];
  // Streams last long enough to open them all and sample, short enough to finish the largest.
  const plan: Array<{ start: () => Promise<Server>; streams: number; tokens: number }> = [
    { start: () => stubServer(1000, 120), streams: 1000, tokens: 120 },
    { start: simServer, streams: 10_000, tokens: 60 },
  ];
  for (const { start, streams, tokens } of plan) {
    const server = await start();
    try {
      for (let rep = 0; rep < options.reps; rep++) {
        const order: ClientName[] = rep % 2 === 0 ? ['floor', 'llmload'] : ['llmload', 'floor'];
        for (const client of order) {
          for (const n of [1, streams]) {
            const load: Load = { url: server.url, streams: n, perStream: 1, maxTokens: tokens, timeoutMs: 90_000, raiseFdLimit: true };
            // The 10,000-stream runs go to their end (no failures allowed); the others stop once sampled.
            const m = await hold(server, client, load, n === 10_000, rep);
            measures.push(m);
            options.log(
              `memory ${String(n).padStart(5)} streams (${server.name}), ${client.padEnd(7)} rep ${rep + 1}: RSS ${fmt(m.rss / 2 ** 20, 1)} MiB, all streams live after ${fmt(m.openMs, 0)} ms` +
                `${m.finished && m.problem === null ? ', finished without errors' : ''}${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
            );
          }
        }
      }
    } finally {
      await server.close();
    }
  }
  return { rows: rows(measures, [1000, 10_000]), raw: measures };
}

function rows(measures: readonly MemoryMeasure[], levels: readonly number[]): Row[] {
  const out: Row[] = [];
  const perStream = (client: ClientName, streams: number): number => {
    const values: number[] = [];
    for (const m of measures) {
      if (m.client !== client || m.streams !== streams) continue;
      const base = measures.find((b) => b.client === client && b.rep === m.rep && b.server === m.server && b.streams === 1);
      if (base !== undefined) values.push((m.rss - base.rss) / (streams - 1));
    }
    return median(values);
  };
  for (const streams of levels) {
    const mine = perStream('llmload', streams);
    const floor = perStream('floor', streams);
    out.push({
      case: `3 memory, ${streams.toLocaleString('en-US')} streams (${streams >= 10_000 ? 'sim' : 'stub'})`,
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
    case: `3 memory, ${Math.max(...levels).toLocaleString('en-US')} streams (sim)`,
    figure: 'runs finished without errors',
    llmload: finished('llmload'),
    floor: finished('floor'),
    compare: '',
    target: 'all',
    verdict: verdict(full.length > 0 && full.every((m) => m.problem === null)),
  });
  return out;
}
