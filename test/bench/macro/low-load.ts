/**
 * The low-load cases, in the shape of a real server (one token per socket
 * read, tens of milliseconds apart), llmload running its default command
 * (`llmload run` with its default report folder) against the floor and, where
 * Debian's python3-aiohttp is installed, the Python peer (a vLLM-style
 * aiohttp client):
 *
 * - low-load: 100 requests (96 at 16 streams, so that every stream sends as
 *   many) of 128 tokens at 4 and 16 streams, the stub at TTFT 100 ms and
 *   ITL 20 ms. Whole-process CPU (user + system, every thread, getrusage at
 *   exit) and peak RSS. Target: llmload at most the floor's + 0.3 CPU-s and
 *   + 40 MB. llmload also runs without its report (`--no-report`, no results
 *   file), so that the rows say how much of its cost is the run and how much
 *   the report.
 * - idle: 1 stream, tokens 200 ms apart: CPU per second of wall time while
 *   the stream only waits, read from /proc (every thread's schedstat) over a
 *   window that starts after start-up and ends before the answer does, so
 *   neither start-up nor the report is in it. Target ≤ 1.2× the floor's.
 *
 * Repetitions rotate the order of the clients.
 */
import { runClient, startClient, type ClientName, type Load } from './clients.js';
import { cpuNsOf, median, peerIsAvailable, sleep, SYSTEM_PYTHON } from './processes.js';
import { fmt, ratio, signed, verdict, type CaseOptions, type CaseResult, type Row } from './report.js';
import { startStub } from './targets.js';

const TTFT_MS = 100;
const ITL_MS = 20;
const TOKENS = 128;
/** llmload's allowance over the floor at low load. */
const CPU_ALLOWANCE_S = 0.3;
const RSS_ALLOWANCE_MB = 40;
/** Idle CPU per wall second, at most this many times the floor's. */
const IDLE_TARGET = 1.2;
const IDLE_ITL_MS = 200;

const MB = 1024 * 1024;

/** A client of the low-load case: llmload's default command, llmload without its report, the floor, the peer. */
type LowLoadClient = ClientName | 'llmload-no-report';

/** The clients of the idle case, the peer only where it can run. */
function clients(log: (line: string) => void): ClientName[] {
  if (peerIsAvailable()) return ['llmload', 'floor', 'peer'];
  log(`the Python peer is skipped: ${SYSTEM_PYTHON} cannot import aiohttp (apt-get install python3-aiohttp)`);
  return ['llmload', 'floor'];
}

/** The clients in the order of repetition `rep`, rotated. */
function rotated<T>(list: readonly T[], rep: number): T[] {
  return list.map((_, i) => list[(i + rep) % list.length]!);
}

function loadOf(client: ClientName, load: Load): Load {
  return client === 'llmload' ? { ...load, report: 'default' } : load;
}

/** Run one low-load client to its end. */
function runLowLoadClient(client: LowLoadClient, load: Load): ReturnType<typeof runClient> {
  if (client === 'llmload-no-report') return runClient('llmload', { ...load, report: false, outputs: false });
  return runClient(client, loadOf(client, load));
}

export interface LowLoadMeasure {
  client: LowLoadClient;
  streams: number;
  rep: number;
  cpuS: number;
  maxRssMb: number;
  problem: string | null;
}

