/**
 * Preloaded into a benchmarked process (`node --import …/cpu-report.js …`):
 * at exit, writes the process's CPU time (user and system, every thread
 * included: getrusage(RUSAGE_SELF)) and peak RSS as JSON to the file named by
 * LLMLOAD_BENCH_USAGE. Does nothing in worker threads or without the variable.
 */
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env['LLMLOAD_BENCH_USAGE'];
if (isMainThread && file !== undefined && file !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS, uptimeMs: performance.now() }));
  });
}
