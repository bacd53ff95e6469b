/** The `Ledger` contract over the daemon's API: the daemon is the only writer of ledger files. */
import type { LedgerEvent, OperatorCommand, Phase } from '../../core/types.ts';
import type { Ledger, ReleaseRecord } from '../../engine/target.ts';

export type Call = <T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
) => Promise<T>;

export class RemoteLedger implements Ledger {
  readonly #call: Call;
  readonly #env: string;
  constructor(call: Call, environment: string) {
    this.#call = call;
    this.#env = environment;
  }
  async #rpc<T>(method: keyof Ledger, ...args: unknown[]): Promise<T> {
    const res = await this.#call<{ result: T }>('POST', `/v1/envs/${this.#env}/ledger/${method}`, { args });
    return res.result;
  }
  releases(): Promise<ReleaseRecord[]> {
    return this.#rpc('releases');
  }
  begin(record: ReleaseRecord): Promise<void> {
    return this.#rpc('begin', record);
  }
  append(event: LedgerEvent): Promise<void> {
    return this.#rpc('append', event);
  }
  events(release: number): Promise<LedgerEvent[]> {
    return this.#rpc('events', release);
  }
  finish(release: number, outcome: Phase, reasons: string[], at: number): Promise<void> {
    return this.#rpc('finish', release, outcome, reasons, at);
  }
  saveProgress(release: number, progress: unknown): Promise<void> {
    return this.#rpc('saveProgress', release, progress);
  }
  async loadProgress(release: number): Promise<unknown> {
    return (await this.#rpc<unknown>('loadProgress', release)) ?? undefined;
  }
  command(release: number, command: OperatorCommand): Promise<void> {
    return this.#rpc('command', release, command);
  }
  commands(release: number): Promise<OperatorCommand[]> {
    return this.#rpc('commands', release);
  }
}
