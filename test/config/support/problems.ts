/** Helpers shared by the config tests: a small valid config and a way to read its problems. */
import assert from 'node:assert/strict';
import { type ConfigProblem, validateConfigText } from '../../../src/config/index.ts';

/** The smallest config with one local and one kubernetes environment. */
export const MINIMAL = `service: hello
artifact:
  image: ghcr.io/acme/hello
  local: { path: ., start: node src/server.ts }
environments:
  dev:
    target: local
    proxy: { port: 8700 }
  prod:
    target: kubernetes
`;

export function problemsOf(yaml: string, environment?: string): ConfigProblem[] {
  const result = validateConfigText(yaml, 'slipway.yaml', environment === undefined ? {} : { environment });
  return result.ok ? [] : result.problems;
}

/** Asserts that the problem at `path` exists and its message matches; returns it for more checks. */
export function expectProblem(problems: ConfigProblem[], path: string, message: RegExp): ConfigProblem {
  const found = problems.find((p) => p.path === path && message.test(p.message));
  assert.ok(
    found,
    `expected a problem at ${path} matching ${message}; got:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
  );
  return found;
}
