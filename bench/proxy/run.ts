/**
 * `npm run bench:proxy`: the example app direct, through Slipway's proxy, HAProxy and nginx, side by side
 * with the same wrk settings in one run (medians of interleaved runs, so that noise from a shared machine
 * hits every row alike) for each upstream, then latency at half of Slipway's maximum load (vegeta, fixed
 * rate), memory per idle keep-alive connection, and errors while switching weights every 100 ms under
 * load (those three on the first upstream). Prints markdown tables; asserts nothing.
 *
 * Options: --seconds N (5, per throughput and switching run) --runs N (3) --connections N (50)
 *          --upstream hello,plain (both, in that order; `plain` is a bare node:http server)
 *          --half-seconds N (30, per half-load run) --idle N (1000 idle connections)
 *          --workers 0,2 (Slipway worker threads, one row each; default: the default count and 2)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkers } from '../../src/targets/local/proxy/index.ts';
import { type LoadResult, vegeta, wrk } from './load.ts';
import { freePort, hasTool, start, stopAll, waitForPort } from './processes.ts';
import { type BenchProxy, haproxy, nginx, slipway, slipwayProcess, type Upstream } from './proxies.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    upstream: { type: 'string', default: 'hello,plain' },
    'half-seconds': { type: 'string', default: '30' },
    idle: { type: 'string', default: '1000' },
    workers: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const halfSeconds = Number(values['half-seconds']);
const idleConnections = Number(values.idle);
const upstreamKinds = values.upstream.split(',').map((u) => u.trim());
for (const kind of upstreamKinds) {
  if (kind !== 'hello' && kind !== 'plain') {
    throw new Error(`--upstream lists "${kind}": use hello, plain or both (hello,plain)`);
  }
}
const settings = { threads: 1, connections: Number(values.connections), seconds };
const workerCounts = (values.workers ?? [...new Set([defaultWorkers(), 2])].join(','))
  .split(',')
  .map((w) => Number(w));
const parallelism = Math.max(1, ...workerCounts);
const root = new URL('../../', import.meta.url).pathname;
const helloServer = join(root, 'examples/hello/src/server.ts');
const vegetaBin = [join(homedir(), '.cache/slipway/go/bin/vegeta'), 'vegeta'].find(
  (b) => existsSync(b) || hasTool(b),
);

const INSTALL = {
  wrk: 'apt-get update && apt-get install -y wrk',
  haproxy: 'apt-get update && apt-get install -y haproxy',
  nginx: 'apt-get update && apt-get install -y nginx',
  vegeta: 'GOBIN=~/.cache/slipway/go/bin go install github.com/tsenart/vegeta/v12@v12.12.0',
};

async function startUpstream(name: string, kind: string): Promise<Upstream> {
  const port = await freePort();
  const useHello = kind === 'hello' && existsSync(helloServer);
  const script = useHello ? helloServer : join(root, 'bench/proxy/plain-upstream.ts');
  start(process.execPath, [script], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    APP_VERSION: name,
  });
  await waitForPort(port);
  return { name, port };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

interface Row {
  name: string;
  open: (upstreams: Upstream[]) => Promise<BenchProxy | undefined>;
  /** The same proxy alone in its own process, where that differs (memory must not include the bench's). */
  openAlone?: (upstreams: Upstream[]) => Promise<BenchProxy>;
}

