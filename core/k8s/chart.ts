/**
 * The Helm chart (charts/llmload), made from the same buildManifest() as
 * `llmload k8s manifest`: the spec's fields become Go-template expressions
 * over the chart's values, and the objects are written by the same YAML
 * writer. `llmload k8s chart DIR` writes it; a test checks the committed
 * chart is what this writes, and renders its templates for given values to
 * the objects `k8s manifest` prints for the same settings.
 *
 * The templates use a handful of Helm functions only (toJson, quote, add1,
 * printf, dict, include, if/not), so they read the same in any Helm 3.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildManifest, type ManifestSpec } from './manifest.js';
import { MANIFEST_DEFAULTS, workersFor } from './plan-manifest.js';
import { REPORT_DIR } from './pod-command.js';
import { fromValues, TemplateExpr, TemplateIf, toYaml } from './yaml.js';

const CHART_VERSION = '0.1.0';
const LABELS = 'include "llmload.labels" .';

const DEFAULT_RESOURCES = { cpu: '2', memory: '4Gi' };

/** The chart's spec: every field read from .Values or .Release. */
export function chartSpec(): ManifestSpec {
  return {
    jobName: new TemplateExpr('toJson .Release.Name'),
    serviceName: new TemplateExpr('toJson .Release.Name'),
    configMapName: new TemplateExpr('printf "%s-script" .Release.Name | toJson'),
    namespace: new TemplateExpr('toJson .Release.Namespace'),
    labels: new TemplateExpr(LABELS),
    pods: new TemplateExpr('add1 .Values.instances'),
    instances: new TemplateExpr('quote .Values.instances'),
    image: fromValues('image'),
    imagePullPolicy: fromValues('imagePullPolicy'),
    port: fromValues('port'),
    coordinatorUrl: new TemplateExpr('printf "http://%s-0.%s:%v" .Release.Name .Release.Name .Values.port | toJson'),
    listen: new TemplateExpr('printf "0.0.0.0:%v" .Values.port | toJson'),
    reportPath: new TemplateExpr(`printf "${REPORT_DIR}/%s" .Release.Name | toJson`),
    reportClaim: new TemplateIf('.Values.report.claimName', { claimName: fromValues('report.claimName') }),
    reportEmptyDir: new TemplateIf('not .Values.report.claimName', {}),
    envFromSecret: new TemplateIf('.Values.envFromSecret', [{ secretRef: { name: fromValues('envFromSecret') } }]),
    resources: fromValues('resources'),
    activeDeadlineSeconds: fromValues('activeDeadlineSeconds'),
    ttlSecondsAfterFinished: fromValues('ttlSecondsAfterFinished'),
    args: fromValues('args'),
    script: fromValues('script'),
  };
}

const HELPERS = `{{/* Labels on every object and pod; the Service and the spread constraint select pods by them. */}}
{{- define "llmload.labels" -}}
{{ toJson (dict "app.kubernetes.io/name" "llmload" "app.kubernetes.io/instance" .Release.Name "app.kubernetes.io/component" "load-test") }}
{{- end }}
`;

const CHART_YAML = {
  apiVersion: 'v2',
  name: 'llmload',
  description: 'A distributed llmload test: an Indexed Job (index 0 coordinates, 1..N run the load), a headless Service and the bundled script in a ConfigMap',
  type: 'application',
  version: CHART_VERSION,
  appVersion: CHART_VERSION,
  kubeVersion: '>=1.31.0-0',
};

/** Default values; image, script and activeDeadlineSeconds have none (the schema requires them). */
const VALUES = {
  image: '',
  imagePullPolicy: MANIFEST_DEFAULTS.imagePullPolicy,
  instances: 2,
  port: MANIFEST_DEFAULTS.port,
  resources: DEFAULT_RESOURCES,
  envFromSecret: '',
  report: { claimName: '' },
  activeDeadlineSeconds: 0,
  ttlSecondsAfterFinished: 3600,
  args: ['--workers', String(workersFor(DEFAULT_RESOURCES.cpu))],
  script: '',
};

const VALUES_COMMENT = `# Values of the llmload chart. The easiest way to fill them for a script:
#   llmload k8s manifest script.ts --instances 8 --image IMG --format helm-values > values.yaml
#   helm install NAME charts/llmload -f values.yaml
# which bundles the script, plans activeDeadlineSeconds from its scenarios and fills the rest from the flags.
`;

const NAME = { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$', maxLength: 253 };
const QUANTITY = { type: 'string', pattern: '^\\d+(\\.\\d+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P)?$' };

export const VALUES_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'llmload chart values',
  type: 'object',
  additionalProperties: false,
  required: ['image', 'instances', 'script', 'activeDeadlineSeconds'],
  properties: {
    image: { type: 'string', minLength: 1, description: 'The llmload image the pods run' },
    imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
    instances: { type: 'integer', minimum: 1, description: 'Runner pods; one more pod, index 0, coordinates' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port the coordinator listens on' },
    resources: {
      type: 'object',
      description: "Each pod's requests, equal to its limits",
      additionalProperties: false,
      required: ['cpu', 'memory'],
      properties: { cpu: QUANTITY, memory: QUANTITY, 'ephemeral-storage': QUANTITY },
    },
    envFromSecret: { ...NAME, description: "Secret whose keys become the pods' environment (the API key); empty for none" },
    report: {
      type: 'object',
      additionalProperties: false,
      properties: { claimName: { ...NAME, description: 'PersistentVolumeClaim for the report folder; empty for an emptyDir' } },
    },
    activeDeadlineSeconds: { type: 'integer', minimum: 1, description: 'The Job is stopped after this long: the planned length plus a margin' },
    ttlSecondsAfterFinished: { type: 'integer', minimum: 0 },
    args: { type: 'array', items: { type: 'string' }, description: 'Flags after the script, for every pod (--workers, --url, --model)' },
    script: { type: 'string', minLength: 1, maxLength: 1048576, description: 'The bundled script (llmload k8s manifest --format helm-values, or --set-file script=FILE)' },
  },
};

const TEMPLATE_FILES = ['configmap.yaml', 'service.yaml', 'job.yaml'];

/** The chart's files, by path inside the chart folder. */
export function chartFiles(): Record<string, string> {
  const objects = buildManifest(chartSpec());
  const files: Record<string, string> = {
    'Chart.yaml': toYaml(CHART_YAML),
    'values.yaml': VALUES_COMMENT + toYaml(VALUES),
    'values.schema.json': JSON.stringify(VALUES_SCHEMA, null, 2) + '\n',
    'templates/_helpers.tpl': HELPERS,
  };
  objects.forEach(
    (object, i) => (files[`templates/${TEMPLATE_FILES[i]!}`] = `# Made by llmload k8s chart from the objects of llmload k8s manifest; do not edit.\n${toYaml(object)}`),
  );
  return files;
}

export async function writeChart(dir: string): Promise<string[]> {
  const files = chartFiles();
  await mkdir(join(dir, 'templates'), { recursive: true });
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  return Object.keys(files).map((path) => join(dir, path));
}
