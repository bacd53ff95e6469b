/**
 * Which address an instance really listens on, asked of the kernel rather than assumed: an app told
 * `HOST=127.0.0.1` may still call `listen(PORT)`, which binds every interface and makes the instance
 * reachable from the network around the proxy (its counting, its pinning, its retries). Linux only:
 * the process tree's socket inodes (`/proc/<pid>/fd`) matched against the listening sockets of
 * `/proc/<pid>/net/tcp{,6}`. Elsewhere the answer is `undefined` (unknown), never a guess.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

const LISTEN = '0A';

/**
 * Why `port` does not count as served by the tree of `pid` although it answered: the kernel says no
 * process of the tree listens on it, so another process took the port (two free-port picks raced, or
 * something squats it) and would be served to users as this release. Undefined when the tree does
 * listen there, or when the kernel cannot tell (no /proc): unknown is not a failure.
 */
export async function foreignListener(pid: number, port: number): Promise<string | undefined> {
  const addresses = await boundAddresses(pid, port);
  if (addresses === undefined || addresses.length > 0) return undefined;
  return `port ${port} answered, but not from this instance's process (pid ${pid}) or its children: another process listens there; starting again on another port (a start command whose server runs outside the process it starts — a container, a daemonizing tool — cannot be supervised: run the server in the foreground)`;
}

/** The addresses (`127.0.0.1`, `::`, `0.0.0.0`, …) the tree of `pid` listens on for `port`. */
export async function boundAddresses(pid: number, port: number): Promise<string[] | undefined> {
  const tables = await Promise.all(
    ['tcp', 'tcp6'].map((f) => readFile(`/proc/${pid}/net/${f}`, 'utf8').catch(() => undefined)),
  );
  if (tables.every((t) => t === undefined)) return undefined;
  const inodes = new Set<string>();
  for (const p of await processTree(pid)) for (const i of await socketInodes(p)) inodes.add(i);
  const out: string[] = [];
  for (const table of tables) {
    for (const line of (table ?? '').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addrHex, portHex] = (cols[1] ?? '').split(':');
      if (cols[3] !== LISTEN || !addrHex || Number.parseInt(portHex ?? '', 16) !== port) continue;
      if (inodes.has(cols[9] ?? '')) out.push(decodeAddress(addrHex));
    }
  }
  return out;
}

/**
 * Every TCP port the tree of `pid` listens on (sorted), or undefined where /proc cannot tell. An
 * app that listens, but not on the port it was given, is known at once instead of at the startup
 * deadline.
 */
export async function listeningPorts(pid: number): Promise<number[] | undefined> {
  const tables = await Promise.all(
    ['tcp', 'tcp6'].map((f) => readFile(`/proc/${pid}/net/${f}`, 'utf8').catch(() => undefined)),
  );
  if (tables.every((t) => t === undefined)) return undefined;
  const inodes = new Set<string>();
  for (const p of await processTree(pid)) for (const i of await socketInodes(p)) inodes.add(i);
  const ports = new Set<number>();
  for (const table of tables) {
    for (const line of (table ?? '').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const portHex = (cols[1] ?? '').split(':')[1];
      if (cols[3] === LISTEN && portHex && inodes.has(cols[9] ?? '')) ports.add(Number.parseInt(portHex, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** True for an address that accepts connections on every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * The warning for an instance bound to every interface, with the fix; undefined when it is not.
 * `hostEnv` is the variable carrying the address Slipway chose (HOST).
 */
export function wildcardWarning(
  addresses: string[],
  port: number,
  hostEnv: string,
  portEnv: string,
): string | undefined {
  const wild = addresses.filter(isWildcard);
  if (wild.length === 0) return undefined;
  const shown = wild.map((a) => (a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`)).join(' and ');
  return `listens on ${shown}, every network interface, so it can be reached around the proxy: listen on the address in $${hostEnv} (127.0.0.1), e.g. listen(process.env.${portEnv}, process.env.${hostEnv})`;
}

/** `pid` and its descendants, from `/proc/<pid>/task/<tid>/children` (an app may fork its server). */
export async function processTree(pid: number): Promise<number[]> {
  const seen = new Set<number>();
  const queue = [pid];
  while (queue.length > 0 && seen.size < 256) {
    const p = queue.shift()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const tasks = await readdir(`/proc/${p}/task`).catch(() => [] as string[]);
    for (const t of tasks) {
      const children = await readFile(`/proc/${p}/task/${t}/children`, 'utf8').catch(() => '');
      for (const c of children.split(/\s+/)) if (c) queue.push(Number(c));
    }
  }
  return [...seen];
}

async function socketInodes(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return links.flatMap((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1] ?? []);
}

/**
 * `/proc/net/tcp` prints addresses as 32-bit words in host byte order (little-endian here):
 * `0100007F` is 127.0.0.1; tcp6 has four such words.
 */
export function decodeAddress(hex: string): string {
  const bytes = (word: string) => (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16));
  if (hex.length === 8) return bytes(hex).join('.');
  const all = (hex.match(/.{8}/g) ?? []).flatMap(bytes);
  if (all.slice(0, 10).every((b) => b === 0) && all[10] === 0xff && all[11] === 0xff) {
    return `::ffff:${all.slice(12).join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((all[i]! << 8) | all[i + 1]!).toString(16));
  // The URL parser writes IPv6 addresses in their usual compressed form (`::`, `::1`).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
