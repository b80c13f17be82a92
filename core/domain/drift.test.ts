import { describe, expect, it } from 'vitest';
import {
  chiSquareHomogeneity,
  chiSquareSurvival,
  kolmogorovSurvival,
  ksAsymptoticPValue,
  ksExactPValue,
  ksTwoSamplePValue,
  populationStabilityIndex,
  regularizedUpperGamma,
  sharesOf,
} from './drift.js';
import reference from './fixtures/drift-reference.json' with { type: 'json' };

/** |actual − expected| ≤ 1e-6 · |expected| (plus a hair of absolute slack for values near 0). */
function expectClose(actual: number, expected: number, relative = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-15);
}

describe('two-sample Kolmogorov–Smirnov p-values (scipy 1.10 reference)', () => {
  it.each(reference.ks)('exact p for n1=$n1, n2=$n2, D=$d', ({ n1, n2, d, exactP }) => {
    expectClose(ksExactPValue(d, n1, n2), exactP);
    expectClose(ksExactPValue(d, n2, n1), exactP);
    expectClose(ksTwoSamplePValue(d, n1, n2), exactP);
  });

  it.each(reference.ks)('asymptotic p for n1=$n1, n2=$n2, D=$d', ({ n1, n2, d, asympP }) => {
    expectClose(ksAsymptoticPValue(d, n1, n2), asympP);
    expectClose(ksTwoSamplePValue(d, n1, n2, 'asymp'), asympP);
  });

  it.each(reference.kolmogorov)('Kolmogorov survival at λ=$lambda', ({ lambda, q }) => {
    expectClose(kolmogorovSurvival(lambda), q);
  });

  it('matches the textbook critical values of the Kolmogorov distribution', () => {
    // Smirnov's table as reprinted in Numerical Recipes (3rd ed., §14.3.3) and in every KS table:
    // P(K > 1.224) ≈ 0.10, P(K > 1.358) ≈ 0.05, P(K > 1.628) ≈ 0.01 (three-decimal table values).
    expect(kolmogorovSurvival(1.224)).toBeCloseTo(0.1, 3);
    expect(kolmogorovSurvival(1.358)).toBeCloseTo(0.05, 3);
    expect(kolmogorovSurvival(1.628)).toBeCloseTo(0.01, 3);
  });

  it('gives p = 1 for D = 0, and the smallest possible p for fully separated samples', () => {
    expect(ksExactPValue(0, 10, 12)).toBe(1);
    // D = 1 happens only when every value of one sample lies below the other: 2 of C(8, 4) = 70 orderings.
    expectClose(ksExactPValue(1, 4, 4), 2 / 70);
    expect(() => ksTwoSamplePValue(0.5, 0, 3)).toThrow(RangeError);
  });
});

describe('regularized upper incomplete gamma and chi-square', () => {
  it.each(reference.gammaincc)('Q($a, $x)', ({ a, x, q }) => {
    expectClose(regularizedUpperGamma(a, x), q);
  });

  it('matches the NIST/SEMATECH chi-square critical values', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4 (upper-tail critical values):
    // df 1 at 0.05 → 3.841, df 1 at 0.01 → 6.635, df 5 at 0.05 → 11.070, df 10 at 0.05 → 18.307.
    expect(chiSquareSurvival(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquareSurvival(6.635, 1)).toBeCloseTo(0.01, 4);
    expect(chiSquareSurvival(11.07, 5)).toBeCloseTo(0.05, 4);
    expect(chiSquareSurvival(18.307, 10)).toBeCloseTo(0.05, 4);
  });

  it.each(reference.chi2)(
    'homogeneity of $observed vs $expected',
    ({ observed, expected, statistic, df, pValue }) => {
      const result = chiSquareHomogeneity(observed, expected);
      expectClose(result.statistic, statistic);
      expect(result.df).toBe(df);
      expectClose(result.pValue, pValue);
    },
  );

  it('drops categories empty in both samples and has nothing to test with one category', () => {
    const withEmpty = chiSquareHomogeneity([10, 0, 20], [15, 0, 12]);
    const without = chiSquareHomogeneity([10, 20], [15, 12]);
    expect(withEmpty).toEqual(without);
    expect(chiSquareHomogeneity([5, 0], [7, 0])).toEqual({ statistic: 0, df: 0, pValue: 1 });
    expect(() => chiSquareHomogeneity([1, 2], [1])).toThrow(RangeError);
  });
});

describe('population stability index', () => {
  it.each(reference.psi)('PSI of $actual against $expected', ({ expected, actual, psi }) => {
    expectClose(populationStabilityIndex(expected, actual), psi);
  });

  it('is 0 for identical shares and finite for an empty bin', () => {
    expect(populationStabilityIndex([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    const shift = populationStabilityIndex([0.5, 0.5, 0], [0.45, 0.5, 0.05]);
    expect(Number.isFinite(shift)).toBe(true);
    expect(shift).toBeGreaterThan(0.25);
    expect(sharesOf([1, 3])).toEqual([0.25, 0.75]);
    expect(sharesOf([0, 0])).toEqual([0, 0]);
  });
});
