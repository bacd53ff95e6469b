/** The Target contract on the memory target: the engine tests' stand-in must behave like the real ones. */
import { MemoryTarget } from '../support/memory-target.ts';
import { releaseSpec, STRATEGIES } from '../support/specs.ts';
import { VirtualClock } from '../support/virtual-clock.ts';
import { type Subject, targetContract } from './target-contract.ts';

const digest = (release: number) => `sha256:${String(release % 10).repeat(64)}`;

targetContract('memory', async () => {
  const clock = new VirtualClock();
  const target = new MemoryTarget({ clock });
  const spec = (release: number) =>
    releaseSpec(STRATEGIES.canary, release, { artifact: { digest: digest(release) }, replicas: 2 });
  const subject: Subject = {
    target,
    replicas: 2,
    spec,
    record: (release) => {
      const s = spec(release);
      return {
        release,
        environment: s.environment,
        service: s.service,
        digest: s.artifact.digest,
        configHash: s.configHash,
        config: {},
        strategy: s.strategy.kind,
        startedAt: clock.now(),
        reasons: [],
        spec: s,
      };
    },
    async until(what, pick) {
      // Virtual time: one second a look, for up to an hour of it.
      for (let i = 0; i < 3600; i++) {
        const v = pick(await target.observe());
        if (v !== undefined) return v;
        clock.advance(1000);
      }
      throw new Error(`memory target: ${what} did not happen within an hour of virtual time`);
    },
  };
  return subject;
});
