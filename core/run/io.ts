/** What a command may touch of its process (streams, env, cwd, signals), passed in so tests run the CLI in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Signal source for Ctrl-C handling (default: process). */
  signals?: NodeJS.EventEmitter;
  /** End the process at once (a third Ctrl-C while the report is written); absent in-process, where the run then finishes. */
  exit?: (code: number) => void;
}
