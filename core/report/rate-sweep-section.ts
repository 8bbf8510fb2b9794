/**
 * The report's blocks for open-loop rows: the rate-sweep table (one row per
 * rate, with what was offered, achieved and dropped, success, goodput, TTFT
 * and E2E from the send and from the schedule, and who kept up), the per-stage
 * table of a ramping-arrival-rate run, and the key finding of a rate sweep:
 * the highest rate that met the SLOs and thresholds.
 */
import { b, p, table, ul, type Block, type Span } from './document.js';
import type { Findings } from './findings.js';
import { fmtMs, fmtRate, fmtShare, fmtTokens } from './format.js';
import type { OpenRowFigures } from './rate-sweep-data.js';
import type { ReportRow, ReportSweep } from './report-data.js';

const RATE_HEADER = [
  'rate',
  'offered/s',
  'achieved/s',
  'dropped',
  'success',
  'req/s',
  'SLOs met',
  'goodput/s',
  'output tok/s',
  'TTFT p50',
  'TTFT p95',
  'TTFT p95 (sched)',
  'E2E p50',
  'E2E p95',
  'E2E p95 (sched)',
  'verdict',
];

/** What the verdict column says of a row. */
function verdictCell(open: OpenRowFigures | null | undefined): string {
  if (open === null || open === undefined) return '-';
  switch (open.verdict) {
    case 'closed loop':
      return open.phase === 'synchronous' ? 'closed loop, 1 VU' : 'closed loop, maxVUs';
    case 'kept up':
      return 'kept up';
    case 'server behind':
      return 'SERVER FELL BEHIND';
    case 'client short':
      return 'CLIENT SHORT OF VUs';
    case 'not delivered':
      return 'NOT DELIVERED';
  }
}

function rateLabel(row: ReportRow): string {
  return row.open?.phase === 'open' ? `${row.label} req/s` : row.label;
}

/** The table of a rate sweep, with the reasons under it and the definitions. */
export function rateSweepTable(sweep: ReportSweep, notRun: readonly string[]): Block[] {
  const rows = sweep.rows.map((r) => {
    const o = r.open;
    return [
      rateLabel(r),
      fmtRate(o?.offeredPerSec),
      fmtRate(o?.achievedPerSec),
      o?.dropped === null || o?.dropped === undefined ? '-' : String(o.dropped),
      fmtShare(r.successRate),
      fmtRate(r.requestsPerSec),
      fmtShare(o?.sloShare),
      fmtRate(r.goodputPerSec),
      fmtTokens(r.outputTokensPerSec),
      fmtMs(r.ttft?.p50),
      fmtMs(r.ttft?.p95),
      fmtMs(o?.ttftSched?.p95),
      fmtMs(r.e2e?.p50),
      fmtMs(r.e2e?.p95),
      fmtMs(o?.e2eSched?.p95),
      verdictCell(o),
    ];
  });
  for (const label of notRun) rows.push([`${label} req/s`, 'not run', ...RATE_HEADER.slice(2).map(() => '-')]);
  const out: Block[] = [
    table(
      RATE_HEADER,
      rows,
      RATE_HEADER.map((_, i) => (i === 0 || i === RATE_HEADER.length - 1 ? 'left' : 'right')),
    ),
  ];
  const reasons: Span[][] = [];
  for (const r of sweep.rows) {
    const o = r.open;
    if (o === null || o === undefined) continue;
    if (o.serverBehind !== null) reasons.push([b(`${rateLabel(r)}: the server fell behind`), ` — ${o.serverBehind}.`]);
    if (o.clientShort !== null) reasons.push([b(`${rateLabel(r)}: the client, not the server, was short`), ` — ${o.clientShort}.`]);
    else if (o.undelivered !== null) reasons.push([b(`${rateLabel(r)}: did not hold the offered rate`), ` — ${o.undelivered}.`]);
  }
  if (reasons.length > 0) out.push(ul(reasons));
  out.push(
    p(
      'synchronous = one request at a time (1 VU), throughput = maxVUs VUs at once: the two closed-loop phases that set the range of rates. ',
      'offered = arrivals the schedule planned at the rate ÷ its window; achieved = arrivals started ÷ the same window; dropped = arrivals not started because every VU was busy. ',
      'TTFT and E2E are measured from the actual send; (sched) from the intended send time, so they include any wait for a VU and show queueing the server caused (coordinated omission corrected). ',
      'SLOs met = share of requests that succeeded within every options.slo bound; goodput/s = those per second. ',
      'Verdict: kept up = arrivals delivered and TTFT from the schedule steady through the rate; server fell behind = TTFT from the schedule grew through the rate (or requests were still running at the end); client short = arrivals dropped with every VU busy while the server kept pace.',
    ),
  );
  return out;
}

/** The per-stage table of open-loop stages: offered, achieved and dropped beside the request figures. */
export function openStageTable(stages: readonly ReportRow[]): Block[] {
  const open = stages.filter((r) => r.open !== null && r.open !== undefined && r.open.phase === 'open');
  if (open.length === 0) return [];
  return [
    p('Open-loop load per stage:'),
    table(
      ['stage', 'scenario', 'offered/s', 'achieved/s', 'dropped', 'success', 'req/s', 'TTFT p95', 'TTFT p95 (sched)', 'E2E p95', 'E2E p95 (sched)', 'verdict'],
      open.map((r) => [
        r.label,
        r.tags['scenario'] ?? '-',
        fmtRate(r.open!.offeredPerSec),
        fmtRate(r.open!.achievedPerSec),
        r.open!.dropped === null ? '-' : String(r.open!.dropped),
        fmtShare(r.successRate),
        fmtRate(r.requestsPerSec),
        fmtMs(r.ttft?.p95),
        fmtMs(r.open!.ttftSched?.p95),
        fmtMs(r.e2e?.p95),
        fmtMs(r.open!.e2eSched?.p95),
        verdictCell(r.open),
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
  ];
}

/** A rate sweep's key finding: the highest offered rate that met the SLOs and thresholds, below the first that broke. */
export function highestRateFinding(sweep: ReportSweep, f: Findings): Block[] {
  const cap = f.capacity;
  const rule =
    'a rate qualifies when it and every lower rate met every threshold that applies to it, kept up (arrivals delivered, TTFT from the schedule steady), failed no more than ' +
    `${fmtShare(f.failureLimit)} of its requests and, with options.slo, had at least ${fmtShare(1 - f.failureLimit)} of requests within the SLOs (unless a llm_goodput_ratio threshold decides)`;
  if (cap === null) return [p(b('No rate qualified: '), `the lowest offered rate already broke (${f.breaking?.reasons[0] ?? 'see the breaking point'}). Rule: ${rule}.`)];
  const row = sweep.rows.find((r) => r.label === cap.label);
  return [
    p(
      b(`${cap.label} req/s offered`),
      `: ${fmtRate(row?.open?.achievedPerSec ?? null)} req/s achieved, ${fmtRate(cap.requestsPerSec)} req/s completed, TTFT p95 ${fmtMs(row?.ttft?.p95)} (${fmtMs(row?.open?.ttftSched?.p95)} from the schedule), E2E p95 ${fmtMs(row?.e2e?.p95)}. `,
      f.breaking === null ? 'Every offered rate qualified, so the server may take more. ' : `The next rate, ${f.breaking.label} req/s, broke: ${f.breaking.reasons.join('; ')}. `,
      `Rule: ${rule}.`,
    ),
  ];
}
