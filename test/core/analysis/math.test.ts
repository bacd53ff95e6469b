import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logBeta, logGamma } from '../../../src/core/analysis/math/log-gamma.ts';
import { logSumExp } from '../../../src/core/analysis/math/log-sum-exp.ts';

function close(actual: number, expected: number, tolerance = 1e-10): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `expected ${expected}, got ${actual}`,
  );
}

const logFactorial = (n: number): number => {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
};

/** ln Γ(x) ≈ (x - ½) ln x - x + ½ ln 2π + 1/(12x) - 1/(360x³), accurate to ~1e-20 at x = 1e6. */
const stirling = (x: number): number =>
  (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);

describe('logGamma', () => {
  const cases: Array<{ name: string; x: number; expected: number }> = [
    { name: 'Γ(1) = 0! = 1', x: 1, expected: 0 },
    { name: 'Γ(2) = 1! = 1', x: 2, expected: 0 },
    { name: 'Γ(5) = 4! = 24', x: 5, expected: Math.log(24) },
    { name: 'Γ(1/2) = √π', x: 0.5, expected: 0.5 * Math.log(Math.PI) },
    { name: 'Γ(3/2) = √π / 2', x: 1.5, expected: 0.5 * Math.log(Math.PI) - Math.log(2) },
    { name: 'Γ(1/4) (reflection branch)', x: 0.25, expected: Math.log(3.625609908221908) },
    { name: 'Γ(101) = 100!', x: 101, expected: logFactorial(100) },
    { name: 'Γ(1001) = 1000!', x: 1001, expected: logFactorial(1000) },
    { name: "Γ(1e6) by Stirling's series", x: 1e6, expected: stirling(1e6) },
  ];
  for (const c of cases) it(c.name, () => close(logGamma(c.x), c.expected));

  it('rejects x <= 0 and non-finite x, quoting the value', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => logGamma(bad), { name: 'RangeError', message: new RegExp(String(bad)) });
    }
  });
});

describe('logBeta', () => {
  const cases: Array<{ name: string; a: number; b: number; expected: number }> = [
    { name: 'B(1, 1) = 1', a: 1, b: 1, expected: 0 },
    { name: 'B(1, n) = 1/n', a: 1, b: 100, expected: -Math.log(100) },
    { name: 'B(2, 3) = 1/12', a: 2, b: 3, expected: -Math.log(12) },
    { name: 'B(1/2, 1/2) = π', a: 0.5, b: 0.5, expected: Math.log(Math.PI) },
    { name: 'symmetric in its arguments', a: 7.5, b: 0.3, expected: logBeta(0.3, 7.5) },
    {
      name: 'large counts stay finite',
      a: 11,
      b: 1e6,
      expected: logFactorial(10) - (logFactorial(1e6 + 10) - logFactorial(1e6 - 1)),
    },
  ];
  for (const c of cases) it(c.name, () => close(logBeta(c.a, c.b), c.expected, 1e-9));
});

describe('logSumExp', () => {
  const cases: Array<{ name: string; values: number[]; expected: number }> = [
    { name: 'two zeros give ln 2', values: [0, 0], expected: Math.log(2) },
    { name: 'huge values do not overflow', values: [1000, 1000], expected: 1000 + Math.log(2) },
    { name: 'tiny values do not underflow', values: [-1000, -1000], expected: -1000 + Math.log(2) },
    { name: 'one value is itself', values: [3.5], expected: 3.5 },
    { name: 'dominated terms barely count', values: [0, -50], expected: Math.log1p(Math.exp(-50)) },
  ];
  for (const c of cases) it(c.name, () => close(logSumExp(c.values), c.expected));
  it('the empty sum is ln 0', () => assert.equal(logSumExp([]), Number.NEGATIVE_INFINITY));
});
