/**
 * The coordinator's side of a split test, set up for run-test.ts: its server
 * (on loopback for `--instances N`, on `--listen` for `--coordinator`), the
 * local runner processes when it starts them itself, the wait for every
 * runner to be ready, the steps of its rate-sweeps and capacity searches
 * (decided on every runner's records, ./step-decisions.ts), and, at the end,
 * what the runners' ends add to the run (their open-loop rows, summed, and
 * the answer of a search that was stopped).
 */
import type { CliIo } from '../run/io.js';
import type { LiveMetrics } from '../run/live-metrics.js';
import type { RunRequest } from '../run/run-test.js';
import type { ResolvedTarget } from '../run/target.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { mergeLoadRows } from '../report/merge-ends.js';
import type { WorkerMsg } from '../workers/messages.js';
import { Coordinator } from './coordinator.js';
import { LocalRunners } from './local-runners.js';
import { RunnerEvents } from './runner-events.js';
import { StepDecisions } from './step-decisions.js';
import type { ScenarioPlan } from '../executors/types.js';

/** Runners report this often (their heartbeat), ms. */
const HEARTBEAT_MS = 500;
/** A runner or coordinator silent this long is lost; LLMLOAD_HEARTBEAT_TIMEOUT_MS changes it (tests shorten it). */
export const HEARTBEAT_TIMEOUT_ENV = 'LLMLOAD_HEARTBEAT_TIMEOUT_MS';
const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Where `--coordinator` listens without `--listen`: every interface, so that pods reach it. */
export const DEFAULT_LISTEN = '0.0.0.0:6565';

export interface FleetSetup {
  request: RunRequest;
  count: number;
  live: LiveMetrics;
  target: ResolvedTarget;
  setupData: unknown;
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
  onMessage: (msg: WorkerMsg) => void;
  /** The whole test's plans on the real clock: the coordinator decides the steps of its rate-sweeps and capacity searches. */
  plans: readonly ScenarioPlan[];
}

export interface Fleet {
  coordinator: Coordinator;
  events: RunnerEvents;
  local: LocalRunners | undefined;
  /** After the load: the runners' rows into the live metrics; returns lines worth showing. */
  end(): string[];
  close(): Promise<void>;
}

export async function coordinatorSetup(setup: FleetSetup): Promise<Fleet> {
  const { request, count, live, target, io } = setup;
  const localRun = request.instances !== undefined && request.coordinator === undefined;
  const { host, port } = parseListen(localRun ? '127.0.0.1:0' : (request.coordinator?.listen ?? DEFAULT_LISTEN));
  const lostAfterMs = Number(setup.env[HEARTBEAT_TIMEOUT_ENV] ?? HEARTBEAT_TIMEOUT_MS) || HEARTBEAT_TIMEOUT_MS;
  const events = new RunnerEvents(live, count);
  // The coordinator exists once the decisions are made, which only happens after its start.
  let started: Coordinator | undefined;
  const decisions = new StepDecisions(setup.plans, live, setup.log, () => performance.now() - (started?.startedAt ?? 0));
  const coordinator = await Coordinator.start({
    count,
    host,
    port,
    // Local runners use the simulator this process started; remote ones resolve their own target.
    handoff: {
      setupData: setup.setupData,
      ...(localRun || target.simulator === undefined ? { url: target.worker.baseUrl } : {}),
      ...(localRun && target.simulator !== undefined ? { timeScale: target.simulator.timeScale } : {}),
      ...(target.model === undefined ? {} : { model: target.model }),
      heartbeatMs: HEARTBEAT_MS,
      lostAfterMs,
    },
    registerTimeoutMs: request.registerTimeoutMs ?? 60_000,
    lostAfterMs,
    log: setup.log,
    onMessage: setup.onMessage,
    onEvent: (index, event) => events.add(index, event),
    decide: (request) => decisions.decide(request),
  });
  started = coordinator;
  setup.log(`coordinator listening on ${coordinator.url} for ${count} runners`);
  let local: LocalRunners | undefined;
  if (localRun) {
    local = new LocalRunners({
      request,
      count,
      coordinatorUrl: coordinator.url,
      cwd: io.cwd,
      env: setup.env,
      stderr: io.stderr,
      onExit: (index, why) => coordinator.runnerExited(index, why),
    });
    setup.log(`runners started: ${local.pids.map((pid, i) => `${i}/${count} pid ${pid}`).join(', ')}`);
  }
  try {
    await coordinator.waitForRunners();
  } catch (error) {
    local?.kill();
    await local?.close(2_000);
    await coordinator.close();
    throw error;
  }
  return {
    coordinator,
    events,
    local,
    end() {
      live.useLoadRows(mergeLoadRows(coordinator.loadRows()));
      decisions.finish(events.startedPhases);
      const skews = [...events.skews.values()].map(Math.abs);
      return skews.length === 0 ? [] : [`start skew over ${skews.length} runners: max ${Math.max(...skews).toFixed(2)} ms`];
    },
    async close() {
      await coordinator.close();
      await local?.close(5_000);
    },
  };
}

/** HOST:PORT ([v6]:PORT too); PORT alone listens on every interface. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim()) ?? /^()()(\d+)$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 0 && port < 65536)) {
    throw new LlmloadError(ErrorCode.USAGE, `--listen: "${text}" is not HOST:PORT`, { hint: 'Example: --listen 0.0.0.0:6565' });
  }
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** How many runners this process coordinates; null when it is not a coordinator. */
export function coordinatorCount(request: RunRequest, split: boolean, env: Readonly<Record<string, string | undefined>>): number | null {
  if (request.instances === undefined && request.coordinator === undefined) return null;
  if (split) throw new LlmloadError(ErrorCode.USAGE, '--instance and --execution-segment are for runners; a coordinator (--instances, --coordinator) runs no share itself');
  if (request.coordinatorUrl !== undefined) throw new LlmloadError(ErrorCode.USAGE, '--coordinator-url is for runners; a process cannot be a coordinator and a runner');
  const text = request.instances === undefined ? env['LLMLOAD_INSTANCES'] : String(request.instances);
  const count = text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(count >= 1)) {
    throw new LlmloadError(ErrorCode.USAGE, `--coordinator needs the number of runners: --instances N or LLMLOAD_INSTANCES (${text === undefined ? 'not set' : `"${text}"`})`);
  }
  return count;
}
