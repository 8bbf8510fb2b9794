/** What the CLI may touch of its process, passed in so tests run it in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Signal source for Ctrl-C handling (default: process). */
  signals?: NodeJS.EventEmitter;
}
