/**
 * The repository's own rules for GitHub Actions files, on top of actionlint and zizmor: what a
 * reviewer would otherwise have to check by eye in every pull request.
 *
 *  - every third-party `uses:` is pinned to a full 40-hex commit SHA with the version in a comment
 *    (`owner/repo@<sha> # v1.2.3`); `docker://` images are pinned by digest; `./` is local
 *  - no `secrets: inherit` (a called workflow gets only the secrets it names)
 *  - top-level `permissions` is present and grants nothing beyond read
 *  - every `actions/checkout` sets `persist-credentials: false`
 *  - no `${{ … }}` inside `run:` (template injection); values reach scripts through `env:`
 *
 * Pure: takes the file's text, returns violations with line numbers.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Scalar, visit } from 'yaml';

export interface Violation {
  file: string;
  line: number;
  rule:
    | 'unpinned-uses'
    | 'missing-version-comment'
    | 'secrets-inherit'
    | 'permissions'
    | 'persist-credentials'
    | 'run-expression'
    | 'yaml';
  message: string;
}

const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const DOCKER_PIN = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /^\s*v?\d+(\.\d+){0,2}\b/;
const READ_ONLY = new Set(['read', 'none']);

export function checkWorkflowText(file: string, text: string): Violation[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => ({
      file,
      line: e.linePos?.[0].line ?? 1,
      rule: 'yaml',
      message: e.message,
    }));
  }
  const out: Violation[] = [];
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  const add = (node: Parameters<typeof lineOf>[0], rule: Violation['rule'], message: string) =>
    out.push({ file, line: lineOf(node), rule, message });

  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      const value = pair.value as Scalar;
      const text = String(value.value);
      if (key === 'uses') checkUses(text, value, add);
      if (key === 'secrets' && text === 'inherit') {
        add(
          value,
          'secrets-inherit',
          'secrets: inherit passes every secret to the called workflow; name the ones it needs',
        );
      }
      if (key === 'run' && text.includes('${{')) {
        add(
          value,
          'run-expression',
          `a \${{ }} expression inside run: is template injection; pass the value through env: and use "$VAR"`,
        );
      }
    },
    Map(_, map) {
      const uses = map.get('uses');
      if (typeof uses !== 'string' || !uses.startsWith('actions/checkout@')) return;
      const withMap = map.get('with');
      const persist = isMap(withMap) ? withMap.get('persist-credentials') : undefined;
      if (persist !== false) {
        add(
          map,
          'persist-credentials',
          'actions/checkout must set persist-credentials: false (the token would stay in .git/config)',
        );
      }
    },
  });

  const root = doc.contents;
  const isWorkflow = isMap(root) && root.has('jobs');
  if (isWorkflow) {
    const permissions: unknown = root.get('permissions', true);
    if (permissions === undefined) {
      add(root, 'permissions', 'no top-level permissions: set `permissions: {}` and grant per job');
    } else if (isScalar(permissions)) {
      if (permissions.value !== 'read-all')
        add(
          permissions,
          'permissions',
          `top-level permissions '${String(permissions.value)}' is not read-only`,
        );
    } else if (isMap(permissions)) {
      for (const item of permissions.items) {
        if (isPair(item) && isScalar(item.value) && !READ_ONLY.has(String(item.value.value))) {
          add(
            item.value,
            'permissions',
            `top-level permission ${String((item.key as Scalar).value)}: ${String(item.value.value)} is not read-only; grant it in the job that needs it`,
          );
        }
      }
    } else if (!isSeq(permissions)) {
      add(root, 'permissions', 'top-level permissions must be {} or a map of read scopes');
    }
  }
  return out;
}

function checkUses(
  ref: string,
  node: Scalar,
  add: (node: Scalar, rule: Violation['rule'], message: string) => void,
): void {
  if (ref.startsWith('./') || ref.startsWith('$/')) return; // this repository, same commit
  if (ref.startsWith('docker://')) {
    if (!DOCKER_PIN.test(ref))
      add(node, 'unpinned-uses', `${ref} is not pinned by digest (docker://image@sha256:…)`);
    return;
  }
  if (!SHA_PIN.test(ref)) {
    add(
      node,
      'unpinned-uses',
      `${ref} is not pinned to a full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)`,
    );
    return;
  }
  if (!node.comment || !VERSION_COMMENT.test(node.comment)) {
    add(
      node,
      'missing-version-comment',
      `${ref} has no version comment (# vX.Y.Z) for reviewers and Dependabot`,
    );
  }
}
