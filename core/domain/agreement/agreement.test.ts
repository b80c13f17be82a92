import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import {
  agreementPerClass,
  cohensKappa,
  fleissKappa,
  krippendorffAlphaInterval,
  krippendorffAlphaNominal,
} from './index.js';
import type { Label } from './index.js';

/** `count` copies of the pair [x, y], spread over two parallel label arrays. */
function pairsOf(spec: readonly (readonly [Label, Label, number])[]): [Label[], Label[]] {
  const a: Label[] = [];
  const b: Label[] = [];
  for (const [x, y, count] of spec) {
    for (let i = 0; i < count; i++) {
      a.push(x);
      b.push(y);
    }
  }
  return [a, b];
}

describe('cohensKappa', () => {
  // Wikipedia, "Cohen's kappa", section "Simple example" (grant proposals, readers A and B):
  // 50 proposals; both Yes 20, A Yes / B No 5, A No / B Yes 10, both No 15.
  // p_o = (20 + 15) / 50 = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
  // https://en.wikipedia.org/wiki/Cohen%27s_kappa#Simple_example
  const [a, b] = pairsOf([
    ['Yes', 'Yes', 20],
    ['Yes', 'No', 5],
    ['No', 'Yes', 10],
    ['No', 'No', 15],
  ]);

  it("reproduces Wikipedia's worked example (p_o = 0.7, p_e = 0.5, κ = 0.4)", () => {
    const result = cohensKappa(a, b);
    expect(result.items).toBe(50);
    expect(result.observed).toBeCloseTo(0.7, 12);
    expect(result.expected).toBeCloseTo(0.5, 12);
    expect(result.kappa).toBeCloseTo(0.4, 12);
  });

  it('counts only items labelled by both raters', () => {
    const result = cohensKappa([...a, null, 'Yes', null], [...b, 'No', null, null]);
    expect(result.items).toBe(50);
    expect(result.kappa).toBeCloseTo(0.4, 12);
  });

  it('is symmetric in the two raters', () => {
    expect(cohensKappa(b, a).kappa).toBeCloseTo(0.4, 12);
  });

  it('is 1 for perfect agreement', () => {
    const labels = ['cat', 'dog', 'cat', 'bird'];
    expect(cohensKappa(labels, labels)).toEqual({ kappa: 1, observed: 1, expected: 0.375, items: 4 });
  });

  it('is 1, not NaN, when both raters put everything in one category (p_o = p_e = 1)', () => {
    expect(cohensKappa(['x', 'x', 'x'], ['x', 'x', 'x'])).toEqual({
      kappa: 1,
      observed: 1,
      expected: 1,
      items: 3,
    });
  });

  it('is 0 when one rater uses a single category and the other varies', () => {
    // p_e = p_o whenever one rater is constant: no agreement beyond chance.
    const result = cohensKappa(['x', 'x', 'x', 'x'], ['x', 'y', 'x', 'y']);
    expect(result.observed).toBe(0.5);
    expect(result.expected).toBe(0.5);
    expect(result.kappa).toBe(0);
  });

  it('is −1 for systematic disagreement with balanced marginals', () => {
    expect(cohensKappa(['a', 'b', 'a', 'b'], ['b', 'a', 'b', 'a']).kappa).toBe(-1);
  });

  it('rejects arrays of different lengths and inputs with no co-labelled item', () => {
    expect(() => cohensKappa(['a'], ['a', 'b'])).toThrow(InvalidInputError);
    expect(() => cohensKappa(['a', null], [null, 'b'])).toThrow(InvalidInputError);
    expect(() => cohensKappa([], [])).toThrow(InvalidInputError);
  });
});

