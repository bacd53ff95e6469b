/**
 * The relative test: is the candidate worse than stable? An e-process over bad events, updated once
 * per batch of new counts.
 *
 * Under H0 "the candidate's bad-event rate is no higher than stable's", a bad event seen in a batch
 * comes from the candidate with probability at most p0, the candidate's share of that batch's requests
 * (exactly p0 for Poisson arrivals; for binomial requests the conditional law is hypergeometric, which
 * is smaller in the convex order (Hoeffding, 1963), so the bound below still holds). Under the
 * alternative "the candidate's rate is θ times stable's", that probability is
 *
 *   q_θ = θ p0 / (θ p0 + 1 - p0),
 *
 * and the likelihood ratio of k candidate events among m bad events in the batch simplifies to
 *
 *   LR_θ = (q_θ / p0)^k ((1 - q_θ) / (1 - p0))^(m - k) = θ^k / (1 + (θ - 1) p0)^m.
 *
 * For θ ≥ 1, LR_θ is increasing in k, so its conditional mean is ≤ 1 under H0 whatever p0 the
 * batch had: the running product over batches is a nonnegative supermartingale even though traffic
 * shares move during a canary. A uniform mixture over a fixed grid of θ keeps that property, so by
 * Ville's inequality the probability that E ever reaches 1/α is at most α, however often the judge
 * looks. This is the multinomial/Poisson-process test of Lindon & Malek (NeurIPS 2022) for two arms,
 * with a discrete mixture over the rate ratio in place of the Dirichlet mixture so that p0 may change
 * from batch to batch.
 */
import { logSumExp } from './math/log-sum-exp.ts';

/** Rate ratios the mixture bets on: 2^(j/2) for j = 1..20, i.e. from about 1.41x to 1024x worse. */
export const RATE_RATIOS: readonly number[] = Array.from({ length: 20 }, (_, j) => 2 ** ((j + 1) / 2));
const LOG_GRID_SIZE = Math.log(RATE_RATIOS.length);

export interface RelativeTestState {
  /** ln Π LR_θ for each θ in RATE_RATIOS, in order. */
  logRatios: number[];
  /** The largest ln E seen so far: crossing 1/α once is a rejection, even if E falls back later. */
  maxLogE: number;
  /** Bad events on the candidate (k) and on both revisions (m) that entered the test. */
  k: number;
  m: number;
  /** The candidate's request share in the most recent batch that had requests (p0). */
  lastShare: number;
}

export function initialRelativeTest(): RelativeTestState {
  return { logRatios: RATE_RATIOS.map(() => 0), maxLogE: 0, k: 0, m: 0, lastShare: 0 };
}

/** New counts since the previous look. */
export interface Batch {
  candidateRequests: number;
  stableRequests: number;
  /** Bad events on the candidate and on stable in this batch. */
  candidateBad: number;
  stableBad: number;
}

/**
 * Folds one batch into the test.
 *
 * Worked example: p0 = 0.1 and one bad event, on the candidate. For θ = 2, LR = 2 / 1.1 ≈ 1.818;
 * for θ = 1024, LR = 1024 / 103.3 ≈ 9.91. Had the event landed on stable, LR would be 1 / 1.1 and
 * 1 / 103.3: evidence moves towards "no worse" just as fast.
 */
export function updateRelativeTest(state: RelativeTestState, batch: Batch): RelativeTestState {
  const requests = batch.candidateRequests + batch.stableRequests;
  const m = batch.candidateBad + batch.stableBad;
  if (requests === 0) return state;
  const share = batch.candidateRequests / requests;
  if (m === 0) return { ...state, lastShare: share };
  const k = batch.candidateBad;
  const logRatios = state.logRatios.map(
    (logRatio, i) => logRatio + k * Math.log(RATE_RATIOS[i]!) - m * Math.log1p((RATE_RATIOS[i]! - 1) * share),
  );
  const next = { logRatios, maxLogE: state.maxLogE, k: state.k + k, m: state.m + m, lastShare: share };
  return { ...next, maxLogE: Math.max(state.maxLogE, relativeLogE(next)) };
}

/** ln E, where E is the mixture e-value: the average of the per-θ likelihood-ratio products. */
export function relativeLogE(state: RelativeTestState): number {
  return logSumExp(state.logRatios) - LOG_GRID_SIZE;
}
