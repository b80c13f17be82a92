/**
 * Statistics for comparing two samples of one column: the two-sample Kolmogorov–Smirnov test,
 * the chi-square test of homogeneity and the population stability index. Pure math on counts and
 * statistics a query already computed; no rows pass through here. Checked against scipy 1.10 in
 * `drift.test.ts` (fixtures made by `fixtures/generate-drift-fixtures.py`).
 */

/** Two-sample KS p-value method; `auto` is exact while `n1 · n2 ≤ exactKsLimit`, asymptotic above. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

/**
 * The exact p-value walks an n1 × n2 lattice, so it is used only while that stays small (about 10 ms);
 * above it the asymptotic distribution is within a few percent of the exact one anyway.
 */
export const exactKsLimit = 1_000_000;

/**
 * P(K > λ) for the Kolmogorov distribution (scipy's `kolmogorov`, `kstwobign.sf`). The alternating
 * series `2 Σ (−1)^(k−1) e^(−2k²λ²)` converges fast for λ ≥ 1; below that the Jacobi theta form of
 * the CDF, `√(2π)/λ Σ e^(−(2k−1)²π²/(8λ²))`, does.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1) {
    const factor = (-Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let k = 1; k < 100; k += 2) {
      const term = Math.exp(factor * k * k);
      cdf += term;
      if (term < 1e-17 * cdf) break;
    }
    cdf *= Math.sqrt(2 * Math.PI) / lambda;
    return clamp01(1 - cdf);
  }
  let sum = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * Math.abs(sum)) break;
  }
  return clamp01(2 * sum);
}

function greatestCommonDivisor(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Exact two-sided p-value P(D ≥ d) of the two-sample KS statistic under H0 (no ties), as scipy's
 * `ks_2samp(method='exact')`: the share of the C(n1+n2, n1) monotone lattice paths that touch
 * |i/n1 − j/n2| ≥ d. Counted as probabilities (each cell holds paths-outside / paths-to-cell), so
 * only positive terms are added and nothing overflows. d is snapped to the lattice like scipy does.
 */
export function ksExactPValue(d: number, n1: number, n2: number): number {
  assertSampleSizes(n1, n2);
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const g = greatestCommonDivisor(m, n);
  const lcm = (m / g) * n;
  const h = Math.round(d * lcm);
  if (h <= 0) return 1;
  // (i, j) lies outside when |i/m − j/n| ≥ h/lcm, i.e. |i·n − j·m| ≥ h·g (integers, no rounding).
  const bound = h * g;
  const outside = (i: number, j: number): boolean => Math.abs(i * n - j * m) >= bound;
  let row = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) row[j] = outside(0, j) || (j > 0 && row[j - 1] === 1) ? 1 : 0;
  for (let i = 1; i <= m; i++) {
    const next = new Float64Array(n + 1);
    next[0] = outside(i, 0) || row[0] === 1 ? 1 : 0;
    for (let j = 1; j <= n; j++) {
      if (outside(i, j)) {
        next[j] = 1;
      } else {
        // Paths into (i, j) come from (i−1, j) — a share i/(i+j) of them — and from (i, j−1).
        next[j] = ((row[j] ?? 0) * i + (next[j - 1] ?? 0) * j) / (i + j);
      }
    }
    row = next;
  }
  return clamp01(row[n] ?? 1);
}

/**
 * Asymptotic two-sided p-value: the Kolmogorov distribution at λ = √(n1·n2/(n1+n2)) · d, i.e.
 * `scipy.special.kolmogorov(sqrt(en) * d)`. (scipy 1.10's `ks_2samp(method='asymp')` instead
 * evaluates the one-sample finite-n distribution `kstwo.sf(d, round(en))`; the two agree as n grows.)
 */
export function ksAsymptoticPValue(d: number, n1: number, n2: number): number {
  assertSampleSizes(n1, n2);
  const en = (n1 * n2) / (n1 + n2);
  return kolmogorovSurvival(Math.sqrt(en) * d);
}

/** Two-sided p-value of the two-sample KS statistic `d` for samples of n1 and n2 values. */
export function ksTwoSamplePValue(d: number, n1: number, n2: number, method: KsMethod = 'auto'): number {
  const exact = method === 'exact' || (method === 'auto' && n1 * n2 <= exactKsLimit);
  return exact ? ksExactPValue(d, n1, n2) : ksAsymptoticPValue(d, n1, n2);
}

