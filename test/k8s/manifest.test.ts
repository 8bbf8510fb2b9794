/**
 * `llmload k8s manifest`: the printed objects match the golden file, every
 * object passes the Kubernetes schemas of its kind (kubernetes-models), the
 * Job has the fields a distributed test relies on, secrets never appear, and
 * a script too large for a ConfigMap is refused with its size.
 *
 * LLMLOAD_UPDATE_GOLDEN=1 rewrites the golden file.
 */
/* eslint-disable @typescript-eslint/no-unsafe-call -- parsed YAML objects, read by path in the assertions */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { fixture, runCliInProcess } from '../helpers/cli.js';
import { checkConfigMapSize, CONFIGMAP_MAX_BYTES } from '../../core/k8s/plan-manifest.js';
import { INSTANCE_OFFSET_ENV, RUNNER_INDEX_OFFSET } from '../../core/k8s/pod-command.js';

const GOLDEN = fixture('k8s/manifest.golden.yaml');
const FLAGS = ['k8s', 'manifest', fixture('k8s/scenario.ts'), '--instances', '3', '--image', 'ghcr.io/acme/llmload:0.1.0'];
const FULL = [...FLAGS, '--name', 'chat-test', '--namespace', 'loadtest', '--env-from-secret', 'llm-api', '--resources', 'cpu=4,memory=8Gi', '--url', 'http://vllm.inference:8000'];

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parseYaml(text: string): Obj[] {
  return parseAllDocuments(text).map((doc) => {
    assert.equal(doc.errors, [], 'the YAML parses');
    return doc.toJS() as Obj;
  });
}

async function manifest(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCliInProcess(args, { env });
}

function validate(object: Obj): void {
  const model = { ConfigMap, Service, Job }[object['kind'] as 'ConfigMap' | 'Service' | 'Job'];
  assert.ok(model, `a known kind: ${object['kind']}`);
  new model(object).validate();
}

