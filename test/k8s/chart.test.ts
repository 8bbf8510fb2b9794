/**
 * The Helm chart: the committed charts/llmload is what `llmload k8s chart`
 * writes (run `node bin/llmload.js k8s chart charts/llmload` after changing
 * core/k8s), its templates render — for the values `k8s manifest --format
 * helm-values` prints — to the very objects `k8s manifest` prints for the
 * same flags, and those values pass values.schema.json.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1';
import { chartFiles, VALUES_SCHEMA } from '../../core/k8s/chart.js';
import { fixture, repoRoot, runCliInProcess } from '../helpers/cli.js';
import { renderGoTemplate } from '../helpers/go-template.js';

const CHART = join(repoRoot, 'charts', 'llmload');
const TEMPLATES = ['configmap.yaml', 'service.yaml', 'job.yaml'];

type Obj = Record<string, unknown>;

test('the committed chart is what llmload k8s chart writes', () => {
  for (const [path, text] of Object.entries(chartFiles())) assert.fixture(readFileSync(join(CHART, path), 'utf8'), text, `charts/llmload/${path} is up to date`);
});

function renderChart(values: Obj, release: { Name: string; Namespace: string }): Obj[] {
  const helpers = readFileSync(join(CHART, 'templates', '_helpers.tpl'), 'utf8');
  return TEMPLATES.map((file) => {
    const text = renderGoTemplate(readFileSync(join(CHART, 'templates', file), 'utf8'), { Values: values, Release: release }, helpers);
    const docs = parseAllDocuments(text);
    assert.is(docs.length, 1, file);
    assert.equal(docs[0]!.errors, [], `${file} renders to valid YAML`);
    return docs[0]!.toJS() as Obj;
  });
}

for (const [title, flags] of [
  ['with a Secret and an emptyDir report', ['--env-from-secret', 'llm-api', '--url', 'http://vllm.inference:8000']],
  ['with a report claim and no Secret', ['--report-claim', 'llmload-reports', '--resources', 'cpu=500m,memory=1Gi', '--port', '7000']],
] as const) {
  test(`the chart renders the objects of k8s manifest ${title}`, async () => {
    const common = ['k8s', 'manifest', fixture('k8s/scenario.ts'), '--instances', '5', '--image', 'llmload:dev', '--name', 'sweep', '--namespace', 'bench', ...flags];
    const objects = parseAllDocuments((await runCliInProcess(common)).stdout).map((d) => d.toJS() as Obj);
    const valuesRun = await runCliInProcess([...common, '--format', 'helm-values']);
    assert.is(valuesRun.code, 0, valuesRun.stderr);
    const values = parse(valuesRun.stdout) as Obj;
    const ajv = new Ajv({ allErrors: true, strict: false });
    assert.ok(ajv.validate(VALUES_SCHEMA, values), JSON.stringify(ajv.errors));
    assert.equal(renderChart(values, { Name: 'sweep', Namespace: 'bench' }), objects);
    new Job(objects[2]).validate();
  });
}

test("the chart's default values, with the required ones given, pass the schema; without them they do not", () => {
  const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Obj;
  const ajv = new Ajv({ strict: false });
  assert.not.ok(ajv.validate(VALUES_SCHEMA, defaults), 'image, script and activeDeadlineSeconds are required');
  assert.ok(ajv.validate(VALUES_SCHEMA, { ...defaults, image: 'llmload:dev', script: 'export default () => {}', activeDeadlineSeconds: 600 }), JSON.stringify(ajv.errors));
});

test.run();
