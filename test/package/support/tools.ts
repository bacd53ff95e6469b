/**
 * The pinned tools of the packaging tests (Node 20, Yarn v1, Yarn Berry, pnpm), installed from the
 * npm registry into the cache by `npm test` (scripts/prerequisites/list.ts). Without one the test
 * is skipped locally and fails under CI=true, where it must run.
 */
import type { TestContext } from 'node:test';
import { PREREQUISITES, toolPath } from '../../../scripts/prerequisites/index.ts';

export function requireTool(t: TestContext, id: string): string | undefined {
  const path = toolPath(id);
  if (path) return path;
  const entry = PREREQUISITES.find((p) => (p.id ?? p.bin) === id);
  const why = `${id} is not installed (${entry?.why ?? 'unknown tool'}): run npm run prerequisites`;
  if (process.env.CI === 'true') throw new Error(why);
  t.skip(why);
  return undefined;
}
