/** `llmload run <script>`: flags as k6 names them where they mean the same. */
import type { Argv, CommandModule } from 'yargs';
import type { RunRequest } from '../../core/run/run-test.js';
import { ErrorCode, LlmloadError } from '../../core/errors.js';
import { tryParseDuration } from '../../core/options/duration.js';
import type { CliIo } from '../../core/run/io.js';

function parseFlagDuration(flag: string, text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined || !(ms > 0)) throw new LlmloadError(ErrorCode.USAGE, `${flag}: "${text}" is not a duration`, { hint: `Example: ${flag} 30s` });
  return ms;
}
import { ENGINE_CONFIG_KEYS } from '../../core/sim/engine-config.js';

interface RunArgs {
  script: string;
  vus?: number;
  duration?: string;
  iterations?: number;
  stage?: string[];
  env?: string[];
  out?: string[];
  'summary-export'?: string;
  /** A folder, '' for the default one, false for --no-report; an array when given more than once (a usage error). */
  report?: string | false | Array<string | false>;
  quiet: boolean;
  thresholds: boolean;
  url?: string;
  model?: string;
  'api-key-env'?: string;
  workers?: number;
  'sim-preset'?: string;
  inconclusive?: string;
  'time-scale'?: number;
  meta?: string[];
  dcgm?: string[];
  'nvidia-smi'?: boolean;
  'sim-config'?: string[];
  instance?: string;
  'execution-segment'?: string;
  'execution-segment-sequence'?: string;
  instances?: number;
  coordinator?: boolean;
  listen?: string;
  'coordinator-url'?: string;
  'register-timeout'?: string;
}

