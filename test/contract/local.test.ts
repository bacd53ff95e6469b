/**
 * The Target contract on the local target: a real daemon, proxy and app processes in a temporary
 * state folder (stopped when each test ends). Its revisions all run the packed fixture app; they
 * differ by release number, which is what the port keys on.
 */
import { record, setup, spec } from '../targets/local/daemon-helpers.ts';
import { until } from '../targets/local/helpers.ts';
import { type Subject, targetContract } from './target-contract.ts';

targetContract(
  'local',
  async (t) => {
    const s = await setup(t); // its daemon and processes are stopped when the test ends
    const subject: Subject = {
      target: s.target,
      replicas: 1,
      spec: (release) => spec(s, release),
      record: (release) => ({ ...record(s, release), spec: spec(s, release) }),
      until: (what, pick) =>
        until(`local target: ${what}`, async () => pick(await s.target.observe()), 30_000),
    };
    return subject;
  },
  { timeout: 90_000 },
);
