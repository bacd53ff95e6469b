/**
 * An anytime-valid confidence sequence for one revision's bad-event rate (errors, or slow requests).
 *
 * For a fixed rate p, the beta-binomial mixture of likelihood ratios
 *
 *   M_p(k, n) = B(a + k, b + n - k) / B(a, b) / (p^k (1 - p)^(n - k))
 *
 * (k bad events in n requests, Beta(a, b) mixing density) is a nonnegative martingale with mean 1
 * when p is the true rate, so by Ville's inequality P(∃n: M_p ≥ 1/α) ≤ α. The set
 * { p : M_p(k, n) < 1/α } therefore covers the true rate at every n simultaneously with probability
 * ≥ 1 - α: the judge may look after every request and still trust the interval (Robbins' method of
 * mixtures; the conjugate case used by Lindon & Malek, "Anytime-Valid Inference for Multinomial Count
 * Data", NeurIPS 2022, for Bernoulli processes).
 *
 * ln M_p is convex in p and ≤ 0 at p = k/n, so the set is an interval around k/n; its ends are found
 * by bisection.
 */
import { logBeta } from './math/log-gamma.ts';

export interface BetaPrior {
  a: number;
  b: number;
}

export interface RateInterval {
  lower: number;
  upper: number;
}

/**
 * The mixing density used for a rate whose acceptable maximum is `mean`: Beta(1, (1 - mean) / mean),
 * which puts its mass where the decision is made (rates around and above the threshold) instead of
 * spreading it uniformly over [0, 1].
 *
 * Worked example: `priorWithMean(0.01)` = { a: 1, b: 99 }; `priorWithMean(0.5)` = { a: 1, b: 1 }.
 */
export function priorWithMean(mean: number): BetaPrior {
  if (!(mean > 0 && mean < 1))
    throw new RangeError(`a prior mean must lie strictly between 0 and 1, got ${mean}`);
  return { a: 1, b: (1 - mean) / mean };
}

/**
 * ln M_p(k, n), the log e-value against "the true rate is p".
 *
 * Worked example with the uniform prior Beta(1, 1): no bad event in 99 requests gives
 * M_p = B(1, 100) / (1 - p)^99 = 1 / (100 (1 - p)^99); at p = 0.05, ln M ≈ -4.605 + 5.078 ≈ 0.473.
 */
export function logMixtureRatio(k: number, n: number, p: number, prior: BetaPrior): number {
  const logMarginal = logBeta(prior.a + k, prior.b + n - k) - logBeta(prior.a, prior.b);
  const logLikelihood = (k > 0 ? k * Math.log(p) : 0) + (n - k > 0 ? (n - k) * Math.log1p(-p) : 0);
  return logMarginal - logLikelihood;
}

const BISECTION_STEPS = 64;

/**
 * The (1 - α) confidence sequence's interval after k bad events in n requests.
 *
 * Worked example (uniform prior, α = 0.05): k = 0, n = 99 gives lower = 0 and an upper bound of about
 * 0.0739, where 1 / (100 (1 - p)^99) reaches 20. With no requests the interval is [0, 1].
 */
export function rateInterval(k: number, n: number, alpha: number, prior: BetaPrior): RateInterval {
  if (n === 0) return { lower: 0, upper: 1 };
  const threshold = Math.log(1 / alpha);
  const mle = k / n;
  const outside = (p: number) => logMixtureRatio(k, n, p, prior) >= threshold;
  let lower = 0;
  if (k > 0) {
    // outside(lo) holds, outside(hi) does not.
    let lo = 0;
    let hi = mle;
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (lo + hi) / 2;
      if (mid === 0 || outside(mid)) lo = mid;
      else hi = mid;
    }
    lower = lo;
  }
  let upper = 1;
  if (k < n) {
    let lo = mle;
    let hi = 1;
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (lo + hi) / 2;
      if (mid === 1 || outside(mid)) hi = mid;
      else lo = mid;
    }
    upper = hi;
  }
  return { lower, upper };
}
