/**
 * A small seeded PRNG for the analysis simulation (and the judge's statistical tests), so every run of
 * the benchmark prints the same table. sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): 128 bits
 * of state, passes PractRand, and needs no dependency.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit seed. The same seed always gives the same sequence. */
export function createRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next(); // mix the seed into all of the state
  return next;
}

/**
 * A draw from Binomial(n, p) by inversion of the CDF: O(n·min(p, 1-p)) expected steps, which is cheap
 * for the per-second counts simulated here; falls back to n Bernoulli draws when P(X = 0) underflows.
 */
export function binomial(random: Random, n: number, p: number): number {
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(random, n, 1 - p);
  const odds = p / (1 - p);
  let probability = (1 - p) ** n; // P(X = 0)
  if (probability === 0) return bernoulliSum(random, n, p); // underflow: large n, moderate p
  let cumulative = probability;
  const u = random();
  let x = 0;
  while (u >= cumulative && x < n) {
    probability *= (odds * (n - x)) / (x + 1);
    cumulative += probability;
    x++;
  }
  return x;
}

function bernoulliSum(random: Random, n: number, p: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (random() < p) x++;
  return x;
}
