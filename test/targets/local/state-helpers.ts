/** A ledger record for the state folder's tests (digest derived from the release number). */
import type { ReleaseRecord } from '../../../src/engine/target.ts';

export const ledgerRecord = (release: number, over: Partial<ReleaseRecord> = {}): ReleaseRecord => ({
  release,
  environment: 'development',
  service: 'hello',
  digest: `sha256:${String(release).repeat(64).slice(0, 64)}`,
  configHash: 'abc',
  config: { replicas: 1 },
  strategy: 'canary',
  startedAt: 1000 * release,
  reasons: [],
  ...over,
});
