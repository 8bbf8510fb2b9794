/**
 * Which VU a piece of script code belongs to, across its awaits.
 *
 * The VUs of a worker share one event loop, so "the VU running now" is only
 * known during the synchronous part of an iteration. Each iteration (and each
 * group body) runs inside `scriptFrames.run(frame, …)`; Node carries the frame
 * through every await, timer and promise the code starts, so module-level
 * check(), group(), sleep() and custom metrics find their VU and group after
 * any number of awaits, and concurrent promises of one VU each keep their own
 * group. Frames are entered per iteration and per group, and read per request
 * or sample: never per streamed chunk.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PendingOp } from './pending-work.js';
import type { VirtualUser } from './vu.js';

/** The context of a piece of script code. */
export interface ScriptFrame {
  readonly vu: VirtualUser;
  /** Tags of the samples and requests made here: the VU's tags plus the group path. */
  readonly tags: Record<string, string>;
  /** The group() this code runs in (null at the top of the iteration): what an un-awaited call inside it belongs to. */
  readonly op: PendingOp | null;
}

export const scriptFrames = new AsyncLocalStorage<ScriptFrame>();
