/**
 * What a split test's coordinator and its runners say to each other over
 * HTTP (JSON bodies, POST). The runners' metric batches and their other
 * worker messages travel in the shapes worker threads already send to their
 * controller (core/workers/messages.ts), but for the records' ITL gaps, which
 * are packed (core/distributed/wire-records.ts): the coordinator feeds them
 * to the same code as a one-process run does.
 *
 *   POST /register  RegisterRequest → Handoff         (setup() data, target)
 *   POST /prepared  PreparedRequest → PreparedReply   (script loaded, workers warm; answered once all are)
 *   POST /clock     {}              → ClockReply      (a few times, on a quiet machine: clock offset)
 *   POST /ready     ReadyRequest    → StartReply      (answered once all are ready: the start time)
 *   POST /barrier   BarrierRequest  → StartReply      (at a phase after an iteration-bounded one: its common start)
 *   POST /decide    DecideRequest   → DecideReply     (after a rate-sweep or capacity-search phase: what follows, and when)
 *   POST /report    RunnerReport    → ReportReply     (every heartbeat: batches and events; says when to stop)
 *   POST /done      RunnerDone      → {}              (the runner's end)
 */
import type { ErrorRecord } from '../errors.js';
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import type { StepDecision } from '../run/step-decider.js';
import type { WireMsg } from './wire-records.js';

/** 3: records' ITL gaps packed (core/distributed/wire-records.ts); 4: /decide. */
export const PROTOCOL_VERSION = 4;

export interface RegisterRequest {
  version: number;
  index: number;
  count: number;
  pid: number;
  host: string;
}

/** What the coordinator hands a runner when it registers. */
export interface Handoff {
  /** setup()'s return value: the runners never run setup() or teardown(). */
  setupData: unknown;
  /** The target the coordinator started (its simulator, for local instances); the runner's own otherwise. */
  url?: string;
  model?: string;
  /** The coordinator's simulator scale, when its runners use that simulator: their schedule, timeouts and sleeps follow it. */
  timeScale?: number;
  /** How often the runner reports (its heartbeat), and after how long without an answer it stops. */
  heartbeatMs: number;
  lostAfterMs: number;
}

export interface ClockReply {
  /** The coordinator's epoch ms when it answered. */
  now: number;
}

export interface PreparedRequest {
  index: number;
}

export type PreparedReply = { sync: true } | { error: ErrorRecord };

export interface ReadyRequest {
  index: number;
  /** Coordinator clock − runner clock, ms, from the round trip with the smallest RTT. */
  offsetMs: number;
  /** That round trip, ms: the offset is right to within half of it. */
  rttMs: number;
}

/** The coordinator's epoch ms at which every runner starts (the test, or the phase at a barrier). */
export type StartReply = { startAt: number } | { error: ErrorRecord };

/**
 * A runner has drained phase `phaseIndex − 1` of `scenario`, which ended by iteration count, and
 * waits to start phase `phaseIndex` with the others: runners that finish their share of iterations
 * at different times would otherwise run different levels at once.
 */
export interface BarrierRequest {
  index: number;
  scenario: string;
  phaseIndex: number;
}

/**
 * A runner has drained phase `phaseIndex` of a scenario that decides its next load from what the
 * run measured (rate-sweep, capacity-search), and has sent every record of it. The coordinator
 * answers once every runner still running has, with the decision it took from all their records
 * (core/run/step-decider.ts) and one start time for the next phase.
 */
export interface DecideRequest {
  index: number;
  scenario: string;
  phaseIndex: number;
  /** The phase's tags with its scenario: the row the decision reads. */
  tags: Record<string, string>;
}

export type DecideReply = { startAt: number; decision: StepDecision } | { error: ErrorRecord };

/** A scheduler event of the runner, which the coordinator's live view needs (core/run/scheduler.ts). */
export type RunnerEvent =
  | { kind: 'phase'; scenario: string; phaseIndex: number; phaseId: number; tags: Record<string, string> }
  | { kind: 'vus'; scenario: string; vus: number }
  | { kind: 'scenario-end'; scenario: string }
  /** The runner's scheduler took its time zero this late after the agreed start (its own clock, corrected by its offset), ms. */
  | { kind: 'started'; skewMs: number };

export interface RunnerReport {
  index: number;
  /** Worker messages in the order the runner's controller got them (BATCH, LOG, ABORT_TEST, ERROR); records' ITL gaps packed. */
  messages: WireMsg[];
  events: RunnerEvent[];
}

export interface ReportReply {
  /** Set once the run must stop: graceful (the phases' gracefulStop) or at once (0). */
  stop: { gracefulStopMs?: number } | null;
}

export interface RunnerDone {
  index: number;
  durationMs: number;
  /** The runner's open-loop rows (planned, started, dropped arrivals), measured: the coordinator sums them. */
  load: OpenLoadRow[];
  /** Phases the runner started (core/executors/not-run.ts keys). */
  startedPhases: string[];
  error?: ErrorRecord;
}