test('the manifest is the golden file, and every object passes the Kubernetes schemas of its kind', async () => {
  const run = await manifest(FULL);
  assert.is(run.code, 0, run.stderr);
  if (process.env['LLMLOAD_UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, run.stdout);
  assert.fixture(run.stdout, readFileSync(GOLDEN, 'utf8'));
  const objects = parseYaml(run.stdout);
  assert.equal(
    objects.map((o) => o['kind']),
    ['ConfigMap', 'Service', 'Job'],
  );
  for (const object of objects) validate(object);
});

test('the JSON form is a v1 List of the same objects', async () => {
  const yaml = parseYaml((await manifest(FULL)).stdout);
  const json = JSON.parse((await manifest([...FULL, '--format', 'json'])).stdout) as Obj;
  assert.is(json['kind'], 'List');
  assert.equal(json['items'], yaml);
});

test('the Job: Indexed, N+1 pods, no retries, fails on a non-zero exit or a disruption, succeeds with index 0, deadline from the plan', async () => {
  const [configMap, service, job] = parseYaml((await manifest(FULL)).stdout) as [Obj, Obj, Obj];
  const spec = job['spec'];
  assert.is(spec.completionMode, 'Indexed');
  assert.is(spec.completions, 4);
  assert.is(spec.parallelism, 4);
  assert.is(spec.backoffLimitPerIndex, 0);
  assert.is(spec.maxFailedIndexes, 0);
  assert.equal(spec.successPolicy, { rules: [{ succeededIndexes: '0' }] });
  assert.equal(
    spec.podFailurePolicy.rules.map((r: Obj) => r['action']),
    ['FailJob', 'FailJob'],
  );
  assert.equal(spec.podFailurePolicy.rules[0].onExitCodes, { containerName: 'llmload', operator: 'NotIn', values: [0] });
  assert.equal(spec.podFailurePolicy.rules[1].onPodConditions, [{ type: 'DisruptionTarget', status: 'True' }]);
  // 70 s planned with graceful stops + setup and teardown timeouts (60 s each) + the 5 min margin.
  assert.is(spec.activeDeadlineSeconds, 70 + 60 + 60 + 300);
  assert.is(spec.ttlSecondsAfterFinished, 3600);
  const pod = spec.template.spec;
  assert.is(pod.restartPolicy, 'Never');
  assert.is(pod.automountServiceAccountToken, false);
  assert.is(pod.subdomain, service['metadata'].name, "the pods' subdomain is the headless Service");
  assert.is(service['spec'].clusterIP, 'None');
  assert.equal(service['spec'].selector, spec.template.metadata.labels);
  assert.is(pod.topologySpreadConstraints[0].topologyKey, 'kubernetes.io/hostname');
  const container = pod.containers[0];
  assert.equal(container.resources.requests, { cpu: '4', memory: '8Gi' });
  assert.equal(container.resources.limits, container.resources.requests);
  assert.equal(container.envFrom, [{ secretRef: { name: 'llm-api' } }]);
  assert.is(container.securityContext.readOnlyRootFilesystem, true);
  const env = Object.fromEntries(container.env.map((e: Obj) => [e['name'], e['value']]));
  assert.equal(env, {
    LLMLOAD_INSTANCES: '3',
    [INSTANCE_OFFSET_ENV]: String(RUNNER_INDEX_OFFSET),
    LLMLOAD_COORDINATOR_URL: 'http://chat-test-0.chat-test:6565',
    LLMLOAD_LISTEN: '0.0.0.0:6565',
    LLMLOAD_REPORT: '/reports/chat-test',
    HOME: '/tmp',
  });
  assert.equal(container.args, ['--workers', '4', '--url', 'http://vllm.inference:8000']);
  assert.ok(configMap['data']['script.mjs'].includes('from "llmload"'), "the bundle keeps import 'llmload' for the image's package");
  assert.not.ok(configMap['data']['script.mjs'].includes(process.cwd()), 'no folder of this machine travels in the bundle');
});

test('a report claim replaces the emptyDir', async () => {
  const [, , job] = parseYaml((await manifest([...FLAGS, '--report-claim', 'llmload-reports'])).stdout) as [Obj, Obj, Obj];
  const reports = job['spec'].template.spec.volumes.find((v: Obj) => v['name'] === 'reports');
  assert.equal(reports, { name: 'reports', persistentVolumeClaim: { claimName: 'llmload-reports' } });
  validate(job);
});

test('an API key in the environment never appears in the objects; one written into the script or the flags is refused', async () => {
  const key = 'sk-test-0123456789abcdef';
  const run = await manifest(FULL, { OPENAI_API_KEY: key });
  assert.is(run.code, 0, run.stderr);
  assert.not.ok(run.stdout.includes(key));

  const dir = mkdtempSync(join(tmpdir(), 'llmload-k8s-'));
  const script = join(dir, 'inline-key.ts');
  writeFileSync(script, `export const options = { target: { headers: { authorization: 'Bearer ${key}' } } };\nexport default async function () {}\n`);
  const inline = await manifest(['k8s', 'manifest', script, '--instances', '2', '--image', 'img'], { OPENAI_API_KEY: key });
  assert.is(inline.code, 2);
  assert.match(inline.stderr, /script contains the value of OPENAI_API_KEY/);
  assert.not.ok(inline.stdout.includes(key) || inline.stderr.includes(key));

  const flag = await manifest([...FLAGS, '--url', `http://user:${key}@vllm:8000`], { OPENAI_API_KEY: key });
  assert.is(flag.code, 2);
  assert.not.ok(flag.stdout.includes(key));
});

test('a bundle over the ConfigMap limit is refused with its size and the alternatives', async () => {
  checkConfigMapSize('x'.repeat(CONFIGMAP_MAX_BYTES));
  const dir = mkdtempSync(join(tmpdir(), 'llmload-k8s-'));
  const script = join(dir, 'big.ts');
  writeFileSync(script, `export const prompts = ${JSON.stringify('a'.repeat(CONFIGMAP_MAX_BYTES + 10))};\nexport default async function () {}\n`);
  const run = await manifest(['k8s', 'manifest', script, '--instances', '2', '--image', 'img']);
  assert.is(run.code, 107);
  assert.match(run.stderr, /bundled script is 1\.\d\d MiB \(\d+ bytes\), over the 1\.00 MiB \(1048576 bytes\) a ConfigMap can hold/);
  assert.match(run.stderr, /volume/);
  assert.match(run.stderr, /image/);
  assert.is(run.stdout, '');
});

test('flags are checked before anything is printed', async () => {
  for (const [flags, message] of [
    [['--name', 'Bad_Name'], /--name: "Bad_Name" is not a Kubernetes name/],
    [['--resources', 'cpu=2'], /--resources: give memory too/],
    [['--resources', 'cpu=two,memory=1Gi'], /"two" is not a Kubernetes quantity/],
    [['--port', '70000'], /--port: 70000 is not a TCP port/],
  ] as const) {
    const run = await manifest([...FLAGS, ...flags]);
    assert.is(run.code, 2, flags.join(' '));
    assert.match(run.stderr, message);
    assert.is(run.stdout, '');
  }
  const zero = await manifest([...FLAGS.slice(0, 3), '--instances', '0', '--image', 'img']);
  assert.is(zero.code, 2);
});

test.run();
