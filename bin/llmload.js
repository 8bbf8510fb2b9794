#!/usr/bin/env node
// The llmload command: a thin shim over the bundled CLI (dist/bundled/cli.js, built from dist/bin/cli.js).
import { main } from '../dist/bundled/cli.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  exit: (code) => process.exit(code),
});
