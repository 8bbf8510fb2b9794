/**
 * The Kubernetes objects of a distributed test: a ConfigMap with the bundled
 * script, a headless Service that gives index 0 a stable name, and an Indexed
 * Job whose index 0 is the coordinator and 1…N the runners.
 *
 * A pure function of a spec whose fields are final values. `llmload k8s
 * manifest` fills them from the script and flags; the Helm chart's templates
 * are made from the same function with Go-template expressions in the fields
 * (chart.ts), so the two cannot drift apart.
 */
import { INSTANCE_OFFSET_ENV, POD_COMMAND, POD_ENV, REPORT_DIR, RUNNER_INDEX_OFFSET, SCRIPT_DIR, SCRIPT_FILE } from './pod-command.js';
import { TemplateIf, type TemplateExpr } from './yaml.js';

/** A final value, or (chart templates only) a Go-template expression. */
export type Field<T> = T | TemplateExpr;
/** An optional entry: present, absent, or (chart templates only) present when a condition holds. */
export type Maybe<T> = T | TemplateIf | undefined;

export interface ManifestSpec {
  jobName: Field<string>;
  serviceName: Field<string>;
  configMapName: Field<string>;
  namespace: Maybe<Field<string>>;
  /** Labels on every object and pod; also the Service's and the spread constraint's selector. */
  labels: Field<Record<string, string>>;
  /** Runners + the coordinator: the Job's completions and parallelism. */
  pods: Field<number>;
  /** The runners' count, as the LLMLOAD_INSTANCES string. */
  instances: Field<string>;
  image: Field<string>;
  imagePullPolicy: Field<string>;
  port: Field<number>;
  coordinatorUrl: Field<string>;
  listen: Field<string>;
  /** The coordinator's report folder. */
  reportPath: Field<string>;
  /** A PersistentVolumeClaim to write the report to; an emptyDir without one. */
  reportClaim: Maybe<Field<string>>;
  /** An emptyDir for the report when there is no claim. */
  reportEmptyDir: Maybe<Record<string, never>>;
  /** The Secret whose keys become environment variables (the API key). */
  envFromSecret: Maybe<Field<string>>;
  /** Requests, equal to limits (Guaranteed QoS: a load generator must not be throttled below what it asked for). */
  resources: Field<Record<string, string>>;
  activeDeadlineSeconds: Field<number>;
  ttlSecondsAfterFinished: Field<number>;
  /** Flags after the script, the same for every pod (--url, --model, --workers). */
  args: Field<string[]>;
  /** The bundled script, the ConfigMap's one key. */
  script: Field<string>;
}

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string };

export function buildManifest(spec: ManifestSpec): K8sObject[] {
  return pruneAbsent([configMap(spec), service(spec), job(spec)]);
}

function metadata(spec: ManifestSpec, name: Field<string>): Record<string, unknown> {
  return { name, namespace: spec.namespace, labels: spec.labels };
}

function configMap(spec: ManifestSpec): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(spec, spec.configMapName), data: { [SCRIPT_FILE]: spec.script } };
}

function service(spec: ManifestSpec): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(spec, spec.serviceName),
    spec: {
      // Headless: DNS names each pod (JOB-INDEX.SERVICE) instead of balancing over them.
      clusterIP: 'None',
      // Runners resolve the coordinator as soon as it runs; there is no readiness probe to wait for.
      publishNotReadyAddresses: true,
      selector: spec.labels,
      ports: [{ name: 'coordinator', port: spec.port, targetPort: spec.port, protocol: 'TCP' }],
    },
  };
}

function job(spec: ManifestSpec): K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(spec, spec.jobName),
    spec: {
      completionMode: 'Indexed',
      completions: spec.pods,
      parallelism: spec.pods,
      // A failed instance is not restarted: a late runner would skew the run, not repeat it.
      backoffLimitPerIndex: 0,
      maxFailedIndexes: 0,
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { containerName: 'llmload', operator: 'NotIn', values: [0] } },
          // An evicted or preempted pod leaves a hole in the load: the test is void.
          { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      // The coordinator's end is the test's end; runners still finishing are stopped.
      successPolicy: { rules: [{ succeededIndexes: '0' }] },
      activeDeadlineSeconds: spec.activeDeadlineSeconds,
      ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished,
      template: { metadata: { labels: spec.labels }, spec: podSpec(spec) },
    },
  };
}

function podSpec(spec: ManifestSpec): Record<string, unknown> {
  return {
    restartPolicy: 'Never',
    // With the pod's hostname (JOB-INDEX), this gives index 0 the name JOB-0.SERVICE.
    subdomain: spec.serviceName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    topologySpreadConstraints: [
      // One load generator per node where the cluster allows it: two on a node share its NIC and cores.
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: spec.labels } },
    ],
    containers: [
      {
        name: 'llmload',
        image: spec.image,
        imagePullPolicy: spec.imagePullPolicy,
        command: [...POD_COMMAND],
        args: spec.args,
        env: [
          { name: 'LLMLOAD_INSTANCES', value: spec.instances },
          { name: INSTANCE_OFFSET_ENV, value: String(RUNNER_INDEX_OFFSET) },
          { name: POD_ENV.coordinatorUrl, value: spec.coordinatorUrl },
          { name: POD_ENV.listen, value: spec.listen },
          { name: POD_ENV.report, value: spec.reportPath },
          { name: 'HOME', value: '/tmp' },
        ],
        envFrom: envFrom(spec.envFromSecret),
        ports: [{ name: 'coordinator', containerPort: spec.port, protocol: 'TCP' }],
        resources: { requests: spec.resources, limits: spec.resources },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [
          { name: 'script', mountPath: SCRIPT_DIR, readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'reports', mountPath: REPORT_DIR },
        ],
      },
    ],
    volumes: [
      { name: 'script', configMap: { name: spec.configMapName } },
      { name: 'tmp', emptyDir: {} },
      { name: 'reports', persistentVolumeClaim: claim(spec.reportClaim), emptyDir: spec.reportEmptyDir },
    ],
  };
}

function envFrom(secret: Maybe<Field<string>>): unknown {
  if (secret === undefined) return undefined;
  if (isTemplateIf(secret)) return secret;
  return [{ secretRef: { name: secret } }];
}

function claim(name: Maybe<Field<string>>): unknown {
  if (name === undefined) return undefined;
  if (isTemplateIf(name)) return name;
  return { claimName: name };
}

function isTemplateIf(value: unknown): value is TemplateIf {
  return value instanceof TemplateIf;
}

/** The objects without their absent (undefined) entries, as kubectl and the schemas see them; template nodes are kept. */
export function pruneAbsent<T>(value: T): T {
  if (Array.isArray(value)) return value.map(pruneAbsent) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, pruneAbsent(v)]),
  ) as T;
}
