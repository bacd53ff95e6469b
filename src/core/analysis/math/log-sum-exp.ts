/**
 * ln(Σ exp(xᵢ)) without overflow: the mixture e-value is an average of likelihood ratios that are
 * kept as logs because a failing candidate drives them past 1e308 within seconds.
 *
 * Worked examples:
 * - `logSumExp([0, 0])` = ln 2 ≈ 0.693147
 * - `logSumExp([1000, 1000])` = 1000 + ln 2 (exp(1000) alone would be Infinity)
 * - `logSumExp([])` = -Infinity (the empty sum is 0)
 */
export function logSumExp(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY || !Number.isFinite(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
