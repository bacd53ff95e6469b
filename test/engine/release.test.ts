/** The engine's whole operations: deploy with resume (the CLI's old policy) and operator commands. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Strategy } from '../../src/core/spec.ts';
import { deploy } from '../../src/engine/api.ts';
import { runCommand } from '../../src/engine/command.ts';
import { NothingToResumeError } from '../../src/engine/errors.ts';
import { type DeployEvent, deployWithResume } from '../../src/engine/release.ts';
import { harness } from '../support/engine.ts';
import { deployInput, STRATEGIES } from '../support/specs.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const input = (c: string, strategy: Strategy = STRATEGIES.canary) =>
  deployInput(strategy, { artifact: { digest: digest(c) } });

/** A release the engine began and never finished: its process died before the first progress. */
async function crashed(h: ReturnType<typeof harness>, release: number, c: string): Promise<void> {
  const { spec, config } = input(c);
  await h.target.ledger().begin({
    release,
    environment: spec.environment,
    service: spec.service,
    digest: spec.artifact.digest,
    configHash: spec.configHash,
    config,
    strategy: spec.strategy.kind,
    startedAt: h.clock.now(),
    reasons: [],
    spec: { ...spec, release },
  });
}

describe('deployWithResume', () => {
  it('with nothing unfinished it is one deploy, announced with the number it gets', async () => {
    const h = harness();
    const events: DeployEvent[] = [];
    const result = await deployWithResume(h.deps(), input('a'), (e) => events.push(e));
    assert.equal(result.outcome.kind, 'promoted');
    assert.equal(result.resumed, undefined);
    assert.deepEqual(events, [{ kind: 'start', release: 1 }]);
  });

  it('an unfinished release of the same artifact and config is resumed, and that is the deploy', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await crashed(h, 2, 'b');
    const events: DeployEvent[] = [];
    const result = await deployWithResume(h.deps(), input('b'), (e) => events.push(e));
    assert.equal(result.outcome.kind, 'promoted');
    assert.equal(result.outcome.release, 2);
    assert.equal(result.resumed?.release, 2);
    assert.deepEqual(
      events.map((e) =>
        e.kind === 'resumed' ? `${e.kind} ${e.release} ${e.next}` : `${e.kind} ${e.release}`,
      ),
      ['start 3', 'resume 2', 'resumed 2 done'],
    );
    assert.equal((await h.target.ledger().releases()).length, 2, 'no third release');
  });

  it('an unfinished release of another artifact is resumed first, then the new one is deployed', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await crashed(h, 2, 'b');
    const events: DeployEvent[] = [];
    const result = await deployWithResume(h.deps(), input('c'), (e) => events.push(e));
    assert.equal(result.outcome.release, 3);
    assert.equal(result.outcome.kind, 'promoted');
    assert.equal(result.resumed?.outcome.kind, 'promoted');
    assert.deepEqual(
      events.map((e) =>
        e.kind === 'resumed' ? `${e.kind} ${e.release} ${e.next}` : `${e.kind} ${e.release}`,
      ),
      ['start 3', 'resume 2', 'resumed 2 new', 'start 3'],
    );
    assert.equal((await h.target.ledger().releases()).at(-1)?.digest, digest('c'));
  });

  it('the same artifact and config that rolled back on resume is not started again, unless forced', async () => {
    for (const force of [false, true]) {
      const h = harness();
      await deploy(h.deps(), input('a'));
      await crashed(h, 2, 'b');
      await h.target.ledger().command(2, { kind: 'abort', at: h.clock.now() });
      const events: string[] = [];
      const result = await deployWithResume(
        h.deps(),
        input('b'),
        (e) => events.push(e.kind === 'resumed' ? `${e.kind} ${e.outcome.kind} ${e.next}` : e.kind),
        { force },
      );
      if (force) {
        assert.deepEqual(events, ['start', 'resume', 'resumed aborted again', 'start']);
        assert.equal(result.outcome.release, 3);
        assert.equal(result.outcome.kind, 'promoted');
      } else {
        assert.deepEqual(events, ['start', 'resume', 'resumed aborted held']);
        assert.equal(result.outcome.kind, 'aborted');
        assert.equal((await h.target.ledger().releases()).length, 2, 'no second canary of what just failed');
      }
    }
  });
});

describe('runCommand', () => {
  it('with nothing in progress it says so, naming the command', async () => {
    const h = harness();
    await assert.rejects(
      runCommand(h.deps(), 'test', { kind: 'abort', at: 0 }, { carryOut: true }),
      (err: unknown) => err instanceof NothingToResumeError && /nothing to abort/.test(err.message),
    );
  });

  it('pause is only written: the running deploy acts on it', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await crashed(h, 2, 'b');
    const result = await runCommand(h.deps(), 'test', { kind: 'pause', at: 0 }, { carryOut: false });
    assert.deepEqual(result, { kind: 'sent', release: 2 });
    assert.equal((await h.target.ledger().commands(2)).length, 1);
  });

  it('abort with no deploy running is carried out here: the release rolls back', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await crashed(h, 2, 'b');
    const sent: number[] = [];
    const result = await runCommand(
      h.deps(),
      'test',
      { kind: 'abort', at: h.clock.now() },
      { carryOut: true, onSent: (r) => sent.push(r) },
    );
    assert.deepEqual(sent, [2]);
    assert.equal(result.kind, 'carried-out');
    assert.equal(result.kind === 'carried-out' && result.outcome.kind, 'aborted');
    assert.equal(h.target.world.weights['1'], 100, 'stable serves everything');
    assert.ok(!h.target.world.weights['2'], 'the candidate serves nothing');
  });

  it('abort while another process holds the lock is left to that process', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await crashed(h, 2, 'b');
    const other = await h.target.lock('ci@build-7:42', 60_000);
    const result = await runCommand(h.deps(), 'test', { kind: 'abort', at: 0 }, { carryOut: true });
    assert.deepEqual(result, { kind: 'sent', release: 2, holder: 'ci@build-7:42' });
    await other.release();
  });
});
