/**
 * The requests, sleeps and groups one iteration started and that have not
 * ended yet.
 *
 * A script that forgets an `await` (`sleep(1)`, `group('g', async () => …)`,
 * `vu.chat(…)`) returns from its iteration while that work goes on. Left
 * alone, the VU would start its next iteration at once: sleeps would do
 * nothing, and un-awaited requests would pile up without bound, so a closed
 * loop of N VUs would no longer hold N requests in flight. The host asks this
 * tracker, when the iteration's function has returned, what is still pending,
 * reports where it was called, and waits for it before the next iteration.
 */

export type PendingKind = 'request' | 'sleep' | 'group';

/** One tracked call. */
export interface PendingOp {
  readonly kind: PendingKind;
  /** The group the call was made in, if any. */
  readonly parent: PendingOp | null;
  /** Holds the call's stack, formatted only when the call turns out not to have been awaited. */
  readonly site: { stack?: string };
  promise: Promise<unknown> | undefined;
}

export class PendingWork {
  readonly #pending = new Set<PendingOp>();

  /** Whether anything is still pending. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Open a tracked call; `caller` is the public function called (its frames and the ones above it
   * are left out of the stack, which then starts at the script's call).
   */
  open(kind: PendingKind, parent: PendingOp | null, caller: (...args: never[]) => unknown): PendingOp {
    const op: PendingOp = { kind, parent, site: {}, promise: undefined };
    Error.captureStackTrace(op.site, caller);
    this.#pending.add(op);
    return op;
  }

  /** The call has ended. */
  close(op: PendingOp): void {
    this.#pending.delete(op);
  }

  /**
   * Attach the call's promise: the op is pending until it settles. Only for promises that never
   * reject (requests, sleeps): the reaction added here marks a promise handled, which would hide a
   * rejection the script left unhandled. Groups close themselves when their body ends.
   */
  settleWith<T>(op: PendingOp, promise: Promise<T>): Promise<T> {
    op.promise = promise;
    const done = (): void => this.close(op);
    promise.then(done, done);
    return promise;
  }

  /**
   * The calls not awaited: pending ones whose group is not itself pending (an un-awaited group
   * stands for the requests inside it).
   */
  unawaited(): PendingOp[] {
    const out: PendingOp[] = [];
    for (const op of this.#pending) if (op.parent === null || !this.#pending.has(op.parent)) out.push(op);
    return out;
  }

  /**
   * Wait until nothing is pending, including what pending groups start meanwhile. Once `signal`
   * is aborted, only requests and sleeps are waited for (both end promptly on abort); a group whose
   * script code waits on something else is left behind rather than holding the VU forever.
   * Resolves to the first rejection of a group, if one rejected while waited for.
   */
  async drain(signal: AbortSignal): Promise<unknown> {
    let failure: unknown;
    while (this.#pending.size > 0) {
      const waitFor: Array<Promise<unknown>> = [];
      for (const op of this.#pending) {
        if (op.promise === undefined || (signal.aborted && op.kind === 'group')) continue;
        waitFor.push(
          op.promise.then(
            () => undefined,
            (error: unknown) => {
              failure ??= error;
            },
          ),
        );
      }
      if (waitFor.length === 0) return failure;
      if (signal.aborted) {
        await Promise.all(waitFor);
        continue;
      }
      let onAbort = (): void => {};
      const aborted = new Promise<void>((resolve) => {
        onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
      });
      // What pending groups start is tracked before they settle, so the next turn of the loop sees it.
      await Promise.race([Promise.all(waitFor), aborted]);
      signal.removeEventListener('abort', onAbort);
    }
    return failure;
  }
}
