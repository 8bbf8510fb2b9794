/**
 * Every default of `export const options`, in one place. Durations are in
 * milliseconds (the one time unit of llmload). Executor-specific defaults
 * (vus, iterations, startVUs) live with their executor in core/executors/.
 */
import { deepFreeze } from './plain-object.js';

export const DEFAULTS = deepFreeze({
  target: {
    /** Read the API key from this environment variable, when it is set. */
    apiKeyEnv: 'OPENAI_API_KEY',
  },
  request: {
    timeoutMs: 600_000, // 10 minutes: whole request, first byte to last
    stallTimeoutMs: 60_000, // 60 seconds: longest gap between bytes mid-response
    stream: true,
  },
  simulator: {
    preset: 'fast',
    timeScale: 1, // 1 = real time
  },
  scenario: {
    startTimeMs: 0, // 0 seconds after the test starts
    gracefulStopMs: 30_000, // 30 seconds for in-flight iterations after a scenario ends
    gracefulRampDownMs: 30_000, // 30 seconds for iterations of VUs removed by a ramp-down
    maxDurationMs: 600_000, // 10 minutes: cap on iteration-limited executors
    exec: 'default',
  },
  setupTimeoutMs: 60_000, // 60 seconds
  teardownTimeoutMs: 60_000, // 60 seconds
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  noThresholds: false,
  // An inconclusive threshold has not shown that the limit holds: by default it fails the run.
  inconclusive: 'fail',
} as const);
