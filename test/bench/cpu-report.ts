/**
 * Preloaded into a benchmarked process (`node --import …/cpu-report.js …`):
 * at exit, writes the process's CPU time (user and system, every thread
 * included: getrusage(RUSAGE_SELF)) and peak RSS as JSON to the file named by
 * LLMLOAD_BENCH_USAGE, and into usage-<pid>.json in the folder named by
 * LLMLOAD_BENCH_USAGE_DIR (for processes the benchmarked one starts itself, e.g.
 * the runners of `--instances N`, preloaded through NODE_OPTIONS). Does nothing
 * in worker threads or without the variables.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const file = process.env['LLMLOAD_BENCH_USAGE'];
const dir = process.env['LLMLOAD_BENCH_USAGE_DIR'];
const files = [file, dir === undefined || dir === '' ? undefined : join(dir, `usage-${process.pid}.json`)].filter((f): f is string => f !== undefined && f !== '');
if (isMainThread && files.length > 0) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const text = JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS, uptimeMs: performance.now() });
    for (const f of files) writeFileSync(f, text);
  });
}
