import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { checkDockerfile, parseDockerfile } from '../../scripts/lint/dockerfile-policy.ts';

const ROOT = join(import.meta.dirname, '../..');
const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('examples/hello/Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'examples/hello/Dockerfile'), 'utf8');

  it('is multi-stage, digest-pinned, non-root, exec-form, health-checked and carries no secret', () => {
    assert.deepEqual(checkDockerfile(text), []);
  });

  it('installs production dependencies only, from the lockfile, without install scripts', () => {
    const runs = parseDockerfile(text)
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    assert.ok(runs.some((r) => r.includes('npm ci --omit=dev') && r.includes('--ignore-scripts')));
  });

  it('runs under tini with the service as its child', () => {
    const ins = parseDockerfile(text);
    assert.equal(ins.find((i) => i.keyword === 'ENTRYPOINT')?.args, '["/usr/bin/tini", "--"]');
    assert.equal(ins.find((i) => i.keyword === 'CMD')?.args, '["node", "src/server.ts"]');
  });

  it('is built from a context that admits only the manifests and the service source', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    assert.equal(
      ignore.find((l) => l.trim() !== '' && !l.startsWith('#')),
      '*',
    );
    assert.ok(ignore.includes('**/.env*'));
  });
});

describe('checkDockerfile', () => {
  const good = [
    `FROM node:24-bookworm-slim@${DIGEST} AS build`,
    'RUN npm ci',
    `FROM node:24-bookworm-slim@${DIGEST}`,
    'COPY --from=build /app /app',
    'USER 1000:1000',
    'HEALTHCHECK CMD ["node", "-e", "0"]',
    'CMD ["node", "server.js"]',
  ];
  const rules = (lines: string[]) => checkDockerfile(lines.join('\n')).map((v) => `${v.rule}@${v.line}`);

  it('accepts the minimal good shape', () => {
    assert.deepEqual(rules(good), []);
  });

  it('joins continuation lines and drops comments', () => {
    const ins = parseDockerfile('# c\nRUN a \\\n  # inner\n  && b\nCMD ["x"]\n');
    assert.deepEqual(ins, [
      { keyword: 'RUN', args: 'a && b', line: 2 },
      { keyword: 'CMD', args: '["x"]', line: 5 },
    ]);
  });

  const cases: [string, (l: string[]) => string[], string[]][] = [
    ['a single stage', (l) => l.slice(2), ['multi-stage@1']],
    ['a tag without digest', (l) => l.with(2, 'FROM node:24-bookworm-slim'), ['pinned-base@3']],
    ['a digest without tag', (l) => l.with(0, `FROM node@${DIGEST} AS build`), ['pinned-base@1']],
    ['a named user', (l) => l.with(4, 'USER node'), ['user@5']],
    ['root', (l) => l.with(4, 'USER 0'), ['user@5']],
    ['no user', (l) => l.toSpliced(4, 1), ['user@3']],
    ['shell-form CMD', (l) => l.with(6, 'CMD node server.js'), ['exec-form@7']],
    ['shell-form HEALTHCHECK', (l) => l.with(5, 'HEALTHCHECK CMD curl -f localhost'), ['exec-form@6']],
    ['no HEALTHCHECK', (l) => l.toSpliced(5, 1), ['healthcheck@3']],
    ['a secret build arg', (l) => l.toSpliced(1, 0, 'ARG NPM_TOKEN'), ['secret-arg@2']],
    ['a secret ENV', (l) => l.toSpliced(4, 0, 'ENV PORT=3000 DB_PASSWORD=x'), ['secret-arg@5']],
    ['a copied .env', (l) => l.toSpliced(4, 0, 'COPY .env /app/.env'), ['copy-env@5']],
  ];
  for (const [name, mutate, expected] of cases) {
    it(`flags ${name}`, () => assert.deepEqual(rules(mutate(good)), expected));
  }
});

describe('test/ci/e2e/hello-smoke.yaml (the image on kind, in e2e.yml)', () => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'test/ci/e2e/hello-smoke.yaml'), 'utf8')).map((d) =>
    d.toJS(),
  );
  const pod = docs.find((d) => d.kind === 'Deployment').spec.template.spec;
  const container = pod.containers[0];

  it('runs the image as Kubernetes will: restricted namespace, read-only root, /tmp as an emptyDir', () => {
    assert.equal(
      docs.find((d) => d.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce'],
      'restricted',
    );
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(container.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
    assert.ok(pod.volumes.some((v: { name: string; emptyDir?: object }) => v.name === 'tmp' && v.emptyDir));
  });

  it('probes the port the Dockerfile exposes', () => {
    const exposed = /^EXPOSE (\d+)$/m.exec(
      readFileSync(join(ROOT, 'examples/hello/Dockerfile'), 'utf8'),
    )?.[1];
    assert.equal(String(container.ports[0].containerPort), exposed);
  });
});
