/** `llmload sim`: run the built-in LLM server simulator until Ctrl-C / SIGTERM. */
import type { Argv, CommandModule } from 'yargs';
import { ErrorCode, LlmloadError } from '../../core/errors.js';
import type { SimulatorOptions } from '../../core/sim/index.js';
import { ENGINE_CONFIG_KEYS } from '../../core/sim/engine-config.js';
import { FAULT_KINDS, faultKindOf } from '../../core/sim/faults.js';
import { PRESET_NAMES } from '../../core/sim/presets.js';
import { parseEngineConfigFlags } from '../../core/sim/config-flags.js';
import type { CliIo } from '../../core/run/io.js';

export interface SimArgs {
  preset: string;
  port: number;
  host: string;
  'time-scale'?: number;
  seed?: number;
  model?: string;
  'fault-rate'?: string[];
  config?: string[];
  'allow-remote': boolean;
}

/** Fault settings that are not rates but may be set through --fault-rate too. */
const FAULT_SETTINGS = ['seed', 'afterTokens', 'stallSeconds', 'slowHeadersSeconds', 'keepAliveSeconds', 'retryAfterSeconds'] as const;

/** Turn the command's flags into simulator options. Throws LlmloadError(USAGE) for malformed KEY=VALUE flags. */
export function simOptionsFromArgs(args: SimArgs): SimulatorOptions {
  const options: SimulatorOptions = { preset: args.preset, port: args.port, host: args.host };
  if (args['time-scale'] !== undefined) options.timeScale = args['time-scale'];
  if (args.seed !== undefined) options.seed = args.seed;
  if (args.model !== undefined) options.model = args.model;
  if (!args['allow-remote'] && !isLoopback(args.host)) {
    throw new LlmloadError(ErrorCode.USAGE, `--host ${args.host} is not a loopback address`, {
      hint: 'The simulator has no authentication; pass --allow-remote to listen on other interfaces.',
    });
  }
  const faults: Record<string, number> = {};
  for (const item of args['fault-rate'] ?? []) {
    const [key, raw] = splitPair('--fault-rate', item);
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw usage('--fault-rate', item, 'the value must be a number');
    const kind = faultKindOf(key);
    const setting = FAULT_SETTINGS.find((s) => s.toLowerCase() === key.replace(/[-_]/g, '').toLowerCase());
    if (kind === undefined && setting === undefined) {
      throw usage('--fault-rate', item, `unknown fault '${key}' (kinds: ${FAULT_KINDS.join(', ')}; settings: ${FAULT_SETTINGS.join(', ')})`);
    }
    faults[kind ?? (setting as string)] = value;
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  const problems: string[] = [];
  const config = parseEngineConfigFlags('--config', args.config ?? [], problems);
  if (problems.length > 0) throw new LlmloadError(ErrorCode.USAGE, problems.join('; '), { details: problems });
  if (Object.keys(config).length > 0) options.config = config;
  return options;
}

function splitPair(flag: string, item: string): [string, string] {
  const eq = item.indexOf('=');
  if (eq <= 0) throw usage(flag, item, 'expected KEY=VALUE');
  return [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
}

function usage(flag: string, item: string, why: string): LlmloadError {
  return new LlmloadError(ErrorCode.USAGE, `${flag} ${item}: ${why}`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Start the simulator, print where it listens, and resolve once a stop signal has closed it. */
export async function runSim(args: SimArgs, io: Pick<CliIo, 'stdout' | 'signals'>): Promise<void> {
  const options = simOptionsFromArgs(args);
  // The simulator's server and engine load only when this command runs, not with every other command.
  const { startSimulator } = await import('../../core/sim/index.js');
  const sim = await startSimulator(options);
  io.stdout.write(`llmload simulator (preset ${sim.preset}) listening on ${sim.url}\n`);
  const signals = io.signals ?? process;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      void sim.stats().then(async (stats) => {
        await sim.close();
        io.stdout.write(`llmload simulator stopped: ${stats.requests.completed} answers sent, ${stats.engine.generationTokens} tokens generated\n`);
        resolve();
      });
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
}

/** The command, wired to `io` (tests pass their own streams and signal source). */
export function createSimCommand(io: Pick<CliIo, 'stdout' | 'signals'>): CommandModule<object, SimArgs> {
  return {
    command: 'sim',
    describe: 'Run the built-in OpenAI-compatible LLM server simulator (continuous batching, vLLM metrics, fault injection)',
    builder: (y) =>
      y
        .option('preset', { type: 'string', default: 'fast', describe: `Engine preset: ${PRESET_NAMES.join(', ')}. Example: --preset qwen14b-awq` })
        .option('port', { alias: 'p', type: 'number', default: 8000, describe: 'TCP port (0: any free port). Example: --port 8000' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on. Example: --host 127.0.0.1' })
        .option('allow-remote', { type: 'boolean', default: false, describe: 'Allow a --host that is not loopback (the simulator has no authentication)' })
        .option('time-scale', { type: 'number', describe: 'Run this many times faster than real time. Example: --time-scale 10' })
        .option('seed', { type: 'number', describe: 'Seed of output lengths, text and rate-drawn faults (default 1). Example: --seed 7' })
        .option('model', { type: 'string', describe: "Served model name (default: the preset's). Example: --model my-model" })
        .option('fault-rate', {
          type: 'string',
          array: true,
          describe:
            `Inject faults: KIND=RATE (kinds: ${FAULT_KINDS.join(', ')}) or SETTING=VALUE ` +
            `(${FAULT_SETTINGS.join(', ')}), repeatable. Example: --fault-rate http500=0.01 --fault-rate stallSeconds=3`,
        })
        .option('config', {
          type: 'string',
          array: true,
          describe: `Engine setting KEY=VALUE overriding the preset (${ENGINE_CONFIG_KEYS.join(', ')}), repeatable. Example: --config maxNumSeqs=64`,
        })
        .example('$0 sim --preset qwen14b-awq --port 8000', 'A 14B-AWQ-like server on port 8000')
        .example('$0 sim --preset qwen32b-awq-4x2080ti --time-scale 10', 'Ten times faster than the real deployment')
        .example('$0 sim --fault-rate reset=0.02 --fault-rate http503=0.01 --seed 3', '2% resets, 1% 503s, reproducibly') as unknown as Argv<SimArgs>,
    handler: (args) => runSim(args, io),
  };
}

/** `llmload sim`, using the process's stdout and signals. */
export const simCommand: CommandModule<object, SimArgs> = createSimCommand({ stdout: process.stdout });
