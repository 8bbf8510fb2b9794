/**
 * From a script and `llmload k8s manifest` flags to the manifest's spec: the
 * script bundled for the ConfigMap, the Job's deadline from the executors'
 * plan, names, resources and the pod flags, each checked before anything is
 * printed.
 */
import { bundleScript, bundleScriptSource } from '../bundle/bundle-script.js';
import { ErrorCode, LlmloadError } from '../errors.js';
import { estimateTotalMs, planScenarios } from '../executors/index.js';
import { applyCliOverrides, parseDuration, validateOptions } from '../options/index.js';
import { secretValues } from '../outputs/redact.js';
import { loadScript } from '../run/load-script.js';
import { coordinatorUrl, REPORT_DIR } from './pod-command.js';
import type { ManifestSpec } from './manifest.js';

/** What the API server accepts in one ConfigMap's data. */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;
/** A pod's hostname is JOB-INDEX and must be a DNS label (63 characters): room for the index. */
const MAX_NAME_LENGTH = 52;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes resource quantities: 2, 500m, 4Gi, 1.5G. */
const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P)?$/;
const RESOURCE_NAMES = new Set(['cpu', 'memory', 'ephemeral-storage']);

export const MANIFEST_DEFAULTS = {
  name: 'llmload',
  port: 6565,
  resources: 'cpu=2,memory=4Gi',
  /** Scheduling, image pulls and start-up of N+1 pods, on top of the planned run. */
  deadlineMargin: '5m',
  /** Long enough for CI to read index 0's exit code and logs after the Job ends. */
  ttl: '1h',
  imagePullPolicy: 'IfNotPresent',
} as const;

export interface ManifestRequest {
  scriptPath: string;
  instances: number;
  image: string;
  name?: string;
  namespace?: string;
  envFromSecret?: string;
  resources?: string;
  port?: number;
  reportClaim?: string;
  url?: string;
  model?: string;
  deadlineMargin?: string;
  ttl?: string;
  imagePullPolicy?: string;
}

function usage(message: string, hint?: string): LlmloadError {
  return new LlmloadError(ErrorCode.USAGE, message, hint === undefined ? {} : { hint });
}

export async function planManifest(request: ManifestRequest, env: Readonly<Record<string, string | undefined>>): Promise<ManifestSpec> {
  const name = request.name ?? MANIFEST_DEFAULTS.name;
  checkName('--name', name, MAX_NAME_LENGTH);
  if (request.namespace !== undefined) checkName('--namespace', request.namespace, 63);
  if (request.envFromSecret !== undefined) checkName('--env-from-secret', request.envFromSecret, 253);
  if (request.reportClaim !== undefined) checkName('--report-claim', request.reportClaim, 253);
  if (!Number.isInteger(request.instances) || request.instances < 1) throw usage(`--instances: ${request.instances} is not a number of runners (1 or more)`);
  const port = request.port ?? MANIFEST_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usage(`--port: ${port} is not a TCP port (1 … 65535)`);
  if (request.image.trim() === '') throw usage('--image: name the llmload image the pods run, e.g. ghcr.io/acme/llmload:0.1.0');
  const resources = parseResources(request.resources ?? MANIFEST_DEFAULTS.resources);

  const { script, deadlineSeconds } = await scriptAndDeadline(request);
  const args: string[] = ['--workers', String(workersFor(resources['cpu']))];
  if (request.url !== undefined) args.push('--url', request.url);
  if (request.model !== undefined) args.push('--model', request.model);
  refuseSecrets(env, { script, args, image: request.image });

  const labels = { 'app.kubernetes.io/name': 'llmload', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'load-test' };
  return {
    jobName: name,
    serviceName: name,
    configMapName: `${name}-script`,
    namespace: request.namespace,
    labels,
    pods: request.instances + 1,
    instances: String(request.instances),
    image: request.image,
    imagePullPolicy: request.imagePullPolicy ?? MANIFEST_DEFAULTS.imagePullPolicy,
    port,
    coordinatorUrl: coordinatorUrl(name, name, port),
    listen: `0.0.0.0:${port}`,
    reportPath: `${REPORT_DIR}/${name}`,
    reportClaim: request.reportClaim,
    reportEmptyDir: request.reportClaim === undefined ? {} : undefined,
    envFromSecret: request.envFromSecret,
    resources,
    activeDeadlineSeconds: deadlineSeconds + seconds('--deadline-margin', request.deadlineMargin ?? MANIFEST_DEFAULTS.deadlineMargin),
    ttlSecondsAfterFinished: seconds('--ttl', request.ttl ?? MANIFEST_DEFAULTS.ttl),
    args,
    script,
  };
}

