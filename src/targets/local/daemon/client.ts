/**
 * Talking to the daemon of a state folder: `ensureDaemon` finds a healthy one or starts it
 * (a detached child running under the same Node binary), `DaemonClient` makes authenticated
 * requests (`stop.ts` shuts it down).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SlipwayError } from '../../../core/fault.ts';
import { isAlive, isProcessOf, readPidFile } from '../keeper/pid-file.ts';
import { readDaemonFiles } from '../state/daemon-files.ts';
import { StatePaths } from '../state/paths.ts';
import { checkPrivateFolder, ensurePrivateFolder } from '../state/permissions.ts';
import { tailFile } from '../supervisor/logs.ts';
import type { AnswerOf, DaemonInfo } from './protocol/answers.ts';
import { pathOf, type RequestOf, ROUTES, type RouteName } from './protocol/routes.ts';

/** An error answer from the daemon, with its status code and JSON details. */
export class DaemonError extends SlipwayError {
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(status: number, message: string, details: Record<string, unknown>) {
    super(message, 'failed');
    this.name = 'DaemonError';
    this.status = status;
    this.details = details;
  }

  override get summary(): string {
    return `the local daemon refused: ${this.message}`;
  }
}

export class DaemonClient {
  readonly paths: StatePaths;
  readonly info: DaemonInfo;
  readonly #token: string;

  constructor(paths: StatePaths, info: DaemonInfo, token: string) {
    this.paths = paths;
    this.info = info;
    this.#token = token;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.info.port}`;
  }

  /** Reads `daemon.json` and the token; undefined when no daemon has written them. */
  static async read(stateDir: string): Promise<DaemonClient | undefined> {
    const paths = new StatePaths(stateDir);
    if (!existsSync(paths.root)) return undefined;
    checkPrivateFolder(paths.root);
    // Damaged files read as no daemon: a running one rewrites them within 2 s (state/daemon-files.ts).
    const files = await readDaemonFiles(paths);
    return files.kind === 'ok' ? new DaemonClient(paths, files.info, files.token) : undefined;
  }

  /**
   * One typed call: `call('traffic', { params: { env }, body: { weights } })`. The route table gives
   * the method and the path; the daemon parses the same schemas.
   */
  call<N extends RouteName>(
    name: N,
    req: Partial<RequestOf<N>> = {},
    signal?: AbortSignal,
  ): Promise<AnswerOf<N>> {
    const def = ROUTES[name];
    let path = pathOf(name, (req.params ?? {}) as Record<string, string>);
    const query = req.query as Record<string, string | number | undefined> | undefined;
    if (query) {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
      if ([...search].length) path += `?${search}`;
    }
    const body = 'body' in def ? (req.body ?? {}) : undefined;
    return 'text' in def
      ? (this.#fetch(def.method, path, body, signal, true) as Promise<AnswerOf<N>>)
      : (this.#fetch(def.method, path, body, signal, false) as Promise<AnswerOf<N>>);
  }

  /** An untyped request, for paths outside the route table (tests probing the API's answers). */
  request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.#fetch(method, path, body, signal, false) as Promise<T>;
  }

  async #fetch(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    text: boolean,
  ): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    const answer = await res.text();
    if (text && res.ok) return answer;
    const json = answer ? (JSON.parse(answer) as Record<string, unknown>) : {};
    if (!res.ok) throw new DaemonError(res.status, String(json.error ?? `HTTP ${res.status}`), json);
    return json;
  }

  async healthy(timeoutMs = 1000): Promise<boolean> {
    try {
      await this.call('health', {}, AbortSignal.timeout(timeoutMs));
      return true;
    } catch {
      return false;
    }
  }
}

export interface EnsureDaemonOptions {
  /** How long to wait for a started daemon to answer (default 15 s; 60 s while a keeper restarts it). */
  timeoutMs?: number;
}

/** The path of the keeper entry (which forks the daemon), `.ts` from source and `.js` in dist/. */
export function keeperMain(): string {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`../keeper/main.${ext}`, import.meta.url));
}

/**
 * Returns a client for the state folder's daemon, starting one if none answers. While a keeper runs
 * for the folder, its daemon is on its way back (the keeper restarts it): wait for it instead.
 */
