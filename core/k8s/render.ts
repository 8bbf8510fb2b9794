/** The manifest as text: YAML documents or a JSON v1 List for kubectl, or a values file for the Helm chart. */
import { buildManifest, type ManifestSpec } from './manifest.js';
import { toYaml, toYamlDocuments } from './yaml.js';

export type ManifestFormat = 'yaml' | 'json' | 'helm-values';

export function renderManifest(spec: ManifestSpec, format: ManifestFormat): string {
  if (format === 'helm-values') return `# Values for charts/llmload, written by llmload k8s manifest.\n${toYaml(chartValuesOf(spec))}`;
  const objects = buildManifest(spec);
  if (format === 'json') return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n';
  return toYamlDocuments(objects);
}

/** The chart's values (chart.ts: VALUES_SCHEMA) that render the same objects as `spec`; the release name is the --name. */
export function chartValuesOf(spec: ManifestSpec): Record<string, unknown> {
  return {
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    instances: Number(spec.instances),
    port: spec.port,
    resources: spec.resources,
    envFromSecret: spec.envFromSecret ?? '',
    report: { claimName: spec.reportClaim ?? '' },
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished,
    args: spec.args,
    script: spec.script,
  };
}