describe('fleissKappa', () => {
  // Fleiss, J. L. (1971). "Measuring nominal scale agreement among many raters."
  // Psychological Bulletin 76(5), 378–382: 10 subjects, 14 raters, 5 categories.
  // The same table is the worked example on Wikipedia, "Fleiss' kappa"
  // (https://en.wikipedia.org/wiki/Fleiss%27_kappa#Worked_example):
  // p_j = 0.143, 0.200, 0.279, 0.150, 0.229; P_1 = 1.000, P_2 = 0.253; P̄ = 0.378, P̄e = 0.213, κ = 0.210.
  const counts = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];

  it('reproduces the Fleiss (1971) / Wikipedia worked example (P̄ = 0.378, P̄e = 0.213, κ = 0.210)', () => {
    const result = fleissKappa(counts);
    expect(result.pBar).toBeCloseTo(0.378, 3);
    expect(result.peBar).toBeCloseTo(0.213, 3);
    expect(result.kappa).toBeCloseTo(0.21, 3);
    // Exact fractions behind the rounded published figures.
    expect(result.pBar).toBeCloseTo(0.378021978021978, 12);
    expect(result.peBar).toBeCloseTo(0.21275510204081632, 12);
  });

  it('gives per-category kappas whose p_j·q_j-weighted mean is the overall kappa', () => {
    // Fleiss (1971): κ = Σ_j p_j q_j κ_j / Σ_j p_j q_j.
    const { kappa, perCategory } = fleissKappa(counts);
    const p = [0, 1, 2, 3, 4].map((j) => counts.reduce((s, row) => s + row[j]!, 0) / 140);
    const weights = p.map((pj) => pj * (1 - pj));
    const weighted = perCategory.reduce((s, k, j) => s + k * weights[j]!, 0);
    expect(weighted / weights.reduce((s, w) => s + w, 0)).toBeCloseTo(kappa, 12);
    expect(perCategory).toHaveLength(5);
    // Category 5 is the one raters agree on most (subject 1 is unanimous on it).
    expect(Math.max(...perCategory)).toBe(perCategory[4]);
  });

  it('is 1 for perfect agreement', () => {
    const result = fleissKappa([
      [3, 0, 0],
      [0, 3, 0],
      [0, 0, 3],
    ]);
    expect(result.kappa).toBe(1);
    expect(result.pBar).toBe(1);
    expect(result.perCategory).toEqual([1, 1, 1]);
  });

  it('is 1, not NaN, when every rating is the same category (P̄ = P̄e = 1); unused categories get 1', () => {
    const result = fleissKappa([
      [4, 0],
      [4, 0],
    ]);
    expect(result).toEqual({ kappa: 1, perCategory: [1, 1], pBar: 1, peBar: 1 });
  });

  it('rejects ragged, unequal-rater, non-integer, negative, single-rater and empty input', () => {
    expect(() => fleissKappa([])).toThrow(InvalidInputError);
    expect(() => fleissKappa([[]])).toThrow(InvalidInputError);
    expect(() => fleissKappa([[1, 1], [2]])).toThrow(InvalidInputError);
    expect(() =>
      fleissKappa([
        [1, 1],
        [2, 1],
      ]),
    ).toThrow(/same number of raters/);
    expect(() => fleissKappa([[1.5, 0.5]])).toThrow(InvalidInputError);
    expect(() => fleissKappa([[3, -1]])).toThrow(InvalidInputError);
    expect(() => fleissKappa([[1, 0]])).toThrow(/at least two raters/);
  });
});

/**
 * Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Annenberg School for
 * Communication, University of Pennsylvania (https://repository.upenn.edu/asc_papers/43), section C,
 * "any number of observers, missing values": observers A–D, 12 units, one row per unit here.
 * n = 40 pairable values (unit 12 has a single value); α_nominal = 0.743, α_interval = 0.849.
 */
const reliabilityData: (number | null)[][] = (() => {
  const _ = null;
  const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _];
  const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3];
  const C = [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _];
  const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _];
  return A.map((_value, u) => [A[u]!, B[u]!, C[u]!, D[u]!]);
})();

describe('krippendorffAlphaNominal', () => {
  // The reliability data's values as categories.
  const units: Label[][] = reliabilityData.map((unit) => unit.map((v) => (v === null ? null : String(v))));

  it('reproduces Krippendorff (2011) nominal example (n = 40, α = 0.743)', () => {
    const result = krippendorffAlphaNominal(units);
    expect(result.pairableValues).toBe(40);
    expect(result.alpha).toBeCloseTo(0.743, 3);
    // Exactly: Σ_{c≠k} o_ck = 8, so D_o = 8/40; Σ_c n_c² = 9² + 13² + 10² + 5² + 3² = 384,
    // D_e = (40² − 384) / (40·39) = 1216/1560; α = 1 − (8/40)/(1216/1560) = 452/608.
    expect(result.observedDisagreement).toBeCloseTo(8 / 40, 12);
    expect(result.expectedDisagreement).toBeCloseTo(1216 / 1560, 12);
    expect(result.alpha).toBeCloseTo(452 / 608, 12);
  });

  it('ignores units with fewer than two values', () => {
    const withExtra = [...units, [null, null, null, 'x'], [null, null, null, null]];
    expect(krippendorffAlphaNominal(withExtra)).toEqual(krippendorffAlphaNominal(units));
  });

  it('does not depend on which rater column holds a value', () => {
    const shuffled = units.map((unit) => [...unit].reverse());
    expect(krippendorffAlphaNominal(shuffled).alpha).toBeCloseTo(452 / 608, 12);
  });

  it('is 1 for perfect agreement', () => {
    const result = krippendorffAlphaNominal([
      ['a', 'a', null],
      ['b', 'b', 'b'],
      [null, 'c', 'c'],
    ]);
    expect(result.alpha).toBe(1);
    expect(result.observedDisagreement).toBe(0);
  });

  it('is 1, not NaN, when every pairable value is the same category (D_e = 0)', () => {
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toEqual({ alpha: 1, observedDisagreement: 0, expectedDisagreement: 0, pairableValues: 4 });
  });

  it('rejects input with no pairable value', () => {
    expect(() => krippendorffAlphaNominal([])).toThrow(InvalidInputError);
    expect(() =>
      krippendorffAlphaNominal([
        ['a', null],
        [null, 'b'],
      ]),
    ).toThrow(InvalidInputError);
  });
});

