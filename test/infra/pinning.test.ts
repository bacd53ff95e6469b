/**
 * Everything the Terraform code downloads is pinned to an exact version: registry modules
 * (`version = "21.26.0"`, never `~>`), and the add-ons' Helm charts.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { attribute, moduleBlocks } from './hcl.ts';

const TF = join(import.meta.dirname, '../../infra/terraform');
const EXACT = /^"v?\d+\.\d+\.\d+"$/;

function moduleDirs(dir: string): string[] {
  const here = readdirSync(dir).some((n) => n.endsWith('.tf')) ? [dir] : [];
  const below = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory())
    .flatMap((n) => moduleDirs(join(dir, n)));
  return [...here, ...below];
}

describe('pinning', () => {
  it('every registry module is pinned to an exact version', () => {
    let registryModules = 0;
    for (const dir of moduleDirs(TF)) {
      for (const block of moduleBlocks(dir).filter((b) => b.type === 'module')) {
        const source = attribute(block.body, 'source') ?? '';
        if (source.startsWith('"./') || source.startsWith('"../')) continue;
        registryModules++;
        const version = attribute(block.body, 'version');
        assert.match(
          version ?? '(none)',
          EXACT,
          `${relative(TF, block.file)}: module "${block.label}" (${source}) needs an exact version`,
        );
      }
    }
    assert.ok(
      registryModules >= 3,
      `expected the vpc, eks and kubernetes-engine modules, found ${registryModules}`,
    );
  });

  it('every add-on chart version is exact', () => {
    const variables = moduleBlocks(join(TF, 'modules/addons')).find(
      (b) => b.type === 'variable' && b.label === 'chart_versions',
    );
    const defaultBlock = (variables?.body ?? '').split(/^\s*default\s*=/m)[1] ?? '';
    const defaults = [...defaultBlock.matchAll(/^\s*(\w+)\s*=\s*("[^"]*")/gm)];
    assert.ok(defaults.length >= 4, 'chart_versions defaults not found');
    for (const [, name, version] of defaults) assert.match(version ?? '', EXACT, `chart ${name}`);
  });
});