/**
 * The script as the ConfigMap carries it, and the longest the run can take
 * once the pods run: the executors' planned length with every graceful stop
 * (estimateTotalMs), plus setup() and teardown() at their timeouts.
 */
async function scriptAndDeadline(request: ManifestRequest): Promise<{ script: string; deadlineSeconds: number }> {
  const source = await bundleScriptSource(request.scriptPath);
  checkConfigMapSize(source.text);
  const bundle = await bundleScript(request.scriptPath);
  try {
    const loaded = await loadScript(bundle);
    const options = validateOptions(applyCliOverrides(loaded.options, { url: request.url, model: request.model }));
    const totalMs = estimateTotalMs(planScenarios(options)) + options.setupTimeoutMs + options.teardownTimeoutMs;
    return { script: source.text, deadlineSeconds: Math.ceil(totalMs / 1000) };
  } finally {
    await bundle.dispose();
  }
}

export function checkConfigMapSize(script: string): void {
  const bytes = Buffer.byteLength(script, 'utf8');
  if (bytes <= CONFIGMAP_MAX_BYTES) return;
  throw new LlmloadError(ErrorCode.SCRIPT_BUILD, `the bundled script is ${formatBytes(bytes)}, over the ${formatBytes(CONFIGMAP_MAX_BYTES)} a ConfigMap can hold`, {
    hint: 'keep large data (datasets, prompt files) out of the bundle: mount them from a volume (a PersistentVolumeClaim or a CSI volume) and read them at run time, or build an image FROM the llmload image that COPYs the script and its data, and run it without the ConfigMap',
  });
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes)` : `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
}

function checkName(flag: string, value: string, max: number): void {
  if (value.length > max || !DNS_LABEL.test(value)) {
    throw usage(`${flag}: "${value}" is not a Kubernetes name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters`);
  }
}

/** `cpu=2,memory=4Gi` → { cpu: '2', memory: '4Gi' }; cpu and memory are required, so the pods get what the test was sized for. */
export function parseResources(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([a-z-]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (m === null) throw usage(`--resources: "${part}" is not NAME=QUANTITY`, 'Example: --resources cpu=2,memory=4Gi');
    const [, name, quantity] = m as unknown as [string, string, string];
    if (!RESOURCE_NAMES.has(name)) throw usage(`--resources: unknown resource "${name}"`, `Known: ${[...RESOURCE_NAMES].join(', ')}.`);
    if (!QUANTITY.test(quantity)) throw usage(`--resources: "${quantity}" is not a Kubernetes quantity for ${name}`, 'Examples: 2, 500m, 4Gi.');
    out[name] = quantity;
  }
  for (const required of ['cpu', 'memory']) if (out[required] === undefined) throw usage(`--resources: give ${required} too`, 'Example: --resources cpu=2,memory=4Gi');
  return out;
}

/** One worker thread per whole CPU the pod is given (at least one): the image's Node sees the node's cores, not the pod's limit. */
export function workersFor(cpu: string | undefined): number {
  if (cpu === undefined) return 1;
  const cores = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
  return Math.max(1, Math.floor(cores));
}

function seconds(flag: string, text: string): number {
  try {
    return Math.ceil(parseDuration(text) / 1000);
  } catch {
    throw usage(`${flag}: "${text}" is not a duration`, 'Example: 5m, 90s, 1h.');
  }
}

/**
 * The API key reaches the pods from a Secret (--env-from-secret), never as
 * text in the objects: refuse to print any secret-looking environment value
 * this process can see if it found its way into the script or the flags.
 */
function refuseSecrets(env: Readonly<Record<string, string | undefined>>, parts: Record<string, string | string[]>): void {
  const secrets = secretValues(env);
  for (const [where, value] of Object.entries(parts)) {
    const text = Array.isArray(value) ? value.join(' ') : value;
    const name = Object.entries(env).find(([, v]) => v !== undefined && secrets.includes(v) && text.includes(v))?.[0];
    if (name !== undefined) {
      throw new LlmloadError(ErrorCode.USAGE, `the ${where} contains the value of ${name}: a secret must not be written into Kubernetes objects`, {
        hint: 'read the key from the environment in the script (options.target.apiKeyEnv) and give the pods a Secret: kubectl create secret generic llm-api --from-literal=OPENAI_API_KEY=… and --env-from-secret llm-api',
      });
    }
  }
}
