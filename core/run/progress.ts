/**
 * Live progress: one line rewritten in place on a TTY (at most once a second),
 * plain periodic lines otherwise, nothing when quiet.
 */

export interface ProgressSnapshot {
  /** Real ms since the start. */
  elapsedMs: number;
  /** Planned length of the test in real ms (startTime offsets included); null when iterations decide its end. */
  plannedMs: number | null;
  /**
   * Modelled ms per real ms (a simulator run at --time-scale N; 1 or absent at real time). The line's
   * times and rates are then the simulated server's, as the script's options and the report.
   */
  timeScale?: number;
  /** Iterations done out of those planned, when iteration-bound scenarios decide the end; else null. */
  iterations: { done: number; total: number } | null;
  /** VUs the running scenarios target now (the plan's, from the start). */
  vus: number;
  /** Requests finished per second over the last few seconds. */
  reqPerSec: number;
  /** Output tokens received per second over the last few seconds, in-flight requests included. */
  outputTokPerSec: number;
  /** p95 of TTFT over the last interval, ms (null before the first token). */
  ttftP95Ms: number | null;
  requests: number;
  failures: number;
  /** Current sweep level or stage, when any. */
  label: string | null;
}

/** Plain lines are printed this often when the stream (stderr) is not a terminal. */
const PLAIN_INTERVAL_MS = 5_000;

export class ProgressPrinter {
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly #mode: 'tty' | 'plain' | 'quiet';
  #lastPlainAt = -Infinity;
  #lineOpen = false;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, quiet: boolean) {
    this.#out = out;
    this.#mode = quiet ? 'quiet' : out.isTTY === true ? 'tty' : 'plain';
  }

  update(s: ProgressSnapshot): void {
    if (this.#mode === 'quiet') return;
    const line = formatProgress(s);
    if (this.#mode === 'tty') {
      this.#out.write(`\r\x1b[2K${line}`);
      this.#lineOpen = true;
    } else if (s.elapsedMs - this.#lastPlainAt >= PLAIN_INTERVAL_MS) {
      this.#lastPlainAt = s.elapsedMs;
      this.#out.write(`${line}\n`);
    }
  }

  /** A message on its own line (the TTY progress line is cleared first). */
  log(message: string): void {
    if (this.#mode === 'quiet') return;
    this.#endLine();
    this.#out.write(`${message}\n`);
  }

  /** End the live line before the summary is printed. */
  finish(): void {
    this.#endLine();
  }

  #endLine(): void {
    if (this.#lineOpen) {
      this.#out.write('\r\x1b[2K');
      this.#lineOpen = false;
    }
  }
}

/**
 * The progress line of a snapshot, e.g.
 * `running 0m21s/1m00s · 10 VUs · 3.0 req/s · 400 out tok/s · p95 TTFT 120ms · 30 reqs · 0 failed`;
 * with iteration-bound scenarios `running 0m08s · 12/40 iterations · …` (no planned length). At a
 * time scale the clock is the simulated server's and says so: `running 7m00s/20m00s simulated (20×) · …`
 * (its rates and TTFT are already converted by LiveMetrics).
 */
export function formatProgress(s: ProgressSnapshot): string {
  const scale = s.timeScale !== undefined && s.timeScale > 0 ? s.timeScale : 1;
  const elapsed = formatClock(s.elapsedMs * scale) + (s.plannedMs !== null ? `/${formatClock(s.plannedMs * scale)}` : '');
  const parts = [
    `running ${elapsed}${scale === 1 ? '' : ` simulated (${Number(scale.toFixed(3))}×)`}`,
    s.iterations === null ? '' : `${s.iterations.done}/${s.iterations.total} iterations`,
    s.label ?? '',
    `${s.vus} VUs`,
    `${s.reqPerSec.toFixed(1)} req/s`,
    `${Math.round(s.outputTokPerSec)} out tok/s`,
    `p95 TTFT ${s.ttftP95Ms === null ? '-' : formatMs(s.ttftP95Ms)}`,
    `${s.requests} reqs`,
    `${s.failures} failed`,
  ];
  return parts.filter((p) => p !== '').join(' · ');
}

function formatClock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return `${m}m${String(sec).padStart(2, '0')}s`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(0)}ms`;
}
