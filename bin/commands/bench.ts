/**
 * `llmload bench`: a run without a script, with `vllm bench serve`'s flags where
 * they mean the same. The flags become a scenario script (core/bench/), which
 * is run exactly as `llmload run` runs one, or saved with --save-script.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { BenchFlags } from '../../core/bench/bench-spec.js';
import { ErrorCode, LlmloadError } from '../../core/errors.js';
import type { RunRequest } from '../../core/run/run-test.js';
import type { CliIo } from '../../core/run/io.js';

interface BenchArgs extends BenchFlags {
  out?: string[];
  'summary-export'?: string;
  report?: string | false | Array<string | false>;
  quiet: boolean;
  'save-script'?: string;
  workers?: number;
  'api-key-env'?: string;
}

export function benchCommand(io: CliIo, setExit: (code: number) => void, argv: readonly string[]): CommandModule<object, BenchArgs> {
  return {
    command: 'bench',
    describe: 'Benchmark a server without a script, with the flags of `vllm bench serve`',
    builder: (y) =>
      y
        .usage(
          '$0 bench [options]\n\nA script-free run with the vocabulary of `vllm bench serve`. The flags become a scenario script, run by the same engine as `llmload run` (same datasets, metrics, summary and report); --save-script keeps it.',
        )
        .option('url', { type: 'string', describe: 'Server base URL. Without one, the built-in simulator is started. Example: --url http://127.0.0.1:8000' })
        .option('model', { type: 'string', describe: 'Model name sent in requests. Example: --model Qwen/Qwen2.5-7B-Instruct' })
        .option('endpoint', { type: 'string', default: 'chat', describe: 'API to call: chat (/v1/chat/completions) or completions (/v1/completions)' })
        .option('dataset', {
          type: 'string',
          default: 'random',
          describe: "Prompts: random, sharegpt:FILE, jsonl:FILE, or synthetic:SPEC in genai-bench's notation. Example: --dataset synthetic:'N(480,240)/(300,150)'",
        })
        .option('input-len', { type: 'number', describe: 'Random dataset: prompt tokens (default 1024), as vLLM --random-input-len' })
        .option('output-len', { type: 'number', describe: 'Output tokens (random default 128; for sharegpt/jsonl, replaces each item’s own length)' })
        .option('range-ratio', {
          type: 'number',
          describe:
            'Random dataset: lengths drawn uniformly from [len·(1−r), len·(1+r)], r in [0, 1) (default 0: exact). This is the meaning of vLLM ≥ 0.9; before it (vllm#16126), r was the lower bound as a share of len: [len·r, len]',
        })
        .option('prefix-len', { type: 'number', describe: 'Tokens of a prefix shared by every prompt, in front of --input-len (random, synthetic)' })
        .option('num-prompts', { type: 'number', describe: 'Requests to send (default 1000); with --request-rate the run lasts num-prompts / rate seconds' })
        .option('request-rate', {
          type: 'string',
          describe: 'Open loop: arrivals per second whatever the server does (default inf: closed loop, every request as soon as a user is free)',
        })
        .option('burstiness', { type: 'number', describe: 'Gaps between arrivals with --request-rate: 1 Poisson (default), gamma with this shape otherwise (< 1 burstier)' })
        .option('max-concurrency', {
          type: 'number',
          describe: 'Most requests in flight. Closed loop: the users. Open loop: the VU cap, and an arrival finding them all busy is dropped (counted), not queued as in vLLM',
        })
        .option('concurrency', {
          type: 'string',
          describe: 'Sweep of closed-loop levels, each one after the other, num-prompts (or --duration) each. Example: --concurrency 1,2,4,8',
        })
        .option('duration', { type: 'string', describe: 'Run for this long instead of --num-prompts (per level with --concurrency). Example: --duration 1m' })
        .option('goodput', { type: 'string', array: true, describe: 'SLOs in ms for goodput, KEY:MS with ttft, tpot, e2el. Example: --goodput ttft:500 tpot:50' })
        .option('seed', { type: 'number', describe: 'Seed of the prompts and the arrival times (default 0): same seed, same requests in the same order' })
        .option('ignore-eos', { type: 'boolean', describe: 'Send ignore_eos: true (random and synthetic prompts always do, so answers have the asked length)' })
        .option('extra-body', { type: 'string', describe: 'JSON merged into every request body. Example: --extra-body \'{"temperature":0}\'' })
        .option('header', { type: 'string', array: true, describe: 'Extra request header NAME=VALUE, repeatable. Example: --header x-source=bench' })
        .option('save-script', { type: 'string', describe: 'Write the equivalent scenario script to FILE and stop; `llmload run FILE` runs the same workload' })
        .option('out', { alias: 'o', type: 'string', array: true, describe: 'Outputs, as llmload run: json=FILE, csv=FILE, junit=FILE, vllm-json=FILE. Repeatable' })
        .option('report', { type: 'string', describe: 'Report folder, as llmload run (default llmload-results/<time>-bench/); --no-report writes none' })
        .option('summary-export', { type: 'string', describe: 'Write the end-of-test summary as JSON (k6 handleSummary shape)' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress output' })
        .option('api-key-env', { type: 'string', describe: 'Name of the environment variable holding the API key. Example: --api-key-env VLLM_API_KEY' })
        .option('workers', { alias: 'w', type: 'number', describe: 'Worker threads hosting VUs (default: one per 256 VUs the plan reaches at once, at most one per core)' })
        .option('sim-preset', { type: 'string', describe: 'Preset of the built-in simulator used without --url' })
        .option('time-scale', { type: 'number', describe: 'Run the built-in simulator this many times faster than real time' })
        .check((args) => {
          const report = args.report as unknown;
          if (Array.isArray(report)) return '--report given more than once (or with --no-report): give one folder, or --no-report';
          return true;
        })
        .example('$0 bench --num-prompts 200 --request-rate 20 --input-len 256 --output-len 64', 'Open loop at 20 requests/s against the built-in simulator')
        .example('$0 bench --url http://127.0.0.1:8000 --max-concurrency 64 --num-prompts 1000', '1000 random prompts, 64 at a time')
        .example('$0 bench --concurrency 1,2,4,8 --num-prompts 100 --out vllm-json=results.jsonl', 'A concurrency sweep, a vLLM result line per level')
        .example('$0 bench --dataset sharegpt:ShareGPT_V3.json --request-rate 5 --save-script bench.ts', 'Keep the workload as a script') as unknown as Argv<BenchArgs>,
    handler: async (args) => {
      // Loaded here, not with the CLI: every other command (run above all) starts without them.
      const [{ benchSpec }, { renderBenchScript }, { makeDir }] = await Promise.all([
        import('../../core/bench/bench-spec.js'),
        import('../../core/bench/bench-script.js'),
        import('../../core/outputs/make-dir.js'),
      ]);
      const spec = benchSpec(args);
      const command = `llmload ${argv.map(shellWord).join(' ')}`;
      if (args['save-script'] !== undefined) {
        const path = resolve(io.cwd, args['save-script']);
        const text = renderBenchScript(spec, { scriptDir: dirname(path), cwd: io.cwd, command });
        try {
          await makeDir(dirname(path));
          await writeFile(path, text);
        } catch (error) {
          throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${path} (--save-script): ${(error as Error).message}`, { cause: error });
        }
        io.stderr.write(`script: ${args['save-script']}; run it with: llmload run ${shellWord(args['save-script'])}\n`);
        setExit(0);
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), 'llmload-bench-'));
      const scriptPath = join(dir, 'bench.ts');
      try {
        await writeFile(scriptPath, renderBenchScript(spec, { scriptDir: dir, cwd: io.cwd, command }));
        const request: RunRequest = { scriptPath, quiet: args.quiet, thresholds: true, outputs: args.out ?? [], env: [], stages: [] };
        if (args['summary-export'] !== undefined) request.summaryExport = args['summary-export'];
        if (args.report !== false && !Array.isArray(args.report) && !request.outputs.some((o) => o.startsWith('report='))) {
          if (args.report === undefined || args.report === '') request.defaultReport = true;
          else request.outputs = [...request.outputs, `report=${args.report}`];
        }
        if (args['api-key-env'] !== undefined) request.apiKeyEnv = args['api-key-env'];
        if (args.workers !== undefined) request.workers = args.workers;
        // The run engine (executors, workers, metrics, outputs) loads when a run starts: not for --help or a usage error.
        const { runTest } = await import('../../core/run/run-test.js');
        setExit(await runTest(request, io));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A word of the command line as a shell would need it. */
function shellWord(word: string): string {
  return /^[\w./@:+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
