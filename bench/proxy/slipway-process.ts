/**
 * Slipway's proxy alone in a process, for measurements that must not include the bench's own memory
 * (idle connections). Env: UPSTREAMS (JSON [{name, port}]), WORKERS. Prints the port; stops on SIGTERM.
 */
import { startProxy } from '../../src/targets/local/proxy/index.ts';

const upstreams = JSON.parse(process.env.UPSTREAMS ?? '[]') as { name: string; port: number }[];
const proxy = await startProxy({
  host: '127.0.0.1',
  port: 0,
  retry: { methods: ['GET', 'HEAD', 'OPTIONS'], budgetPercent: 20 },
  sticky: false,
  workers: Number(process.env.WORKERS ?? 0),
});
proxy.setRoutes({
  revisions: upstreams.map((u) => ({ id: u.name, instances: [{ host: '127.0.0.1', port: u.port }] })),
  weights: Object.fromEntries(upstreams.map((u, i) => [u.name, i === 0 ? 100 : 0])),
  stable: upstreams[0]?.name,
});
process.stdout.write(`${proxy.port}\n`);
process.on('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
