/**
 * Two differently shaped Node projects for `slipway init` tests (and for the supply-chain script,
 * which runs the real linters over init's output): an Express JavaScript app with npm and no CI,
 * and a Fastify TypeScript app with pnpm, a build step and a CI workflow of its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function write(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function expressJs(root: string): string {
  return write(root, {
    'package.json': JSON.stringify(
      {
        name: 'orders-api',
        description: 'Orders API',
        main: 'server.js',
        scripts: { start: 'node server.js', test: 'node --test', lint: 'eslint .' },
        dependencies: { express: '^5.1.0' },
      },
      null,
      2,
    ),
    'package-lock.json': JSON.stringify({
      name: 'orders-api',
      lockfileVersion: 3,
      requires: true,
      packages: {},
    }),
    'server.js': [
      "const express = require('express');",
      'const app = express();',
      "app.get('/health', (_req, res) => res.send('ok'));",
      'app.listen(process.env.PORT || 8081);',
      '',
    ].join('\n'),
    '.git/config': '[remote "origin"]\n\turl = git@github.com:Acme/Orders-API.git\n',
  });
}

export function fastifyTs(root: string): string {
  return write(root, {
    'package.json': JSON.stringify(
      {
        name: '@acme/catalog',
        type: 'module',
        packageManager: 'pnpm@10.12.1',
        scripts: {
          build: 'tsc -p .',
          start: 'node dist/main.js',
          test: 'vitest run',
          typecheck: 'tsc --noEmit',
        },
        dependencies: { fastify: '^5.6.0' },
      },
      null,
      2,
    ),
    'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
    'src/main.ts': [
      "import Fastify from 'fastify';",
      'const app = Fastify();',
      "app.get('/healthz', async () => ({ ok: true }));",
      "await app.listen({ port: Number(process.env.PORT ?? '4000'), host: '0.0.0.0' });",
      '',
    ].join('\n'),
    '.github/workflows/test.yml':
      'name: test\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo mine\n',
    Dockerfile: 'FROM node:22\nCOPY . .\nCMD npm start\n',
  });
}