async function main(): Promise<void> {
  if (!hasTool('wrk')) {
    console.log(`wrk is not installed; install it with: ${INSTALL.wrk}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-proxy-'));
  const rows: Row[] = [{ name: 'direct', open: async () => undefined }];
  for (const w of workerCounts) {
    rows.push({
      name: `slipway (${w === 0 ? 'in-thread' : `${w} worker${w > 1 ? 's' : ''}`})`,
      open: (u) => slipway(u, w),
      openAlone: (u) => slipwayProcess(u, w),
    });
  }
  const skipped: string[] = [];
  if (hasTool('haproxy'))
    rows.push({ name: `haproxy (${parallelism} thr)`, open: (u) => haproxy(u, parallelism, dir) });
  else skipped.push(`haproxy: not installed; install with: ${INSTALL.haproxy}`);
  if (hasTool('nginx'))
    rows.push({ name: `nginx (${parallelism} wrk)`, open: (u) => nginx(u, parallelism, dir) });
  else skipped.push(`nginx: not installed; install with: ${INSTALL.nginx}`);
  try {
    console.log(
      `wrk -t${settings.threads} -c${settings.connections} -d${seconds}s; ${runs} interleaved runs; median; ` +
        `load average ${loadAverage()}\n`,
    );
    let first: { blue: Upstream; green: Upstream; max: Map<string, LoadResult> } | undefined;
    for (const kind of upstreamKinds) {
      const blue = await startUpstream('blue', kind);
      const label = kind === 'hello' && existsSync(helloServer) ? 'examples/hello' : 'plain node:http';
      const max = await throughput(rows, blue, label);
      if (first === undefined) first = { blue, green: await startUpstream('green', kind), max };
    }
    const { blue, green, max } = first!;
    await halfLoad(rows, blue, max);
    await idleMemory(rows.slice(1), blue);
    await switching(rows.slice(1), blue, green);
    console.log(`load average at the end: ${loadAverage()}`);
    for (const line of skipped) console.log(`skipped ${line}`);
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

const loadAverage = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
};

async function throughput(rows: Row[], upstream: Upstream, label: string): Promise<Map<string, LoadResult>> {
  const results = new Map<string, LoadResult[]>(rows.map((r) => [r.name, []]));
  const cpu = new Map<string, number[]>(rows.map((r) => [r.name, []]));
  const open = new Map<string, BenchProxy | undefined>();
  try {
    for (const row of rows) open.set(row.name, await row.open([upstream]));
    for (let run = 0; run < runs; run++) {
      for (const row of rows) {
        const proxy = open.get(row.name);
        const before = (await proxy?.cpuMs()) ?? 0;
        const result = await wrk(`http://127.0.0.1:${proxy?.port ?? upstream.port}/`, settings);
        results.get(row.name)!.push(result);
        if (proxy)
          cpu.get(row.name)!.push((((await proxy.cpuMs()) - before) * 1000) / Math.max(1, result.requests));
      }
    }
  } finally {
    for (const proxy of open.values()) await proxy?.stop();
  }
  const medians = new Map(
    [...results].map(([name, rs]) => [
      name,
      {
        rps: median(rs.map((r) => r.rps)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        errors: rs.reduce((s, r) => s + r.errors, 0),
        requests: rs.reduce((s, r) => s + r.requests, 0),
      },
    ]),
  );
  const haproxyName = rows.find((r) => r.name.startsWith('haproxy'))?.name;
  const haproxyRps = haproxyName ? medians.get(haproxyName)?.rps : undefined;
  const cpuPerRequest = (name: string) => (cpu.get(name)!.length > 0 ? median(cpu.get(name)!) : undefined);
  const haproxyCpu = haproxyName ? cpuPerRequest(haproxyName) : undefined;
  console.log(`### Maximum throughput, upstream ${label}\n`);
  console.log(
    '| path | req/s | p50 ms | p99 ms | errors | vs HAProxy | proxy CPU µs/req | CPU efficiency vs HAProxy |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, m] of medians) {
    const ratio = haproxyRps ? `${fmt(m.rps / haproxyRps)}x` : 'n/a';
    const perRequest = cpuPerRequest(name);
    const efficiency = perRequest && haproxyCpu ? `${fmt(haproxyCpu / perRequest)}x` : '-';
    console.log(
      `| ${name} | ${fmt(m.rps, 0)} | ${fmt(m.p50Ms)} | ${fmt(m.p99Ms)} | ${m.errors} | ${ratio} | ${perRequest ? fmt(perRequest, 1) : '-'} | ${efficiency} |`,
    );
  }
  console.log('');
  return medians;
}