describe('agreementPerClass', () => {
  it("gives both classes the overall kappa on a binary task (Wikipedia's Cohen example, κ = 0.4)", () => {
    const [a, b] = pairsOf([
      ['Yes', 'Yes', 20],
      ['Yes', 'No', 5],
      ['No', 'Yes', 10],
      ['No', 'No', 15],
    ]);
    const result = agreementPerClass(a, b);
    expect(result.map((r) => r.category)).toEqual(['No', 'Yes']);
    for (const r of result) expect(r.kappa).toBeCloseTo(0.4, 12);
    expect(result[1]).toMatchObject({ supportA: 25, supportB: 30 });
  });

  it('computes one-vs-rest Cohen kappa per class (hand-worked three-class case)', () => {
    // 10 items. For class "a": 2×2 table in/in 3, in/out 1, out/in 0, out/out 6:
    // p_o = 0.9, p_e = 0.4·0.3 + 0.6·0.7 = 0.54, κ = 0.36 / 0.46.
    const [a, b] = pairsOf([
      ['a', 'a', 3],
      ['a', 'b', 1],
      ['b', 'b', 3],
      ['c', 'c', 2],
      ['c', 'b', 1],
    ]);
    const byClass = Object.fromEntries(agreementPerClass(a, b).map((r) => [r.category, r]));
    expect(byClass['a']!.observed).toBeCloseTo(0.9, 12);
    expect(byClass['a']!.expected).toBeCloseTo(0.54, 12);
    expect(byClass['a']!.kappa).toBeCloseTo(0.36 / 0.46, 12);
    // Class "c": in/in 2, in/out 1, out/out 7 → p_o = 0.9, p_e = 0.3·0.2 + 0.7·0.8 = 0.62.
    expect(byClass['c']!.kappa).toBeCloseTo((0.9 - 0.62) / 0.38, 12);
    expect(byClass['b']).toMatchObject({ supportA: 3, supportB: 5 });
  });

  it('gives 1 for a class both raters always chose, and skips items only one rater labelled', () => {
    const result = agreementPerClass(['x', 'x', null], ['x', 'x', 'y']);
    expect(result).toEqual([{ category: 'x', kappa: 1, observed: 1, expected: 1, supportA: 2, supportB: 2 }]);
  });

  it('rejects inputs with no co-labelled item', () => {
    expect(() => agreementPerClass([null], ['a'])).toThrow(InvalidInputError);
  });
});

describe('krippendorffAlphaInterval', () => {
  // The reliability data as numbers: α_interval = 0.849; exactly D_o = 13/30, D_e = 112/39, α = 2853/3360.
  const units = reliabilityData;

  it('reproduces Krippendorff (2011) interval example (n = 40, α = 0.849)', () => {
    const result = krippendorffAlphaInterval(units);
    expect(result.pairableValues).toBe(40);
    expect(result.alpha).toBeCloseTo(0.849, 3);
    expect(result.observedDisagreement).toBeCloseTo(13 / 30, 12);
    expect(result.expectedDisagreement).toBeCloseTo(112 / 39, 12);
    expect(result.alpha).toBeCloseTo(2853 / 3360, 12);
  });

  it('counts near scores as nearer agreement than the nominal metric does', () => {
    // Every pair of raters is one step apart: nominally total disagreement, by interval mostly agreement.
    const near = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    // D_o = 1, D_e = 2(10·385 − 55²)/90 = 55/3: α = 1 − 3/55.
    expect(krippendorffAlphaInterval(near).alpha).toBeCloseTo(52 / 55, 12);
    expect(krippendorffAlphaNominal(near.map((unit) => unit.map(String))).alpha).toBeCloseTo(0, 12);
  });

  it('does not change when every score is shifted (large values keep their precision)', () => {
    const shifted = units.map((unit) => unit.map((value) => (value === null ? null : value + 1e9)));
    expect(krippendorffAlphaInterval(shifted).alpha).toBeCloseTo(2853 / 3360, 9);
  });

  it('ignores units with fewer than two values; 1 when every value is the same', () => {
    expect(krippendorffAlphaInterval([...units, [null, 7, null, null], []])).toEqual(
      krippendorffAlphaInterval(units),
    );
    expect(
      krippendorffAlphaInterval([
        [3, 3],
        [3, 3, 3],
      ]).alpha,
    ).toBe(1);
  });

  it('refuses values that are not finite numbers, and data with nothing pairable', () => {
    expect(() => krippendorffAlphaInterval([[1, Number.NaN]])).toThrow(/unit 0 must be a finite number/);
    expect(() => krippendorffAlphaInterval([[1, '2' as unknown as number]])).toThrow(InvalidInputError);
    expect(() => krippendorffAlphaInterval([[1, null], [null]])).toThrow(/No unit has two or more values/);
  });
});
