/** `llmload k8s manifest|chart`: run a distributed test on Kubernetes with stock objects (an Indexed Job, a headless Service, a ConfigMap). */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { CliIo } from '../../core/run/io.js';

interface ManifestArgs {
  script: string;
  instances: number;
  image: string;
  namespace?: string;
  'env-from-secret'?: string;
  resources?: string;
  name?: string;
  port?: number;
  'report-claim'?: string;
  url?: string;
  model?: string;
  'deadline-margin'?: string;
  ttl?: string;
  'image-pull-policy'?: string;
  format: 'yaml' | 'json' | 'helm-values';
}

interface ChartArgs {
  dir: string;
}

function manifestCommand(io: CliIo): CommandModule<object, ManifestArgs> {
  return {
    command: 'manifest <script>',
    describe: 'Print the Kubernetes objects of a distributed test (ConfigMap with the bundled script, headless Service, Indexed Job) for kubectl apply -f -',
    builder: (y) =>
      y
        .positional('script', { type: 'string', demandOption: true, describe: 'Scenario script (.ts or .js), bundled with esbuild into the ConfigMap' })
        .option('instances', { type: 'number', demandOption: true, describe: 'Runner pods that share the load; one more pod, index 0, coordinates. Example: --instances 8' })
        .option('image', { type: 'string', demandOption: true, describe: 'The llmload image the pods run. Example: --image ghcr.io/acme/llmload:0.1.0' })
        .option('namespace', { type: 'string', describe: "Namespace of the objects (default: kubectl's). Example: --namespace loadtest" })
        .option('env-from-secret', {
          type: 'string',
          describe: "Secret whose keys become the pods' environment (the API key, e.g. OPENAI_API_KEY); never written into the objects. Example: --env-from-secret llm-api",
        })
        .option('resources', { type: 'string', describe: "Each pod's CPU and memory, requests = limits (default cpu=2,memory=4Gi). Example: --resources cpu=4,memory=8Gi" })
        .option('name', { type: 'string', describe: 'Name of the Job, Service and ConfigMap (default llmload). Example: --name chat-sweep' })
        .option('port', { type: 'number', describe: 'Port the coordinator listens on (default 6565). Example: --port 7000' })
        .option('report-claim', {
          type: 'string',
          describe:
            'PersistentVolumeClaim the coordinator writes its report folder to, as /reports/NAME (default: an emptyDir, gone with the pod). Example: --report-claim llmload-reports',
        })
        .option('url', { type: 'string', describe: 'Target base URL as the pods reach it (overrides options.target.url). Example: --url http://vllm.inference:8000' })
        .option('model', { type: 'string', describe: 'Model name sent in requests (overrides options.target.model). Example: --model Qwen/Qwen2.5-7B-Instruct' })
        .option('deadline-margin', {
          type: 'string',
          describe:
            "Added to the planned length (graceful stops, setup and teardown timeouts included) for the Job's activeDeadlineSeconds (default 5m). Example: --deadline-margin 10m",
        })
        .option('ttl', { type: 'string', describe: 'How long the finished Job and its pods are kept for CI to read (default 1h). Example: --ttl 24h' })
        .option('image-pull-policy', { type: 'string', choices: ['Always', 'IfNotPresent', 'Never'], describe: "The pods' imagePullPolicy (default IfNotPresent)" })
        .option('format', {
          type: 'string',
          choices: ['yaml', 'json', 'helm-values'],
          default: 'yaml',
          describe: 'yaml or json (a v1 List) for kubectl, or helm-values: a values file for charts/llmload with the same settings',
        })
        .example(
          '$0 k8s manifest examples/quickstart.ts --instances 8 --image ghcr.io/acme/llmload:0.1.0 --env-from-secret llm-api | kubectl apply -f -',
          'Start a test on 8 runners',
        )
        .example(
          '$0 k8s manifest script.ts --instances 4 --image IMG --format helm-values > values.yaml',
          'The same settings for helm install -f values.yaml',
        ) as unknown as Argv<ManifestArgs>,
    handler: async (args) => {
      const { planManifest } = await import('../../core/k8s/plan-manifest.js');
      const { renderManifest } = await import('../../core/k8s/render.js');
      const request: Parameters<typeof planManifest>[0] = { scriptPath: resolve(io.cwd, args.script), instances: args.instances, image: args.image };
      if (args.name !== undefined) request.name = args.name;
      if (args.namespace !== undefined) request.namespace = args.namespace;
      if (args['env-from-secret'] !== undefined) request.envFromSecret = args['env-from-secret'];
      if (args.resources !== undefined) request.resources = args.resources;
      if (args.port !== undefined) request.port = args.port;
      if (args['report-claim'] !== undefined) request.reportClaim = args['report-claim'];
      if (args.url !== undefined) request.url = args.url;
      if (args.model !== undefined) request.model = args.model;
      if (args['deadline-margin'] !== undefined) request.deadlineMargin = args['deadline-margin'];
      if (args.ttl !== undefined) request.ttl = args.ttl;
      if (args['image-pull-policy'] !== undefined) request.imagePullPolicy = args['image-pull-policy'];
      io.stdout.write(renderManifest(await planManifest(request, io.env), args.format));
    },
  };
}

function chartCommand(io: CliIo): CommandModule<object, ChartArgs> {
  return {
    command: 'chart <dir>',
    describe: 'Write the Helm chart (Chart.yaml, values.yaml, values.schema.json, templates/) made from the same objects as manifest',
    builder: (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'Chart folder. Example: charts/llmload' }),
    handler: async (args) => {
      const { writeChart } = await import('../../core/k8s/chart.js');
      const files = await writeChart(resolve(io.cwd, args.dir));
      io.stdout.write(files.map((f) => `${f}\n`).join(''));
    },
  };
}

export function k8sCommand(io: CliIo): CommandModule {
  return {
    command: 'k8s <command>',
    describe: 'Run a distributed test on Kubernetes: print its objects, or write the Helm chart',
    builder: (y) => y.command(manifestCommand(io)).command(chartCommand(io)).demandCommand(1, 'name a k8s command: manifest, chart'),
    handler: () => {},
  };
}
