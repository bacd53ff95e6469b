/** The `Ledger` contract over the daemon's API: the daemon is the only writer of ledger files. */
import type { LedgerEvent, OperatorCommand, Phase } from '../../core/types.ts';
import type { Ledger, ReleaseRecord } from '../../engine/target.ts';
import type { AnswerOf } from './daemon/protocol/answers.ts';
import type { RequestOf, RouteName } from './daemon/protocol/routes.ts';

/** A typed call to the daemon (`DaemonClient.call`, with reconnection around it). */
export type Call = <N extends RouteName>(
  name: N,
  req?: Partial<RequestOf<N>>,
  signal?: AbortSignal,
) => Promise<AnswerOf<N>>;

export class RemoteLedger implements Ledger {
  readonly #call: Call;
  readonly #env: string;
  constructor(call: Call, environment: string) {
    this.#call = call;
    this.#env = environment;
  }
  #of(release: number) {
    return { env: this.#env, release: String(release) };
  }
  async releases(): Promise<ReleaseRecord[]> {
    return (await this.#call('releases', { params: { env: this.#env } })).releases;
  }
  async begin(record: ReleaseRecord): Promise<void> {
    // The spec is the engine's value, stored as given (the daemon checks it is plain JSON).
    const body = { record: record as RequestOf<'begin'>['body']['record'] };
    await this.#call('begin', { params: { env: this.#env }, body });
  }
  async append(event: LedgerEvent): Promise<void> {
    await this.#call('append', { params: { env: this.#env }, body: { event } });
  }
  async events(release: number): Promise<LedgerEvent[]> {
    return (await this.#call('events', { params: this.#of(release) })).events;
  }
  async finish(release: number, outcome: Phase, reasons: string[], at: number): Promise<void> {
    await this.#call('finish', { params: this.#of(release), body: { outcome, reasons, at } });
  }
  async saveProgress(release: number, progress: unknown): Promise<void> {
    await this.#call('saveProgress', { params: this.#of(release), body: { progress } });
  }
  async loadProgress(release: number): Promise<unknown> {
    return (await this.#call('loadProgress', { params: this.#of(release) })).progress;
  }
  async command(release: number, command: OperatorCommand): Promise<void> {
    await this.#call('command', { params: this.#of(release), body: { command } });
  }
  async commands(release: number): Promise<OperatorCommand[]> {
    return (await this.#call('commands', { params: this.#of(release) })).commands;
  }
}