export async function ensureDaemon(stateDir: string, opts: EnsureDaemonOptions = {}): Promise<DaemonClient> {
  const existing = await DaemonClient.read(stateDir);
  if (existing && (await existing.healthy())) return existing;
  const paths = new StatePaths(stateDir);
  ensurePrivateFolder(paths.root);
  const keeper = await readPidFile(paths.keeperPid);
  const kept = keeper !== undefined && (await isProcessOf(keeper, paths.root));
  let exitedAt: number | undefined;
  if (!kept) {
    const logFd = openSync(paths.daemonLog, 'a', 0o600);
    const child = spawn(process.execPath, [keeperMain(), '--state-dir', paths.root], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    });
    closeSync(logFd);
    child.once('exit', () => {
      exitedAt = Date.now();
    });
    child.unref();
  }
  // A keeper restarting its daemon is worth a longer wait: a loaded machine boots Node slowly.
  const waitStart = Date.now();
  const deadline = waitStart + (opts.timeoutMs ?? (kept ? 60_000 : 15_000));
  while (Date.now() < deadline) {
    const client = await DaemonClient.read(stateDir);
    // A concurrent CLI may have won the race to start the daemon: any healthy one will do.
    if (client?.info.startedAt && (await client.healthy())) return client;
    // Our keeper exits at once when another one already owns the folder; give that one 2 s.
    if (exitedAt !== undefined && Date.now() - exitedAt > 2000) break;
    // A daemon that has run a while, neither answers nor puts its files right (it does every 2 s):
    // waiting out the keeper's minute would only hang the command.
    if (Date.now() - waitStart > STUCK_AFTER_MS) {
      const stuck = await stuckDaemon(paths);
      if (stuck) throw stuck;
    }
    await sleep(50);
  }
  const tail = (await tailFile(paths.daemonLog, 10)).join('\n  ');
  const files = await readDaemonFiles(paths);
  const damaged =
    files.kind === 'damaged'
      ? `${files.file} is damaged (${files.problem}) and no daemon rewrote it; if one still runs, stop it with slipway local down --state-dir ${paths.root} (it finds it by its pid), then retry. `
      : '';
  throw new SlipwayError(
    `the slipway daemon for ${paths.root} did not start. ${damaged}Its log (${paths.daemonLog}) ends with:\n  ${tail}`,
    'failed',
  );
}

/** How long a running daemon may neither answer nor rewrite its files before a command gives up. */
const STUCK_AFTER_MS = 3000;
/** Younger than this, a daemon may still be booting (a keeper restart on a loaded machine). */
const BOOTING_MS = 15_000;

/** The error for a daemon process of this folder that runs, is past booting, and does not answer. */
async function stuckDaemon(paths: StatePaths): Promise<SlipwayError | undefined> {
  const pid = await readPidFile(paths.daemonPid);
  if (pid === undefined || !(await isProcessOf(pid, paths.root))) return undefined;
  const age = processAgeMs(pid);
  if (age === undefined || age < BOOTING_MS) return undefined;
  const files = await readDaemonFiles(paths);
  const what =
    files.kind === 'damaged'
      ? `${files.file} is damaged (${files.problem}) and the daemon (pid ${pid}) did not rewrite it`
      : files.kind === 'missing'
        ? `${paths.daemonInfo} is missing and the daemon (pid ${pid}) did not rewrite it`
        : `the daemon (pid ${pid}) does not answer on port ${files.info.port}${files.info.pid === pid ? '' : ` (daemon.json names pid ${files.info.pid})`}`;
  return new SlipwayError(
    `the slipway daemon for ${paths.root} runs but is stuck: ${what}. Stop it with slipway local down --state-dir ${paths.root} (it finds it by its pid), then retry; slipway local doctor --state-dir ${paths.root} checks the folder`,
    'failed',
  );
}

/** How long the process has run, from /proc (Linux); undefined elsewhere. */
function processAgeMs(pid: number): number | undefined {
  try {
    // Field 22 of /proc/<pid>/stat is the start time in clock ticks after boot (USER_HZ, 100 on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(startTicks) && Number.isFinite(uptimeS)
      ? uptimeS * 1000 - startTicks * 10
      : undefined;
  } catch {
    return undefined;
  }
}

export { isAlive };
