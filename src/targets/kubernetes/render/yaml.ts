/** Objects → one multi-document YAML stream (the `yaml` format of `slipway render`). */
import { stringify } from 'yaml';
import type { KubeObject } from '../objects.ts';

export function toYaml(object: unknown): string {
  // lineWidth 0: never fold long strings (digests, selectors), so diffs stay line-for-line.
  return stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

export function toYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${toYaml(o)}`).join('');
}