export function runCommand(io: CliIo, setExit: (code: number) => void): CommandModule<object, RunArgs> {
  return {
    command: 'run <script>',
    describe: 'Run a load test from a TypeScript or JavaScript scenario script',
    builder: (y) =>
      y
        .positional('script', { type: 'string', demandOption: true, describe: 'Scenario script (.ts or .js), bundled with esbuild' })
        .option('vus', {
          alias: 'u',
          type: 'number',
          describe: "Virtual users, with --duration, --iterations or --stage (which replace the script's scenarios, as in k6). Example: --vus 10 --duration 30s",
        })
        .option('duration', { alias: 'd', type: 'string', describe: 'Test duration with --vus (constant-vus). Example: --duration 30s' })
        .option('iterations', { alias: 'i', type: 'number', describe: 'Iterations shared by the VUs (shared-iterations). Example: --iterations 100' })
        .option('stage', {
          alias: 's',
          type: 'string',
          array: true,
          describe: 'Ramping stages DURATION:TARGET, repeatable or comma-separated (ramping-vus). Example: --stage 10s:5,30s:20',
        })
        .option('env', { alias: 'e', type: 'string', array: true, describe: 'Environment variable for the script, KEY=VALUE (repeatable). Example: -e PROMPT_SET=long' })
        .option('out', {
          alias: 'o',
          type: 'string',
          array: true,
          describe:
            'Outputs: json=FILE (raw NDJSON, one record per finished request, as they complete), csv=FILE (one row per request), junit=FILE (thresholds and checks as JUnit test cases), vllm-json=FILE (vllm bench serve --save-result keys, a line per sweep level). Repeatable. Example: --out json=results.ndjson --out junit=llmload.xml',
        })
        .option('report', {
          type: 'string',
          describe:
            'Report folder (report.md, report.html, report.json, charts/; results.ndjson too unless --out json is given). Default: llmload-results/<YYYYMMDD-HHMMSS>-<script>/; --no-report writes none. Example: --report reports/sweep',
        })
        .option('summary-export', { type: 'string', describe: 'Write the end-of-test summary as JSON (k6 handleSummary shape). Example: --summary-export summary.json' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress output. Example: --quiet' })
        .option('thresholds', { type: 'boolean', default: true, describe: 'Evaluate thresholds; --no-thresholds runs without them (exit 0 unless the run fails)' })
        .option('inconclusive', {
          type: 'string',
          choices: ['pass', 'fail'],
          describe:
            "Whether a threshold whose limit lies within its value's 95 % interval (inconclusive) fails the run (default: fail, exit 99) or passes it; a threshold's own { inconclusive } wins. Example: --inconclusive pass",
        })
        .option('url', {
          type: 'string',
          describe: 'Target base URL (overrides options.target.url). Without one, a built-in simulator is started. Example: --url http://127.0.0.1:8000',
        })
        .option('model', { type: 'string', describe: 'Model name sent in requests (overrides options.target.model). Example: --model Qwen/Qwen2.5-14B-Instruct-AWQ' })
        .option('api-key-env', { type: 'string', describe: 'Name of the environment variable holding the API key (never printed). Example: --api-key-env VLLM_API_KEY' })
        .option('workers', {
          alias: 'w',
          type: 'number',
          describe: 'Worker threads hosting VUs (default: one per 256 VUs the plan reaches at once, at most one per core). Example: --workers 2',
        })
        .option('sim-preset', { type: 'string', describe: 'Preset of the built-in simulator used when no URL is given. Example: --sim-preset qwen14b-awq' })
        .option('meta', {
          type: 'string',
          array: true,
          describe: 'A fact about the setup for the report and compare (options.environment), KEY=VALUE, repeatable. Example: --meta gpu="4x RTX 2080 Ti" --meta config=optimized',
        })
        .option('time-scale', { type: 'number', describe: 'Run the built-in simulator this many times faster than real time. Example: --time-scale 10' })
        .option('dcgm', {
          type: 'string',
          array: true,
          describe: 'Read GPU telemetry from a DCGM exporter (repeatable; adds to options.telemetry.dcgm). Example: --dcgm http://gpu-node:9400/metrics',
        })
        .option('nvidia-smi', { type: 'boolean', describe: 'Read GPU telemetry from nvidia-smi on this machine (options.telemetry.nvidiaSmi). Example: --nvidia-smi' })
        .option('sim-config', {
          type: 'string',
          array: true,
          describe: `Engine setting KEY=VALUE of the built-in simulator over its preset's, as \`llmload sim --config\` (${ENGINE_CONFIG_KEYS.join(', ')}), repeatable. Example: --sim-config maxNumSeqs=64`,
        })
        .option('instance', {
          type: 'string',
          describe:
            "Run one instance's share of the test: INDEX/COUNT (0-based), or auto (index from JOB_COMPLETION_INDEX, count from LLMLOAD_INSTANCES, as in a Kubernetes Indexed Job). Merge the instances' results with llmload report. Example: --instance 0/4",
        })
        .option('execution-segment', { type: 'string', describe: "k6's notation for an instance's share, FROM:TO. Example: --execution-segment 1/4:1/2" })
        .option('execution-segment-sequence', {
          type: 'string',
          describe: "k6's notation for all the instances' shares, with --execution-segment. Example: --execution-segment-sequence 0,1/4,1/2,1",
        })
        .option('instances', {
          type: 'number',
          describe:
            'Split the test over N runner processes on this machine, with this process as their coordinator: one summary, report and exit code. With --coordinator: the number of runners elsewhere. Example: --instances 4',
        })
        .option('coordinator', {
          type: 'boolean',
          describe:
            'Coordinate runners started elsewhere (a Kubernetes Indexed Job: index 0), --instances N or LLMLOAD_INSTANCES of them. Example: --coordinator --listen 0.0.0.0:6565',
        })
        .option('listen', { type: 'string', describe: 'Where --coordinator listens for its runners, HOST:PORT (default 0.0.0.0:6565). Example: --listen 0.0.0.0:6565' })
        .option('coordinator-url', {
          type: 'string',
          describe:
            'Run as a runner of this coordinator, with --instance (auto: JOB_COMPLETION_INDEX − 1). Example: --coordinator-url http://llmload-0.llmload:6565 --instance auto',
        })
        .option('register-timeout', { type: 'string', describe: 'How long a coordinator waits for every runner to be ready (default 60s). Example: --register-timeout 2m' })
        .check((args) => {
          // yargs turns `--report DIR --no-report` into ['DIR', false], which would be written as a folder named "DIR,false".
          const report = args.report as unknown;
          if (Array.isArray(report)) {
            if (report.includes(false) && report.some((r) => r !== false)) return '--report and --no-report contradict each other: give one of them';
            return `--report given ${report.length} times (${report.map((r) => (r === false ? '--no-report' : JSON.stringify(r))).join(', ')}): give one folder`;
          }
          return true;
        })
        .example('$0 run examples/quickstart.ts', 'Run against the built-in simulator')
        .example('$0 run script.ts --url http://127.0.0.1:8000 --vus 20 --duration 1m', '20 users for a minute against a server')
        .example('$0 run script.ts --stage 30s:10,1m:50,30s:0 --out json=results.ndjson', 'Ramp up and down, keep raw results')
        .example('$0 run script.ts --summary-export summary.json --no-thresholds', 'Export the summary, ignore thresholds')
        .example('$0 run script.ts --report reports/baseline --out junit=junit.xml', 'Report folder at a chosen place, JUnit for CI') as unknown as Argv<RunArgs>,
    handler: async (args) => {
      const request: RunRequest = {
        scriptPath: args.script,
        quiet: args.quiet,
        thresholds: args.thresholds,
        outputs: args.out ?? [],
        env: args.env ?? [],
        stages: args.stage ?? [],
      };
      if (args.vus !== undefined) request.vus = args.vus;
      if (args.duration !== undefined) request.duration = args.duration;
      if (args.iterations !== undefined) request.iterations = args.iterations;
      if (args['summary-export'] !== undefined) request.summaryExport = args['summary-export'];
      if (args.report !== false && !Array.isArray(args.report) && !request.outputs.some((o) => o.startsWith('report='))) {
        // The default folder is made only once the script and options are valid (core/run/run-test.ts).
        if (args.report === undefined || args.report === '') request.defaultReport = true;
        else request.outputs = [...request.outputs, `report=${args.report}`];
      }
      if (args.url !== undefined) request.url = args.url;
      if (args.model !== undefined) request.model = args.model;
      if (args['api-key-env'] !== undefined) request.apiKeyEnv = args['api-key-env'];
      if (args.workers !== undefined) request.workers = args.workers;
      if (args['sim-preset'] !== undefined) request.simPreset = args['sim-preset'];
      if (args.inconclusive !== undefined) request.inconclusive = args.inconclusive;
      if (args['time-scale'] !== undefined) request.timeScale = args['time-scale'];
      if (args.meta !== undefined) request.meta = args.meta;
      if (args.dcgm !== undefined && args.dcgm.length > 0) request.dcgm = args.dcgm;
      if (args['nvidia-smi'] !== undefined) request.nvidiaSmi = args['nvidia-smi'];
      if (args['sim-config'] !== undefined) request.simConfig = args['sim-config'];
      const instance = { instance: args.instance, executionSegment: args['execution-segment'], executionSegmentSequence: args['execution-segment-sequence'] };
      if (Object.values(instance).some((v) => v !== undefined)) {
        request.instance = Object.fromEntries(Object.entries(instance).filter(([, v]) => v !== undefined));
      }
      if (args.instances !== undefined) request.instances = args.instances;
      if (args.coordinator === true) request.coordinator = args.listen === undefined ? {} : { listen: args.listen };
      else if (args.listen !== undefined) throw new LlmloadError(ErrorCode.USAGE, '--listen is where --coordinator listens: give --coordinator too');
      if (args['coordinator-url'] !== undefined) request.coordinatorUrl = args['coordinator-url'];
      if (args['register-timeout'] !== undefined) request.registerTimeoutMs = parseFlagDuration('--register-timeout', args['register-timeout']);
      // A worker thread boots and the script bundles while the run engine loads.
      const { startEarly, abandonEarly } = await import('../../core/run/early-start.js');
      const early = startEarly(request);
      // The run engine (executors, workers, metrics, outputs) loads when a run starts: not for --help or a usage error.
      let runTest: typeof import('../../core/run/run-test.js').runTest;
      try {
        ({ runTest } = await import('../../core/run/run-test.js'));
      } catch (error) {
        await abandonEarly(early);
        throw error;
      }
      // Only now: the engine's modules load without their maps (~50 ms of CPU), the script with its own (bin/cli.ts).
      process.setSourceMapsEnabled(true);
      setExit(await runTest(request, io, early));
    },
  };
}
