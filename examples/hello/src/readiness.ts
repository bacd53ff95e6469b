/**
 * Readiness moves one way: starting → ready → draining. Draining is final, so a readiness timer that
 * fires after a shutdown signal cannot make a stopping instance look ready again.
 */
export type ReadinessState = 'starting' | 'ready' | 'draining';

export class Readiness {
  #state: ReadinessState = 'starting';

  get state(): ReadinessState {
    return this.#state;
  }

  get isReady(): boolean {
    return this.#state === 'ready';
  }

  get isDraining(): boolean {
    return this.#state === 'draining';
  }

  markReady(): void {
    if (this.#state === 'starting') this.#state = 'ready';
  }

  markDraining(): void {
    this.#state = 'draining';
  }
}
