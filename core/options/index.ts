/**
 * Options: what the engine calls, in order:
 *   applyCliOverrides(scriptOptions, flags) → validateOptions(merged) → ResolvedOptions
 * then core/executors planScenarios(resolved).
 */
export type { CliFlags } from './cli-overrides.js';
export { applyCliOverrides, parseEnvFlags, parseStageFlag } from './cli-overrides.js';
export { DEFAULTS } from './defaults.js';
export { formatDuration, parseDuration, tryParseDuration } from './duration.js';
export type { ResolvedOptions, ResolvedRequestDefaults, ResolvedSimulator, ResolvedTarget, ResolvedThreshold, ValidatedOptions } from './resolved-types.js';
export { buildOptionsSchema } from './schema.js';
export { DEFAULT_SCENARIO_NAME } from './shortcuts.js';
export type * from './types.js';
export { validateOptions } from './validate.js';
