/**
 * options.telemetry: where GPU readings come from (core/telemetry/gpu-telemetry.ts).
 *
 *   telemetry: {
 *     dcgm: ['http://gpu-node:9400/metrics'],   // DCGM exporters
 *     prometheus: ['http://replica-2:8000/metrics'], // other endpoints carrying DCGM_FI_* fields
 *     nvidiaSmi: true | { command: 'ssh gpu-host nvidia-smi', intervalMs: 500 },
 *     intervalMs: 1000,                          // between HTTP scrapes
 *     idleBaseline: '5s',                        // idle readings before the load, subtracted from energy
 *     simulator: true,                           // the built-in simulator's GPU model (default true)
 *   }
 *
 * `telemetry: false` reads nothing. Without the option: the simulator's GPU
 * model against the built-in simulator, else nvidia-smi when it is on PATH.
 */
import { describeValue } from './describe.js';
import { msOrDefault } from './duration.js';
import { isPlainObject } from './plain-object.js';
import { booleanSchema, durationSchema, nonEmptyStringSchema, type JsonSchema } from './schema-parts.js';
import { isHttpUrl } from './url.js';

export interface TelemetryOptions {
  /** DCGM exporter /metrics URLs. */
  dcgm?: string | string[];
  /** Other Prometheus endpoints, read for the same DCGM_FI_* fields. */
  prometheus?: string | string[];
  /** Run nvidia-smi (true), or with another command (an ssh wrapper) and interval. */
  nvidiaSmi?: boolean | { command?: string | string[]; intervalMs?: number };
  /** Time between HTTP scrapes, ms (default 1000). */
  intervalMs?: number;
  /** Read the GPUs idle for this long before the load, and subtract that power from energy per token. */
  idleBaseline?: number | string;
  /** Read the built-in simulator's GPU model (default true; only against the simulator). */
  simulator?: boolean;
}

export interface ResolvedTelemetry {
  readonly enabled: boolean;
  readonly dcgm: readonly string[];
  readonly prometheus: readonly string[];
  /** 'auto': nvidia-smi when it is on PATH. */
  readonly nvidiaSmi: 'auto' | false | { readonly command: readonly string[]; readonly intervalMs: number };
  readonly intervalMs: number;
  readonly idleBaselineMs: number;
  readonly simulator: boolean;
}

const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_SMI_INTERVAL_MS = 500;

const urlsSchema: JsonSchema = { type: ['string', 'array'], items: nonEmptyStringSchema, expected: 'a URL or a list of URLs' };
const intervalSchema: JsonSchema = { type: 'integer', minimum: 50, expected: 'a whole number of milliseconds ≥ 50' };

export const telemetrySchema: JsonSchema = {
  type: ['boolean', 'object'],
  expected: 'false, or an object like { dcgm: ["http://gpu-node:9400/metrics"], nvidiaSmi: true }',
  if: { type: 'object' },
  then: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dcgm: urlsSchema,
      prometheus: urlsSchema,
      nvidiaSmi: {
        type: ['boolean', 'object'],
        expected: 'true, or an object like { command: "ssh gpu-host nvidia-smi", intervalMs: 500 }',
        if: { type: 'object' },
        then: {
          type: 'object',
          additionalProperties: false,
          properties: {
            command: {
              type: ['string', 'array'],
              items: nonEmptyStringSchema,
              minLength: 1,
              minItems: 1,
              expected: 'a command like "nvidia-smi" or ["ssh", "gpu-host", "nvidia-smi"]',
            },
            intervalMs: intervalSchema,
          },
        },
      },
      intervalMs: intervalSchema,
      idleBaseline: durationSchema,
      simulator: booleanSchema,
    },
  },
};

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}

/** What the schema cannot say: every URL is http(s), a command is not blank. */
export function telemetryProblems(value: unknown, source: string): string[] {
  if (!isPlainObject(value)) return [];
  const t = value as TelemetryOptions;
  const problems: string[] = [];
  for (const key of ['dcgm', 'prometheus'] as const) {
    const raw = t[key];
    if (typeof raw !== 'string' && !Array.isArray(raw)) continue;
    list(raw).forEach((url, i) => {
      if (typeof url === 'string' && !isHttpUrl(url)) {
        problems.push(`${source}.telemetry.${key}${typeof raw === 'string' ? '' : `[${i}]`}: expected an http:// or https:// URL, got ${describeValue(url)}`);
      }
    });
  }
  const smi = t.nvidiaSmi;
  if (isPlainObject(smi) && typeof smi.command === 'string' && smi.command.trim() === '') {
    problems.push(`${source}.telemetry.nvidiaSmi.command: expected a command like "nvidia-smi", got ${describeValue(smi.command)}`);
  }
  return problems;
}

export function resolveTelemetry(value: boolean | TelemetryOptions | undefined): ResolvedTelemetry {
  if (value === false) return { enabled: false, dcgm: [], prometheus: [], nvidiaSmi: false, intervalMs: DEFAULT_INTERVAL_MS, idleBaselineMs: 0, simulator: false };
  const t: TelemetryOptions = value === true || value === undefined ? {} : value;
  const dcgm = list(t.dcgm);
  const prometheus = list(t.prometheus);
  let nvidiaSmi: ResolvedTelemetry['nvidiaSmi'];
  if (t.nvidiaSmi === undefined) nvidiaSmi = dcgm.length === 0 && prometheus.length === 0 ? 'auto' : false;
  else if (t.nvidiaSmi === false) nvidiaSmi = false;
  else {
    const spec = t.nvidiaSmi === true ? {} : t.nvidiaSmi;
    const command = spec.command === undefined ? ['nvidia-smi'] : typeof spec.command === 'string' ? spec.command.trim().split(/\s+/) : [...spec.command];
    nvidiaSmi = { command, intervalMs: spec.intervalMs ?? DEFAULT_SMI_INTERVAL_MS };
  }
  return {
    enabled: true,
    dcgm,
    prometheus,
    nvidiaSmi,
    intervalMs: t.intervalMs ?? DEFAULT_INTERVAL_MS,
    idleBaselineMs: msOrDefault(t.idleBaseline, 0),
    simulator: t.simulator ?? true,
  };
}
