/** The YAML writer: what it writes reads back (with a YAML 1.2 parser) as the same data, whatever the strings hold. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { toYaml } from '../../core/k8s/yaml.js';

test('strings, keys and nesting read back the same', () => {
  const data = {
    plain: 'text',
    looksTyped: ['yes', 'no', 'on', 'null', '0', '1e3', '0x1F', '~', '', ' leading', 'trailing ', '- dash', ': colon', '#hash', '{}', '[a]'],
    numbers: [0, -1, 2.5, 1e21],
    flags: [true, false, null],
    yes: 'a reserved key',
    'odd key: with colon': 1,
    'app.kubernetes.io/name': 'llmload',
    script: 'const a = 1;\n  indented\n\nafter an empty line\n',
    noFinalNewline: 'one\ntwo',
    firstLineIndented: '  starts with spaces\nnext',
    withTab: 'a\tb\nc',
    withCr: 'a\r\nb',
    trailingEmptyLines: 'a\n\n',
    control: 'bell\u0007\nx',
    unicode: 'größe — 日本 \u2028 line separator',
    empty: { map: {}, list: [] },
    nested: [{ a: [1, [2, 3], { b: 'c\nd' }] }, [[]]],
  };
  assert.equal(parse(toYaml(data)), data);
});

test('a multi-line string is a literal block, so a bundled script stays readable', () => {
  assert.is(toYaml({ s: 'a\nb\n' }), 's: |2\n  a\n  b\n');
  assert.is(toYaml({ s: 'a\nb' }), 's: |2-\n  a\n  b\n');
});

test.run();