async function halfLoad(rows: Row[], upstream: Upstream, max: Map<string, LoadResult>): Promise<void> {
  if (vegetaBin === undefined) {
    console.log(`skipped latency at half load: vegeta is not installed; install with: ${INSTALL.vegeta}\n`);
    return;
  }
  const rates = [...max].filter(([name]) => name.startsWith('slipway')).map(([, m]) => m.rps);
  const rate = Math.round(Math.max(...rates) / 2);
  const results = new Map<string, LoadResult[]>(rows.map((r) => [r.name, []]));
  const open = new Map<string, BenchProxy | undefined>();
  try {
    for (const row of rows) open.set(row.name, await row.open([upstream]));
    for (let run = 0; run < runs; run++) {
      for (const row of rows) {
        const port = open.get(row.name)?.port ?? upstream.port;
        // One failed run (vegeta killed on an overloaded machine) is reported, not fatal to the bench.
        const result = await vegeta(vegetaBin, `http://127.0.0.1:${port}/`, rate, halfSeconds).catch(
          (error: Error) => {
            console.log(`(${row.name}, run ${run + 1}: ${error.message.split('\n')[0]})`);
            return undefined;
          },
        );
        if (result !== undefined) results.get(row.name)!.push(result);
      }
    }
  } finally {
    for (const proxy of open.values()) await proxy?.stop();
  }
  const p99s = (name: string) => results.get(name)!.map((r) => r.p99Ms);
  const direct = p99s('direct').length > 0 ? median(p99s('direct')) : Number.NaN;
  console.log(
    `### Latency at ${rate} req/s (half of Slipway's best maximum), vegeta fixed rate, ${halfSeconds} s per run\n`,
  );
  console.log('| path | p50 ms | p99 ms | added p99 ms | errors |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, rs] of results) {
    if (rs.length === 0) {
      console.log(`| ${name} | - | - | - | (no run finished) |`);
      continue;
    }
    const p99 = median(rs.map((r) => r.p99Ms));
    const added = name === 'direct' ? '-' : fmt(p99 - direct);
    const errors = rs.reduce((s, r) => s + r.errors, 0);
    console.log(`| ${name} | ${fmt(median(rs.map((r) => r.p50Ms)))} | ${fmt(p99)} | ${added} | ${errors} |`);
  }
  console.log('');
}

/**
 * What each proxy's resident memory grows by while it holds `idleConnections` keep-alive connections
 * that each carried one request (clients in a child process, so they are not counted for in-thread
 * Slipway, which lives in this process).
 */
async function idleMemory(rows: Row[], upstream: Upstream): Promise<void> {
  console.log(
    `### Memory for ${idleConnections} idle keep-alive connections (one request each; Slipway in its own process)\n`,
  );
  console.log('| proxy | RSS before MiB | RSS with connections MiB | growth per 1,000 connections MiB |');
  console.log('|---|---:|---:|---:|');
  const script = join(root, 'bench/proxy/idle-clients.ts');
  for (const row of rows) {
    const proxy = (await (row.openAlone ?? row.open)([upstream]))!;
    try {
      // Warm first (JIT, pools, young generation grown): the growth read next is the connections'.
      await wrk(`http://127.0.0.1:${proxy.port}/`, { ...settings, seconds: 2 });
      await new Promise((r) => setTimeout(r, 500));
      const before = await proxy.rssKb();
      const child = spawn(process.execPath, [script, String(proxy.port), String(idleConnections)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 60_000);
        child.stdout.on('data', (c: Buffer) => {
          if (c.toString().startsWith('ready')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        child.once('exit', () => resolve(false));
      });
      // Let lazily allocated buffers settle before reading.
      await new Promise((r) => setTimeout(r, 1000));
      const after = await proxy.rssKb();
      child.kill('SIGTERM');
      const mib = (kb: number) => fmt(kb / 1024, 1);
      console.log(
        ready
          ? `| ${row.name} | ${mib(before)} | ${mib(after)} | ${mib(((after - before) * 1000) / idleConnections)} |`
          : `| ${row.name} | ${mib(before)} | - | (clients did not all get an answer within 60 s) |`,
      );
    } finally {
      await proxy.stop();
    }
  }
  console.log('');
}

async function switching(rows: Row[], blue: Upstream, green: Upstream): Promise<void> {
  console.log(
    `### Errors while switching weights every 100 ms (90/10 <-> 10/90), ${seconds} s under wrk load\n`,
  );
  console.log('| proxy | how | switches | requests | errors |');
  console.log('|---|---|---:|---:|---:|');
  const how = (name: string) =>
    name.startsWith('slipway')
      ? 'setRoutes'
      : name.startsWith('haproxy')
        ? 'runtime API `set server weight`'
        : '`nginx -s reload`';
  for (const row of rows) {
    const proxy = (await row.open([blue, green]))!;
    let switches = 0;
    let stopFlips = false;
    const flips = (async () => {
      while (!stopFlips) {
        await new Promise((r) => setTimeout(r, 100));
        const even = switches % 2 === 0;
        await proxy.setWeights({ blue: even ? 10 : 90, green: even ? 90 : 10 });
        switches++;
      }
    })();
    try {
      const result = await wrk(`http://127.0.0.1:${proxy.port}/`, settings);
      stopFlips = true;
      await flips;
      console.log(`| ${row.name} | ${how(row.name)} | ${switches} | ${result.requests} | ${result.errors} |`);
    } finally {
      stopFlips = true;
      await proxy.stop();
    }
  }
  console.log('');
}

process.on('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});
await main();
