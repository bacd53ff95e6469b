/**
 * The daemon's side of a standby keeper. A daemon whose keeper died serves the proxies and watches
 * the apps itself (remote.ts `takeOver`); alone, it would be a single point of failure again. So it
 * forks a standby keeper (keeper/main.ts `--successor`) and tells it, on every change, what it
 * holds. If the daemon dies too, the standby binds the ports with the last tables at once and
 * starts a new daemon that adopts the apps. If the standby dies, another one is started (with the
 * keeper's backoff), so the pair keeps watching each other for as long as the daemon lives.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatePaths } from '../state/paths.ts';
import type { FromStandby, ToStandby } from './protocol.ts';
import type { KeeperLink } from './remote.ts';
import { RestartPolicy } from './restart-policy.ts';

export interface StandbyOptions {
  paths: StatePaths;
  link: KeeperLink;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** The standby's pid changed (started, restarted, gone): daemon.json names it as the keeper. */
  onPid: (pid: number | undefined) => void;
}

export class Standby {
  readonly #opts: StandbyOptions;
  readonly #policy = new RestartPolicy();
  #child: ChildProcess | undefined;
  #ready = false;
  #stopping = false;
  #queued = false;

  constructor(opts: StandbyOptions) {
    this.#opts = opts;
    opts.link.onChange(() => this.#schedule());
  }

  start(): void {
    if (this.#stopping) return;
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const main = fileURLToPath(new URL(`./main.${ext}`, import.meta.url));
    const logFd = openSync(this.#opts.paths.daemonLog, 'a', 0o600);
    let child: ChildProcess;
    try {
      // Detached: its own session, so that whatever kills this daemon's group spares it.
      child = fork(main, ['--state-dir', this.#opts.paths.root, '--successor'], {
        detached: true,
        stdio: ['ignore', logFd, logFd, 'ipc'],
      });
    } finally {
      closeSync(logFd);
    }
    this.#child = child;
    this.#policy.started(Date.now());
    // Until it says it listens, what we send could be lost and it cannot stand in for us yet.
    child.on('message', (m: FromStandby) => {
      if (m.op !== 'ready' || this.#child !== child) return;
      this.#ready = true;
      this.#send({ op: 'standby', state: this.#opts.link.standbyState() });
      this.#opts.onPid(child.pid);
    });
    child.once('exit', (code, signal) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      if (this.#ready) this.#opts.onPid(undefined);
      this.#ready = false;
      if (this.#stopping) return;
      const inMs = this.#policy.nextDelay(Date.now());
      this.#opts.log('the standby keeper exited; starting another', { code, signal, inMs });
      setTimeout(() => this.start(), inMs).unref();
    });
  }

  /** This daemon stops on purpose: the standby must not take over, only exit with it. */
  stopping(): void {
    this.#stopping = true;
    // One still booting might not hear it: it goes at once instead (it holds nothing yet).
    if (this.#ready) this.#send({ op: 'stopping' });
    else this.#child?.kill('SIGTERM');
  }

  /** Changes come in bursts (a table and a spawn together): one message per turn of the loop. */
  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      this.#send({ op: 'standby', state: this.#opts.link.standbyState() });
    });
  }

  #send(message: ToStandby): void {
    if (this.#ready && this.#child?.connected) this.#child.send(message);
  }
}
