/**
 * The one catalogue of llmload's errors and exit codes.
 *
 * Every error llmload raises on purpose is an `LlmloadError` with a stable
 * `code` (`LL_ERR_…`) and the process exit code it maps to. Exit codes follow
 * k6's table (errext/exitcodes) so CI scripts written for k6 read ours the
 * same way. README.md ("Exit codes and errors") lists every code; a test keeps
 * the two in sync.
 *
 * Identity is checked by `code` (see `isLlmloadError`), never `instanceof`:
 * errors cross worker-thread boundaries as plain records, and structured clone
 * keeps neither the subclass nor extra fields.
 */

/** Process exit codes, as k6 defines them where the meaning is the same. */
export const ExitCode = {
  /** Every threshold passed (or none was set). */
  OK: 0,
  /** Bad command-line usage (unknown command or flag). */
  USAGE: 2,
  /** At least one threshold failed, including after abortOnFail. */
  THRESHOLDS_FAILED: 99,
  /** setup() ran past setupTimeout. */
  SETUP_TIMEOUT: 100,
  /** teardown() ran past teardownTimeout. */
  TEARDOWN_TIMEOUT: 101,
  /** An internal failure of the engine (a bug, or the environment broke). */
  GENERIC_ENGINE: 103,
  /** Options or flags are invalid; nothing was sent. */
  INVALID_CONFIG: 104,
  /** Stopped from outside: Ctrl-C / SIGINT or SIGTERM. */
  EXTERNAL_ABORT: 105,
  /** The script does not build, or threw outside a request (init, setup, teardown). */
  SCRIPT_EXCEPTION: 107,
  /** The script called `fail()`/`abort()` to stop the test. */
  SCRIPT_ABORTED: 108,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes. The comment on each says when it is raised. */
export const ErrorCode = {
  /** A command-line flag or argument is malformed (e.g. `--stage 10s`). */
  USAGE: 'LL_ERR_USAGE',
  /** `export const options` or the CLI flags fail validation; `details` lists every problem with its option path. */
  INVALID_OPTIONS: 'LL_ERR_INVALID_OPTIONS',
  /** A threshold expression cannot be parsed. */
  THRESHOLD_SYNTAX: 'LL_ERR_THRESHOLD_SYNTAX',
  /** A threshold names a metric, tag or tag value the run never produces (a typo, a sweep level not run, a metric not declared at load time). */
  THRESHOLD_UNKNOWN: 'LL_ERR_THRESHOLD_UNKNOWN',
  /** The script file is missing or esbuild cannot build it; carries esbuild's messages with file:line:column. */
  SCRIPT_BUILD: 'LL_ERR_SCRIPT_BUILD',
  /** The script threw while being loaded (init code) or in setup()/teardown()/handleSummary(). */
  SCRIPT_EXCEPTION: 'LL_ERR_SCRIPT_EXCEPTION',
  /** The script asked to stop the whole test (`abortTest()`). */
  SCRIPT_ABORTED: 'LL_ERR_SCRIPT_ABORTED',
  /** setup() or teardown() exceeded its timeout. */
  SETUP_TIMEOUT: 'LL_ERR_SETUP_TIMEOUT',
  TEARDOWN_TIMEOUT: 'LL_ERR_TEARDOWN_TIMEOUT',
  /** The test was stopped by a signal (Ctrl-C, SIGTERM). */
  EXTERNAL_ABORT: 'LL_ERR_EXTERNAL_ABORT',
  /** Thresholds failed at the end of the test (or abortOnFail stopped it). */
  THRESHOLDS_FAILED: 'LL_ERR_THRESHOLDS_FAILED',
  /** A dataset or input file cannot be read or parsed; names the file and line. */
  INPUT_FILE: 'LL_ERR_INPUT_FILE',
  /** The simulator was given an invalid configuration or preset. */
  SIM_CONFIG: 'LL_ERR_SIM_CONFIG',
  /** The target URL does not answer (connection refused, DNS failure, no response within the preflight timeout). */
  TARGET_UNREACHABLE: 'LL_ERR_TARGET_UNREACHABLE',
  /** An output (raw results, report folder, CSV, JUnit, summary export, step summary) cannot be written; probed before the first request. */
  OUTPUT: 'LL_ERR_OUTPUT',
  /** A worker thread died or the engine hit an unexpected state. */
  ENGINE: 'LL_ERR_ENGINE',
  /** This instance of a split test (--instance, --execution-segment) would run nothing, or be handed load it has no VU to run; nothing was sent. */
  INSTANCE_NO_WORK: 'LL_ERR_INSTANCE_NO_WORK',
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Which exit code each error code maps to. */
export const exitCodeFor: Readonly<Record<ErrorCodeValue, ExitCodeValue>> = {
  LL_ERR_USAGE: ExitCode.USAGE,
  LL_ERR_INVALID_OPTIONS: ExitCode.INVALID_CONFIG,
  LL_ERR_THRESHOLD_SYNTAX: ExitCode.INVALID_CONFIG,
  LL_ERR_THRESHOLD_UNKNOWN: ExitCode.INVALID_CONFIG,
  LL_ERR_SCRIPT_BUILD: ExitCode.SCRIPT_EXCEPTION,
  LL_ERR_SCRIPT_EXCEPTION: ExitCode.SCRIPT_EXCEPTION,
  LL_ERR_SCRIPT_ABORTED: ExitCode.SCRIPT_ABORTED,
  LL_ERR_SETUP_TIMEOUT: ExitCode.SETUP_TIMEOUT,
  LL_ERR_TEARDOWN_TIMEOUT: ExitCode.TEARDOWN_TIMEOUT,
  LL_ERR_EXTERNAL_ABORT: ExitCode.EXTERNAL_ABORT,
  LL_ERR_THRESHOLDS_FAILED: ExitCode.THRESHOLDS_FAILED,
  LL_ERR_INPUT_FILE: ExitCode.INVALID_CONFIG,
  LL_ERR_SIM_CONFIG: ExitCode.INVALID_CONFIG,
  LL_ERR_TARGET_UNREACHABLE: ExitCode.GENERIC_ENGINE,
  LL_ERR_OUTPUT: ExitCode.GENERIC_ENGINE,
  LL_ERR_ENGINE: ExitCode.GENERIC_ENGINE,
  LL_ERR_INSTANCE_NO_WORK: ExitCode.INVALID_CONFIG,
};

/** Where in a file something went wrong. `line` and `column` are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  lineText?: string;
}

export interface LlmloadErrorOptions {
  /** What the user can do about it, printed under the message. */
  hint?: string;
  /** One line per problem when there are several (e.g. every invalid option). */
  details?: readonly string[];
  location?: SourceLocation;
  cause?: unknown;
}

/** Base class of every error llmload raises on purpose. */
export class LlmloadError extends Error {
  readonly code: ErrorCodeValue;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: readonly string[];
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCodeValue, message: string, options: LlmloadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LlmloadError';
    this.code = code;
    this.exitCode = exitCodeFor[code];
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.location = options.location;
  }
}

