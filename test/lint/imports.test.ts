/** The import lint on small trees written for each case: what it must catch, and what it must let pass. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { ALLOWED } from '../../scripts/lint/import-layers.ts';
import { checkImports, circles } from '../../scripts/lint/imports.ts';

const roots: string[] = [];
after(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-imports-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

test('imports downward through the layers pass', async () => {
  const root = await tree({
    'src/core/spec.ts': 'export const a = 1;\n',
    'src/engine/run.ts': "import { a } from '../core/spec.ts';\nexport const b = a;\n",
    'src/cli/main.ts': "import { b } from '../engine/run.ts';\nexport const c = b;\n",
  });
  assert.deepEqual(await checkImports(root, []), []);
});

test('a lower folder importing a higher one is named with both layers', async () => {
  const root = await tree({
    'src/core/spec.ts': "import type { B } from '../engine/run.ts';\nexport type A = B;\n",
    'src/engine/run.ts': 'export type B = number;\n',
  });
  const findings = await checkImports(root, []);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.rule, 'layer');
  assert.match(
    findings[0]?.message ?? '',
    /src\/core\/spec\.ts imports src\/engine\/run\.ts: core\/ is on layer 0, engine\/ on layer 2/,
  );
});

test('peers on one layer do not import each other', async () => {
  const root = await tree({
    'src/config/load.ts': "import { q } from '../providers/query.ts';\nexport const l = q;\n",
    'src/providers/query.ts': 'export const q = 1;\n',
  });
  const [finding] = await checkImports(root, []);
  assert.match(finding?.message ?? '', /both are on layer 1/);
});

test('a circle inside one folder is one group, even through type-only imports', async () => {
  const root = await tree({
    'src/engine/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
    'src/engine/b.ts': "import type { C } from './c.ts';\nexport type B = { c?: C };\n",
    'src/engine/c.ts': "import type { A } from './a.ts';\nexport type C = { a?: A };\n",
  });
  const findings = await checkImports(root, []);
  assert.ok(findings.every((f) => f.rule === 'circle'));
  assert.deepEqual(circles(findings), [['src/engine/a.ts', 'src/engine/b.ts', 'src/engine/c.ts']]);
});

test('an allow-listed edge is left out; a folder not in the layer order is reported', async () => {
  const root = await tree({
    'src/core/spec.ts': "import { b } from '../engine/run.ts';\nexport const a = b;\n",
    'src/engine/run.ts': 'export const b = 1;\n',
    'src/gadgets/x.ts': 'export const x = 1;\n',
  });
  const edge = 'src/core/spec.ts -> src/engine/run.ts';
  const findings = await checkImports(root, [
    { edge, reason: 'the spec names the loop for a generated document that runs it' },
  ]);
  assert.deepEqual(
    findings.map((f) => f.rule),
    ['unplaced-folder'],
  );
  assert.match(findings[0]?.message ?? '', /src\/gadgets\/ is not placed/);
  // An entry without a real reason does not count as allowed: it is a finding of its own.
  for (const reason of ['', 'todo: remove later']) {
    const rules = (await checkImports(root, [{ edge, reason }])).map((f) => f.rule);
    assert.deepEqual(rules, ['allow-reason', 'unplaced-folder']);
  }
});

test('the repository itself: no circle, no back-arrow, and the allow-list is empty', async () => {
  assert.deepEqual(ALLOWED, []);
  assert.deepEqual(await checkImports(process.cwd()), []);
});
