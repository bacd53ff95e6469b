/**
 * Numbers in verdict reasons: short, but never rounded to a misleading zero.
 *
 * Worked examples: `percent(0.0123)` = "1.23%", `percent(0.0099976)` = "0.9998%" (not a misleading "1%"),
 * `percent(0.0000123)` = "0.00123%", `percent(0)` = "0%";
 * `eValue(1234567)` = "1.23e+6", `eValue(42.42)` = "42.4".
 */
export function percent(rate: number): string {
  if (rate === 0) return '0%';
  return `${Number((rate * 100).toPrecision(4))}%`;
}

export function eValue(value: number): string {
  if (value >= 1e4 || (value > 0 && value < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(3)));
}

/** exp(logValue), held below Infinity so evidence stays valid JSON. */
export function boundedExp(logValue: number): number {
  return Math.min(Math.exp(logValue), Number.MAX_VALUE);
}
