/**
 * `slipway dashboard [--env E]`: prints a one-time login link to the web dashboard.
 * - Every chosen environment on the local target: the daemon serves the page (it keeps running
 *   after this command exits); the link is minted with the daemon's token.
 * - Any on Kubernetes: this process serves the page on 127.0.0.1 (`--port`, default a free one)
 *   for every chosen environment, until interrupted (Ctrl-C).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { validateConfigFile } from '../../config/index.ts';
import { createDashboard } from '../../dashboard/server/server.ts';
import { targetSource } from '../../dashboard/target-source.ts';
import { DaemonClient } from '../../targets/local/index.ts';
import {
  type CommonOptions,
  type EnvironmentContext,
  engineDeps,
  guard,
  openEnvironment,
  wholeNumber,
  withCommonOptions,
} from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

interface DashboardOptions extends CommonOptions {
  port?: number;
  serve?: boolean;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('dashboard')
      .description('open the web dashboard: prints a one-time login link (loopback only)')
      .option(
        '--port <port>',
        'when this command serves the page: port on 127.0.0.1 (default: a free one)',
        wholeNumber('--port', 0),
      )
      .option('--serve', 'serve the page from this process even for local environments (until Ctrl-C)'),
  ).action(async (options: DashboardOptions) => {
    const names = await chosenEnvironments(options);
    const contexts: EnvironmentContext[] = [];
    for (const env of names) contexts.push(await openEnvironment({ ...options, env }));
    const allLocal = contexts.every((c) => c.opened.kind === 'local');
    if (allLocal && !options.serve) return daemonLink(options, contexts[0] as EnvironmentContext);
    await serveHere(options, contexts);
  });
}

async function chosenEnvironments(options: DashboardOptions): Promise<string[]> {
  if (options.env !== undefined) return [options.env];
  const result = await validateConfigFile(options.config);
  // An invalid file is reported in full by openEnvironment below.
  return result.ok ? Object.keys(result.config.environments) : [''];
}

function print(options: DashboardOptions, url: string, expiresAt: number, servedBy: string): void {
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ url, expiresAt: new Date(expiresAt).toISOString(), servedBy })}\n`,
    );
    return;
  }
  const minutes = Math.round((expiresAt - Date.now()) / 60_000);
  process.stdout.write(
    `Slipway dashboard (${servedBy}): open this one-time link within ${minutes} minutes:\n  ${url}\n`,
  );
}

async function daemonLink(options: DashboardOptions, ctx: EnvironmentContext): Promise<void> {
  const stateDir = options.stateDir ?? join(ctx.serviceDir, '.slipway');
  const client = await DaemonClient.read(stateDir);
  if (!client) throw new CliError(`no local daemon answers for ${stateDir}`, ExitCode.failed);
  const minted = await guard(() =>
    client.request<{ path: string; expiresAt: number }>('POST', '/dashboard/api/login-codes', {}),
  );
  print(options, `${client.baseUrl}${minted.path}`, minted.expiresAt, 'served by the local daemon');
}

async function serveHere(options: DashboardOptions, contexts: EnvironmentContext[]): Promise<void> {
  const token = randomBytes(32).toString('hex');
  let port = 0;
  const dashboard = createDashboard({
    source: targetSource(
      contexts.map((c) => ({ name: c.environment, opened: c.opened, deps: engineDeps(c, undefined) })),
    ),
    token,
    port: () => port,
  });
  const server = createServer((req, res) => {
    if (!dashboard.handle(req, res)) {
      res.writeHead(302, { location: '/dashboard/' });
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new CliError(
              `--port ${options.port}: 127.0.0.1:${options.port} is in use; choose another or omit --port`,
              ExitCode.invalidInput,
            )
          : err,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  dashboard.start();
  const minted = dashboard.mintCode();
  print(
    options,
    `http://127.0.0.1:${port}${minted.path}`,
    minted.expiresAt,
    'served by this command until Ctrl-C',
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dashboard.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