/** A plain, structured-clone-safe form of an error, for crossing thread boundaries. */
export interface ErrorRecord {
  code: ErrorCodeValue;
  message: string;
  hint?: string;
  details?: readonly string[];
  location?: SourceLocation;
  stack?: string;
}

/** True for an LlmloadError from any realm or copy of this module. */
export function isLlmloadError(value: unknown): value is LlmloadError {
  if (typeof value !== 'object' || value === null) return false;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(exitCodeFor, code);
}

/** Flatten an error for postMessage. Unknown errors become LL_ERR_ENGINE unless a code is given. */
export function toErrorRecord(error: unknown, fallback: ErrorCodeValue = ErrorCode.ENGINE): ErrorRecord {
  if (isLlmloadError(error)) {
    const record: ErrorRecord = { code: error.code, message: error.message };
    if (error.hint !== undefined) record.hint = error.hint;
    if (error.details.length > 0) record.details = error.details;
    if (error.location !== undefined) record.location = error.location;
    if (error.stack !== undefined) record.stack = error.stack;
    return record;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const record: ErrorRecord = { code: fallback, message: err.message };
  if (err.stack !== undefined) record.stack = err.stack;
  return record;
}

/** Rebuild an LlmloadError from its record (the inverse of toErrorRecord). */
export function fromErrorRecord(record: ErrorRecord): LlmloadError {
  const options: LlmloadErrorOptions = {};
  if (record.hint !== undefined) options.hint = record.hint;
  if (record.details !== undefined) options.details = record.details;
  if (record.location !== undefined) options.location = record.location;
  const error = new LlmloadError(record.code, record.message, options);
  if (record.stack !== undefined) error.stack = record.stack;
  return error;
}
