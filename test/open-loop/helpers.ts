/** Shared by the open-loop end-to-end tests: run the CLI on a fixture and read what it wrote. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../core/client/types.js';
import type { SummaryExport } from '../../core/outputs/summary-export.js';
import { DONE_EVENT, sseChunk, startHttpServer, usageChunk, type TestServer } from '../helpers/servers.js';
import { fixture, repoRoot, runCli, type CliRun } from '../helpers/cli.js';

export interface OpenRun extends CliRun {
  summary: SummaryExport | null;
  records: RequestRecord[];
  /** `{"type":"sample"}` lines of the raw results. */
  samples: Array<{ metric: string; value: number; tags: Record<string, string> }>;
}

/**
 * `llmload run test/fixtures/<name> …args` with a summary export and raw results in a temporary
 * folder; run from the repository unless `cwd` says otherwise.
 */
export async function runFixture(name: string, args: string[] = [], env: Record<string, string> = {}, quiet = true, cwd = repoRoot): Promise<OpenRun> {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-open-'));
  try {
    const summaryPath = join(dir, 'summary.json');
    const resultsPath = join(dir, 'results.ndjson');
    const flags = ['--no-report', ...(quiet ? ['--quiet'] : []), '--summary-export', summaryPath, '--out', `json=${resultsPath}`];
    const run = await runCli(['run', fixture(name), ...flags, ...args], { env, cwd });
    let summary: SummaryExport | null = null;
    const records: RequestRecord[] = [];
    const samples: OpenRun['samples'] = [];
    try {
      summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as SummaryExport;
      for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
        if (line === '') continue;
        const row = JSON.parse(line) as { type: string };
        if (row.type === 'request') records.push(row as unknown as RequestRecord);
        if (row.type === 'sample') samples.push(row as unknown as OpenRun['samples'][number]);
      }
    } catch {
      // The run failed before writing them; the caller asserts on code and stderr.
    }
    return { ...run, summary, records, samples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A metric's values in a summary export (throws when it is missing, so a test cannot pass on nothing). */
export function values(summary: SummaryExport | null, key: string): Record<string, number> {
  const metric = summary?.metrics[key];
  if (metric === undefined) throw new Error(`metric ${key} is not in the summary (has: ${Object.keys(summary?.metrics ?? {}).join(', ')})`);
  return metric.values;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Population standard deviation. */
export function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

/**
 * A server that answers one request at a time, each after `serviceMs` of its
 * own (a FIFO queue in front of one slot): its capacity is 1000/serviceMs
 * requests per second whatever the load. GETs (models, metrics) answer at once.
 */
export function startSlowServer(serviceMs: number): Promise<TestServer> {
  let busyUntil = 0;
  return startHttpServer(async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(req.url.startsWith('/v1/models') ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'slow', object: 'model' }] }));
      return;
    }
    const now = performance.now();
    busyUntil = Math.max(now, busyUntil) + serviceMs;
    await new Promise((resolve) => setTimeout(resolve, busyUntil - now));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sseChunk({ content: 'ok' }) + sseChunk({}, 'stop') + usageChunk(5, 1) + DONE_EVENT);
  });
}