function assertSampleSizes(n1: number, n2: number): void {
  if (!Number.isInteger(n1) || !Number.isInteger(n2) || n1 < 1 || n2 < 1) {
    throw new RangeError(`KS needs two non-empty samples, got sizes ${n1} and ${n2}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Gamma functions

/** Lanczos coefficients (g = 7, n = 9), good to about 1e-15 relative for x > 0. */
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = lanczos[0] ?? 1;
  for (let i = 1; i < lanczos.length; i++) sum += (lanczos[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const gammaEpsilon = 1e-16;
const gammaMaxIterations = 10_000;
/** Smallest positive normal double, to keep Lentz's method off zero. */
const tiny = 1e-300;

/** P(a, x) by its power series (Numerical Recipes §6.2, `gser`); converges fast for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let delta = sum;
  for (let n = 0; n < gammaMaxIterations; n++) {
    ap += 1;
    delta *= x / ap;
    sum += delta;
    if (Math.abs(delta) < Math.abs(sum) * gammaEpsilon) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction with modified Lentz (Numerical Recipes §6.2, `gcf`), for x ≥ a + 1. */
function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < gammaMaxIterations; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < gammaEpsilon) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) (scipy's `gammaincc`). */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`Q(a, x) needs a > 0 and x ≥ 0, got a = ${a}, x = ${x}.`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  // Each form where it converges; the fraction keeps full relative precision in the far tail.
  return x < a + 1 ? clamp01(1 - lowerGammaSeries(a, x)) : clamp01(upperGammaFraction(a, x));
}

/** P(X ≥ statistic) for X ~ χ²(df). */
export function chiSquareSurvival(statistic: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Chi-square needs df > 0, got ${df}.`);
  if (statistic <= 0) return 1;
  return regularizedUpperGamma(df / 2, statistic / 2);
}

export interface ChiSquareResult {
  readonly statistic: number;
  /** (categories seen in either sample − 1); categories empty in both are dropped. */
  readonly df: number;
  readonly pValue: number;
}

/**
 * Chi-square test of homogeneity for two count vectors over the same categories: the 2 × k
 * contingency table, expected counts from the margins, no Yates correction (scipy's
 * `chi2_contingency(table, correction=False)`). Categories with no count in either sample carry no
 * information and are dropped (scipy would refuse the zero expected count). With fewer than two
 * categories left, or an empty sample, there is nothing to test: statistic 0, p = 1, df 0.
 */
export function chiSquareHomogeneity(
  observed: readonly number[],
  expected: readonly number[],
): ChiSquareResult {
  if (observed.length !== expected.length) {
    throw new RangeError(
      `Chi-square needs counts over the same categories, got ${observed.length} and ${expected.length}.`,
    );
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < observed.length; i++) {
    const a = observed[i] ?? 0;
    const b = expected[i] ?? 0;
    if (a < 0 || b < 0 || !Number.isFinite(a) || !Number.isFinite(b)) {
      throw new RangeError(`Counts must be finite and ≥ 0, got ${a} and ${b} at category ${i}.`);
    }
    if (a + b > 0) pairs.push([a, b]);
  }
  const totalA = pairs.reduce((sum, [a]) => sum + a, 0);
  const totalB = pairs.reduce((sum, [, b]) => sum + b, 0);
  if (pairs.length < 2 || totalA === 0 || totalB === 0) return { statistic: 0, df: 0, pValue: 1 };
  const total = totalA + totalB;
  let statistic = 0;
  for (const [a, b] of pairs) {
    const column = a + b;
    const expectedA = (totalA * column) / total;
    const expectedB = (totalB * column) / total;
    statistic += (a - expectedA) ** 2 / expectedA + (b - expectedB) ** 2 / expectedB;
  }
  const df = pairs.length - 1;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df) };
}

// ---------------------------------------------------------------------------------------------
// Population stability index

/**
 * Share substituted for an empty bin, so its log term stays finite. 1e-4 is the customary value
 * (e.g. Evidently, and most credit-risk scorecard write-ups): an empty bin then adds about
 * `share · ln(share / 1e-4)`, e.g. 0.46 for a bin holding 5% on the other side — a clear shift, not ∞.
 * Shares are substituted as given and not renormalised.
 */
export const psiEmptyBinShare = 1e-4;

/**
 * PSI = Σ (actual − expected) · ln(actual / expected) over bins, with shares of each sample per bin.
 * Read (Siddiqi, *Credit Risk Scorecards*, 2006): < 0.1 no shift, 0.1–0.25 some, > 0.25 a major one.
 */
export function populationStabilityIndex(
  expectedShares: readonly number[],
  actualShares: readonly number[],
  epsilon: number = psiEmptyBinShare,
): number {
  if (expectedShares.length !== actualShares.length) {
    throw new RangeError(
      `PSI needs shares over the same bins, got ${expectedShares.length} and ${actualShares.length}.`,
    );
  }
  let psi = 0;
  for (let i = 0; i < expectedShares.length; i++) {
    const expected = Math.max(expectedShares[i] ?? 0, epsilon);
    const actual = Math.max(actualShares[i] ?? 0, epsilon);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}

/** Counts → shares of their total (all zeros when the total is 0). */
export function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => (total === 0 ? 0 : count / total));
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
