/**
 * Engine settings given on the command line as KEY=VALUE: `llmload sim
 * --config` and `llmload run --sim-config` read them with the same rules, so
 * a setting that works on one works on the other. Keys are checked here, at
 * the flag, so that a typo is reported naming the flag and the key (with the
 * closest setting) before anything starts; values are checked later with the
 * rest of the config (resolveEngineConfig), which names `config.KEY`.
 */
import { didYouMean } from '../options/suggest.js';
import { ENGINE_CONFIG_KEYS } from './engine-config.js';

/** What a KEY=VALUE item must look like, for messages. */
const EXPECTED = 'expected KEY=VALUE, e.g. maxNumSeqs=64';

/**
 * Parse `items` (each KEY=VALUE) into config overrides. Every malformed item
 * or unknown key is added to `problems` as "FLAG ITEM: why"; later items win.
 */
export function parseEngineConfigFlags(flag: string, items: readonly string[], problems: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      problems.push(`${flag} ${item}: ${EXPECTED}`);
      continue;
    }
    const key = item.slice(0, eq).trim();
    if (!(ENGINE_CONFIG_KEYS as readonly string[]).includes(key)) {
      const near = didYouMean(key, ENGINE_CONFIG_KEYS);
      problems.push(`${flag} ${item}: '${key}' is not a simulator setting${near === undefined ? '' : ` (did you mean '${near}'?)`}; valid: ${ENGINE_CONFIG_KEYS.join(', ')}`);
      continue;
    }
    config[key] = parseConfigValue(item.slice(eq + 1).trim());
  }
  return config;
}

/** A value from the command line: JSON when it parses (numbers, booleans, null, objects), else the text. */
export function parseConfigValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
