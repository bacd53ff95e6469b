/**
 * Turns `security/waivers.yaml` into each scanner's own skip mechanism, so the waiver file is the
 * only place a finding is silenced. Pure: returns the text or arguments; the CLI prints them.
 */
import { stringify } from 'yaml';
import type { Tool, Waivers } from './waivers.ts';

/** Command-line arguments for tools that skip by flag (one argument per array element). */
export function skipArgs(tool: Tool, waivers: Waivers): string[] {
  const ids = waivers[tool].map((w) => w.id);
  switch (tool) {
    case 'hadolint':
      return ids.flatMap((id) => ['--ignore', id]);
    case 'checkov':
      return ids.length > 0 ? ['--skip-check', ids.join(',')] : [];
    case 'actionlint':
      // actionlint's -ignore takes a regular expression matched against each message.
      return ids.flatMap((id) => ['-ignore', id]);
    default:
      throw new Error(`${tool} skips through a file, not arguments: use skipFile('${tool}', …)`);
  }
}

/** Content of the skip file for tools configured by file. */
export function skipFile(tool: Tool, waivers: Waivers): string {
  switch (tool) {
    case 'zizmor': {
      // zizmor's configuration: a rule is ignored in the listed files (`file.yml` or
      // `file.yml:line`), or disabled everywhere when the waiver names no path.
      const rules: Record<string, { ignore?: string[]; disable?: true }> = {};
      for (const waiver of waivers.zizmor) {
        const rule = rules[waiver.id] ?? {};
        if (waiver.paths === undefined) rule.disable = true;
        else rule.ignore = [...(rule.ignore ?? []), ...waiver.paths];
        rules[waiver.id] = rule;
      }
      return stringify({ rules });
    }
    case 'secretlint':
      // .secretlintignore syntax (gitignore globs): the files known to hold fake credentials.
      return lines(waivers.secretlint.flatMap((w) => w.paths ?? []));
    case 'trivy':
    case 'npm-audit':
      return lines(waivers[tool].map((w) => w.id));
    default:
      throw new Error(`${tool} skips through arguments, not a file: use skipArgs('${tool}', …)`);
  }
}

function lines(items: string[]): string {
  return items.map((item) => `${item}\n`).join('');
}
