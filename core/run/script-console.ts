/**
 * The script's console output goes to stderr, as in k6: stdout carries the
 * end-of-test summary (or handleSummary's stdout) alone, so it can be piped
 * into a JSON reader.
 *
 * Init code, setup(), teardown() and handleSummary() run in the controller
 * and call the global console; while a run lasts it is swapped for one that
 * writes to the run's stderr. Runs may overlap in one process (tests), so the
 * latest run still going owns the console and the original comes back when
 * the last ends. VU code runs in workers, whose console is set up in
 * core/workers/worker-entry.ts.
 */
import { Console } from 'node:console';

const original = globalThis.console;
const active: Console[] = [];

/** Send the global console to `stream` until the returned function is called. */
export function redirectConsole(stream: NodeJS.WritableStream): () => void {
  const redirected = new Console({ stdout: stream, stderr: stream });
  active.push(redirected);
  globalThis.console = redirected;
  return () => {
    const at = active.indexOf(redirected);
    if (at >= 0) active.splice(at, 1);
    globalThis.console = active[active.length - 1] ?? original;
  };
}
