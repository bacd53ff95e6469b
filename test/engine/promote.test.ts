/** `promote --from A --to B` as an engine operation, on two memory targets (A and B). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploy } from '../../src/engine/api.ts';
import { NothingToPromoteError, promote, promotionFrom } from '../../src/engine/promote.ts';
import { harness } from '../support/engine.ts';
import { deployInput, STRATEGIES } from '../support/specs.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const staging = (c: string) =>
  deployInput(STRATEGIES.rolling, { environment: 'staging', artifact: { digest: digest(c) } });
const production = (artifact: { digest: string; ref?: string }) =>
  deployInput(STRATEGIES.canary, { environment: 'production', artifact });

describe('promote between environments', () => {
  it('B deploys the digest of A’s last promoted release, with B’s own strategy', async () => {
    const a = harness();
    const b = harness();
    await deploy(a.deps(), staging('a'));
    await deploy(a.deps(), staging('b'));
    const promotion = await promotionFrom('staging', a.target.ledger());
    assert.deepEqual(promotion, { from: 'staging', release: 2, artifact: { digest: digest('b') } });
    const result = await promote(b.deps(), promotion, production);
    assert.equal(result.outcome.kind, 'promoted');
    const [record] = await b.target.ledger().releases();
    assert.equal(record?.digest, digest('b'));
    assert.equal(record?.strategy, 'canary', 'the destination’s strategy, not the source’s');
  });

  it('a release of A that rolled back is not what A serves: the one before it is promoted', async () => {
    const a = harness();
    await deploy(a.deps(), staging('a'));
    const bad = staging('b');
    await a.target.ledger().begin({
      release: 2,
      environment: 'staging',
      service: bad.spec.service,
      digest: digest('b'),
      configHash: bad.spec.configHash,
      config: bad.config,
      strategy: 'rolling',
      startedAt: a.clock.now(),
      reasons: [],
    });
    await a.target.ledger().finish(2, 'rolled-back', ['error rate'], a.clock.now());
    assert.equal((await promotionFrom('staging', a.target.ledger())).artifact.digest, digest('a'));
  });

  it('an environment that never promoted a release has nothing to promote (invalid input)', async () => {
    const a = harness();
    await assert.rejects(promotionFrom('staging', a.target.ledger()), (err: unknown) => {
      assert.ok(err instanceof NothingToPromoteError);
      assert.equal(err.kind, 'invalid-input');
      assert.match(err.message, /staging has no released artifact to promote.*deploy it there first/);
      return true;
    });
  });

  it('an input that carries another digest than the promotion is refused before anything runs', async () => {
    const a = harness();
    const b = harness();
    await deploy(a.deps(), staging('a'));
    const promotion = await promotionFrom('staging', a.target.ledger());
    await assert.rejects(
      promote(b.deps(), promotion, () => production({ digest: digest('c') })),
      /carries sha256:c+, not sha256:a+ from release 1 of staging/,
    );
    assert.deepEqual(await b.target.ledger().releases(), []);
  });
});