export async function lowLoadCase(options: CaseOptions, levels: readonly number[] = [4, 16]): Promise<CaseResult> {
  const list: LowLoadClient[] = clients((line) => options.log(line));
  list.splice(1, 0, 'llmload-no-report');
  const stub = await startStub(['--ttft-ms', String(TTFT_MS), '--itl-ms', String(ITL_MS), '--tokens', String(TOKENS), '--ignore-max-tokens', '--prespawn', '64']);
  const measures: LowLoadMeasure[] = [];
  try {
    for (const streams of levels) {
      const requests = options.quick ? 32 : 100;
      const perStream = Math.max(1, Math.round(requests / streams));
      const load: Load = { url: stub.url, streams, perStream, maxTokens: TOKENS, timeoutMs: 180_000 };
      for (let rep = 0; rep < options.reps; rep++) {
        for (const client of rotated(list, rep)) {
          await stub.reset();
          const profiled = options.cpuProfDir !== null && client === 'llmload' && rep === 0;
          const profile = profiled ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', `${options.cpuProfDir}/low-load-${streams}`] } : {};
          const run = await runLowLoadClient(client, { ...load, ...profile });
          const sent = (await stub.stats()).token_chunks;
          let problem = run.problem;
          if (problem === null && run.chunks !== sent) problem = `counted ${run.chunks} chunks of ${sent} sent`;
          const m: LowLoadMeasure = { client, streams, rep, cpuS: run.process.cpuS, maxRssMb: run.process.maxRss / MB, problem };
          // A profiled run is slower: keep it out of the figures.
          if (!profiled) measures.push(m);
          options.log(
            `low-load ${streams} streams × ${perStream}, ${client.padEnd(17)} rep ${rep + 1}: ${fmt(m.cpuS, 3)} CPU-s, peak RSS ${fmt(m.maxRssMb, 0)} MB` +
              `${profiled ? ' (profiled, not counted)' : ''}${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
          );
        }
      }
    }
  } finally {
    await stub.close();
  }
  return { rows: lowLoadRows(measures, levels, options.quick), raw: measures };
}

function lowLoadRows(measures: readonly LowLoadMeasure[], levels: readonly number[], quick: boolean): Row[] {
  const out: Row[] = [];
  const med = (client: LowLoadClient, streams: number, key: 'cpuS' | 'maxRssMb'): number =>
    median(measures.filter((m) => m.client === client && m.streams === streams && m.problem === null).map((m) => m[key]));
  const failed = (client: LowLoadClient, streams: number): string => {
    const bad = measures.filter((m) => m.client === client && m.streams === streams && m.problem !== null).length;
    return bad === 0 ? '' : ` (${bad} failed run${bad > 1 ? 's' : ''})`;
  };
  // Single runs move by tenths of a CPU-second on a shared machine: the spread says how far a median can be trusted.
  const spread = (client: LowLoadClient, streams: number): string => {
    const values = measures.filter((m) => m.client === client && m.streams === streams && m.problem === null).map((m) => m.cpuS);
    return values.length < 2 ? '' : ` (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`;
  };
  const withPeer = measures.some((m) => m.client === 'peer');
  for (const streams of levels) {
    const requests = streams * Math.max(1, Math.round((quick ? 32 : 100) / streams));
    const label = `low-load, ${streams} streams × ${requests} req`;
    const cpu = med('llmload', streams, 'cpuS');
    const floorCpu = med('floor', streams, 'cpuS');
    const rss = med('llmload', streams, 'maxRssMb');
    const floorRss = med('floor', streams, 'maxRssMb');
    out.push({
      case: label,
      figure: 'CPU-s, whole process (median, and the range of the runs)',
      llmload: fmt(cpu) + spread('llmload', streams) + failed('llmload', streams),
      floor: fmt(floorCpu) + spread('floor', streams) + failed('floor', streams),
      compare: signed(cpu - floorCpu, ' s'),
      target: `≤ floor + ${CPU_ALLOWANCE_S} s`,
      verdict: verdict(Number.isFinite(cpu - floorCpu) ? cpu - floorCpu <= CPU_ALLOWANCE_S : false),
    });
    // Where the cost over the floor is: the run itself, or the report built after it.
    const runCpu = med('llmload-no-report', streams, 'cpuS');
    out.push({
      case: label,
      figure: 'CPU-s, llmload --no-report (the run alone); compare: the run, then the report (default − --no-report)',
      llmload: fmt(runCpu) + spread('llmload-no-report', streams) + failed('llmload-no-report', streams),
      floor: fmt(floorCpu),
      compare: `run ${signed(runCpu - floorCpu, ' s')}; report ${signed(cpu - runCpu, ' s')}`,
      target: '',
      verdict: verdict(null),
    });
    out.push({
      case: label,
      figure: 'peak RSS',
      llmload: `${fmt(rss, 0)} MB`,
      floor: `${fmt(floorRss, 0)} MB`,
      compare: signed(rss - floorRss, ' MB', 0),
      target: `≤ floor + ${RSS_ALLOWANCE_MB} MB`,
      verdict: verdict(Number.isFinite(rss - floorRss) ? rss - floorRss <= RSS_ALLOWANCE_MB : false),
    });
    if (withPeer) {
      const peerCpu = med('peer', streams, 'cpuS');
      const peerRss = med('peer', streams, 'maxRssMb');
      out.push({
        case: label,
        figure: 'CPU-s; peak RSS — floor column: Python peer',
        llmload: `${fmt(cpu)}; ${fmt(rss, 0)} MB`,
        floor: `${fmt(peerCpu)}; ${fmt(peerRss, 0)} MB${failed('peer', streams)}`,
        compare: `${ratio(cpu, peerCpu)}; ${ratio(rss, peerRss)}`,
        target: '< peer',
        verdict: verdict(Number.isFinite(peerCpu) && Number.isFinite(peerRss) ? cpu < peerCpu && rss < peerRss : null),
      });
    }
  }
  return out;
}

export interface IdleMeasure {
  client: ClientName;
  rep: number;
  /** CPU ms per wall second over the window. */
  cpuMsPerS: number;
  windowS: number;
  /** The whole run, start-up and (llmload) report included. */
  cpuS: number;
  problem: string | null;
}

export async function idleCase(options: CaseOptions): Promise<CaseResult> {
  const list = clients((line) => options.log(line));
  // One answer of `tokens` tokens; the window runs from the stub's writing token `from` to its writing token `to`,
  // so it starts well after start-up (however long that takes on a busy machine) and ends before the answer does.
  const tokens = options.quick ? 35 : 60;
  const window = { from: 5, to: tokens - 5 };
  const stub = await startStub(['--ttft-ms', String(TTFT_MS), '--itl-ms', String(IDLE_ITL_MS), '--tokens', String(tokens), '--ignore-max-tokens']);
  const measures: IdleMeasure[] = [];
  try {
    const load: Load = { url: stub.url, streams: 1, perStream: 1, maxTokens: tokens, timeoutMs: 60_000 };
    for (let rep = 0; rep < options.reps; rep++) {
      for (const client of rotated(list, rep)) {
        await stub.reset();
        const { running, result } = startClient(client, loadOf(client, load));
        const exited = result.then(() => true);
        const reached = async (chunks: number): Promise<boolean> => {
          while ((await stub.stats()).token_chunks < chunks) if (await Promise.race([exited, sleep(20).then(() => false)])) return false;
          return true;
        };
        let cpu0 = Number.NaN;
        let cpu1 = Number.NaN;
        let t0 = Number.NaN;
        let t1 = Number.NaN;
        if (await reached(window.from)) {
          cpu0 = cpuNsOf(running.pid);
          t0 = performance.now();
          if (await reached(window.to)) {
            cpu1 = cpuNsOf(running.pid);
            t1 = performance.now();
          }
        }
        const run = await result;
        const stats = await stub.stats();
        let problem = run.problem;
        if (problem === null && stats.streams_done !== 1) problem = 'the answer was not complete';
        if (problem === null && Number.isNaN(cpu1 - cpu0)) problem = 'exited before the window ended';
        const m: IdleMeasure = { client, rep, cpuMsPerS: (cpu1 - cpu0) / 1e6 / ((t1 - t0) / 1000), windowS: (t1 - t0) / 1000, cpuS: run.process.cpuS, problem };
        measures.push(m);
        options.log(
          `idle ${client.padEnd(7)} rep ${rep + 1}: ${fmt(m.cpuMsPerS, 1)} CPU-ms per s over ${fmt(m.windowS, 1)} s; whole run ${fmt(m.cpuS, 3)} CPU-s` +
            `${m.problem ? `  PROBLEM: ${m.problem}` : ''}`,
        );
      }
    }
  } finally {
    await stub.close();
  }
  const med = (client: ClientName, key: 'cpuMsPerS' | 'cpuS'): number => median(measures.filter((m) => m.client === client && m.problem === null).map((m) => m[key]));
  const label = `idle, 1 stream, ITL ${IDLE_ITL_MS} ms`;
  const idle = med('llmload', 'cpuMsPerS');
  const floorIdle = med('floor', 'cpuMsPerS');
  const rows: Row[] = [
    {
      case: label,
      figure: 'CPU-ms per wall second, waiting',
      llmload: fmt(idle, 1),
      floor: fmt(floorIdle, 1),
      compare: ratio(idle, floorIdle),
      target: `≤ ${IDLE_TARGET}×`,
      verdict: verdict(Number.isFinite(idle / floorIdle) ? idle / floorIdle <= IDLE_TARGET : false),
    },
    {
      case: label,
      figure: `CPU-s of the whole run (${fmt(0.1 + ((tokens - 1) * IDLE_ITL_MS) / 1000, 1)} s answer)`,
      llmload: fmt(med('llmload', 'cpuS'), 3),
      floor: fmt(med('floor', 'cpuS'), 3),
      compare: signed(med('llmload', 'cpuS') - med('floor', 'cpuS'), ' s', 3),
      target: '',
      verdict: '',
    },
  ];
  if (measures.some((m) => m.client === 'peer')) {
    const peerIdle = med('peer', 'cpuMsPerS');
    rows.push({
      case: label,
      figure: 'CPU-ms per wall second — floor column: Python peer',
      llmload: fmt(idle, 1),
      floor: fmt(peerIdle, 1),
      compare: ratio(idle, peerIdle),
      target: '',
      verdict: '',
    });
  }
  return { rows, raw: measures };
}
