/**
 * The traffic model: a fixed request rate, each request routed to the candidate with probability
 * `candidateWeight` and failing with its revision's error rate. Every policy sees the same seconds.
 */
import type { RevisionCounts } from '../../src/core/types.ts';
import type { Outcome, Policy, PolicyRun } from './policies.ts';
import { binomial, createRandom } from './random.ts';

export interface Scenario {
  stableErrorRate: number;
  candidateErrorRate: number;
}

export interface Traffic {
  requestsPerSecond: number;
  candidateWeight: number;
  /** Simulated seconds after which a release that no policy has decided is left undecided. */
  horizonS: number;
}

/** What one policy did to one release, with the candidate's counts at the moment of the decision. */
export interface Result {
  outcome?: Outcome;
  candidateRequests: number;
  candidateErrors: number;
}

/** Runs one release through every policy; returns one result per policy, in the same order. */
export function simulateRelease(
  scenario: Scenario,
  traffic: Traffic,
  policies: Policy[],
  seed: number,
): Result[] {
  const random = createRandom(seed);
  const runs: Array<PolicyRun | undefined> = policies.map((p) => p.start());
  const results: Result[] = policies.map(() => ({ candidateRequests: 0, candidateErrors: 0 }));
  const stable: RevisionCounts = { requests: 0, errors: 0, slow: 0 };
  const candidate: RevisionCounts = { requests: 0, errors: 0, slow: 0 };
  let live = runs.length;
  for (let second = 1; second <= traffic.horizonS && live > 0; second++) {
    const toCandidate = binomial(random, traffic.requestsPerSecond, traffic.candidateWeight);
    const toStable = traffic.requestsPerSecond - toCandidate;
    candidate.requests += toCandidate;
    candidate.errors += binomial(random, toCandidate, scenario.candidateErrorRate);
    stable.requests += toStable;
    stable.errors += binomial(random, toStable, scenario.stableErrorRate);
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i];
      if (run === undefined) continue;
      const outcome = run.tick(second, { ...stable }, { ...candidate });
      if (outcome === undefined) continue;
      results[i] = { outcome, candidateRequests: candidate.requests, candidateErrors: candidate.errors };
      runs[i] = undefined;
      live--;
    }
  }
  return results;
}
