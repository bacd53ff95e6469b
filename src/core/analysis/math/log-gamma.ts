/**
 * Logarithms of the gamma and beta functions, the building blocks of the beta-binomial mixtures
 * behind the confidence sequence. Logs, because the values themselves overflow a double long before
 * a canary runs out of requests (Γ(172) is already larger than Number.MAX_VALUE).
 */

// Lanczos approximation, g = 7, n = 9 (the coefficients Numerical Recipes and Boost also use);
// relative error below 1e-15 for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0.
 *
 * Worked examples:
 * - `logGamma(1)` = ln 0! = 0
 * - `logGamma(5)` = ln 4! = ln 24 ≈ 3.178054
 * - `logGamma(0.5)` = ln √π ≈ 0.572365
 * - `logGamma(1e6)` ≈ 12815504.569 (where Γ itself is far beyond a double)
 */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma needs a finite x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the series in its accurate range: Γ(x)Γ(1-x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), for a, b > 0.
 *
 * Worked examples:
 * - `logBeta(1, 1)` = ln 1 = 0 (the uniform density integrates to 1)
 * - `logBeta(1, n)` = -ln n, e.g. `logBeta(1, 100)` ≈ -4.605170
 * - `logBeta(2, 3)` = ln(1!·2!/4!) = ln(1/12) ≈ -2.484907
 */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}
