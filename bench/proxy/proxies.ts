/**
 * The three proxies under test, behind one small interface: start in front of the upstreams with the given
 * parallelism, change weights the way each one is meant to be operated, stop.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startProxy } from '../../src/targets/local/proxy/index.ts';
import { freePort, run, start, stop, waitForPort } from './processes.ts';

export interface Upstream {
  name: string;
  port: number;
}

export interface BenchProxy {
  port: number;
  /** Upstream name → weight (percent). */
  setWeights(weights: Record<string, number>): Promise<void>;
  /** CPU time (user + system) the proxy has used so far, in ms, all its threads and processes. */
  cpuMs(): Promise<number>;
  /** Resident memory of the proxy (all its processes), in KiB. */
  rssKb(): Promise<number>;
  stop(): Promise<void>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU of a process and its children (nginx workers), from /proc. */
async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  let total = own;
  for (const child of children.split(' ').filter(Boolean)) total += await processCpuMs(Number(child));
  return total;
}

/** Resident memory of a process and its children (nginx workers), from /proc, in KiB. */
async function processRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  let total = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const child of children.split(' ').filter(Boolean)) total += await processRssKb(Number(child));
  return total;
}

const even = (upstreams: Upstream[]) =>
  Object.fromEntries(
    upstreams.map((u, i) => [
      u.name,
      i === 0
        ? 100 - (upstreams.length - 1) * Math.floor(100 / upstreams.length)
        : Math.floor(100 / upstreams.length),
    ]),
  );

export async function slipway(upstreams: Upstream[], workers: number): Promise<BenchProxy> {
  const proxy = await startProxy({
    host: '127.0.0.1',
    port: 0,
    retry: { methods: ['GET', 'HEAD', 'OPTIONS'], budgetPercent: 20 },
    sticky: false,
    workers,
  });
  const table = (weights: Record<string, number>) => ({
    revisions: upstreams.map((u) => ({ id: u.name, instances: [{ host: '127.0.0.1', port: u.port }] })),
    weights,
    stable: upstreams[0]!.name,
  });
  proxy.setRoutes(table(even(upstreams)));
  return {
    port: proxy.port,
    setWeights: async (weights) => proxy.setRoutes(table(weights)),
    // The bench process idles while wrk runs, so its CPU is the proxy's (all its threads).
    cpuMs: async () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    },
    // The bench's own heap is in this figure too; only the growth under idle connections is reported.
    rssKb: async () => process.memoryUsage().rss / 1024,
    stop: () => proxy.close(),
  };
}

/** Slipway in a process of its own (see slipway-process.ts): its memory is the proxy's alone. */
export async function slipwayProcess(upstreams: Upstream[], workers: number): Promise<BenchProxy> {
  const script = new URL('./slipway-process.ts', import.meta.url).pathname;
  const env = { UPSTREAMS: JSON.stringify(upstreams), WORKERS: String(workers) };
  const child = start(process.execPath, [script], env, 'pipe');
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    child.once('exit', (code) =>
      reject(new Error(`slipway-process.ts exited with ${code} before listening`)),
    );
  });
  return {
    port,
    setWeights: async () => {
      throw new Error('slipwayProcess is for idle measurements; use slipway() to switch weights');
    },
    cpuMs: () => processCpuMs(child.pid!),
    rssKb: () => processRssKb(child.pid!),
    stop: () => stop(child),
  };
}

export async function haproxy(upstreams: Upstream[], threads: number, dir: string): Promise<BenchProxy> {
  const port = await freePort();
  const socket = join(dir, 'haproxy.sock');
  const weights = even(upstreams);
  const config = `global
  nbthread ${threads}
  maxconn 4096
  stats socket ${socket} mode 600 level admin
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  balance roundrobin
  http-reuse always
${upstreams.map((u) => `  server ${u.name} 127.0.0.1:${u.port} weight ${weights[u.name]}`).join('\n')}
`;
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child = start('haproxy', ['-db', '-f', file]);
  await waitForPort(port);
  return {
    port,
    setWeights: (next) =>
      adminCommand(
        socket,
        Object.entries(next)
          .map(([name, weight]) => `set server be/${name} weight ${weight}`)
          .join(';'),
      ),
    cpuMs: () => processCpuMs(child.pid!),
    rssKb: () => processRssKb(child.pid!),
    stop: () => stop(child),
  };
}

/** One round trip on HAProxy's runtime API (non-interactive mode: the connection closes after the answer). */
function adminCommand(socketPath: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.on('data', (c: Buffer) => {
      answer += c.toString();
    });
    socket.on('error', reject);
    socket.on('end', () =>
      answer.trim() === '' ? resolve() : reject(new Error(`haproxy: ${answer.trim()}`)),
    );
    socket.end(`${command}\n`);
  });
}

export async function nginx(upstreams: Upstream[], workers: number, dir: string): Promise<BenchProxy> {
  const port = await freePort();
  const file = join(dir, 'nginx.conf');
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    await mkdir(join(dir, sub), { recursive: true });
  const render = (weights: Record<string, number>) => `daemon off;
worker_processes ${workers};
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  upstream be {
${upstreams.map((u) => (weights[u.name]! > 0 ? `    server 127.0.0.1:${u.port} weight=${weights[u.name]};` : `    server 127.0.0.1:${u.port} down;`)).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://be;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
  await writeFile(file, render(even(upstreams)));
  const child = start('nginx', ['-c', file]);
  await waitForPort(port);
  return {
    port,
    setWeights: async (weights) => {
      await writeFile(file, render(weights));
      await run('nginx', ['-c', file, '-s', 'reload'], 10_000);
    },
    cpuMs: () => processCpuMs(child.pid!),
    rssKb: () => processRssKb(child.pid!),
    stop: () => stop(child),
  };
}
