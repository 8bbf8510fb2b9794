/**
 * bin/llmload.js over the compiled modules (dist/bin/cli.js) instead of the
 * bundle (dist/bundled/cli.cjs): for tests of which modules a command loads,
 * which in the bundle are one file.
 */
import { main } from '../../bin/cli.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  exit: (code) => process.exit(code),
});
