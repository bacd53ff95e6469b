/**
 * `why` for callers with a ledger: reads one release's record and events and explains it. The only
 * I/O is the two ledger reads; the explanation itself is `explainRelease`.
 */
import type { Ledger, ReleaseRecord } from '../engine/target.ts';
import { type Explanation, explainRelease } from './story.ts';

/** Thrown when the asked-for release is not in the ledger (or the ledger is empty). */
export class NoSuchReleaseError extends Error {
  constructor(environment: string, release: number | undefined, records: readonly ReleaseRecord[]) {
    const known = records.map((r) => r.release);
    const which = release === undefined ? 'no releases yet' : `no release ${release}`;
    const hint =
      known.length === 0
        ? 'deploy one first (slipway deploy)'
        : `known releases: ${known.length > 10 ? `${known[0]}…${known.at(-1)}` : known.join(', ')}`;
    super(`${environment} has ${which}; ${hint}`);
    this.name = 'NoSuchReleaseError';
  }
}

export interface WhyInput {
  environment: string;
  /** Default: the latest release (the one in flight, if any). */
  release?: number;
}

export async function why(ledger: Ledger, input: WhyInput): Promise<Explanation> {
  const records = await ledger.releases();
  const record =
    input.release === undefined ? records.at(-1) : records.find((r) => r.release === input.release);
  if (!record) throw new NoSuchReleaseError(input.environment, input.release, records);
  return explainRelease(record, await ledger.events(record.release));
}
