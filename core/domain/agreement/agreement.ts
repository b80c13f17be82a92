/**
 * Inter-annotator agreement for nominal (categorical) labels: Cohen's kappa, Fleiss' kappa,
 * Krippendorff's alpha (nominal metric) and per-class agreement. Pure code, no platform imports.
 *
 * Conventions shared by every function here:
 * - a label is a category name (string); `null` means the annotator did not label that item and the
 *   label takes no part in any count. Categories are compared with `===` (case- and space-sensitive).
 * - when chance agreement is total (expected agreement 1, or expected disagreement 0), the raters
 *   necessarily agree perfectly too, and the coefficient is defined as 1 rather than 0/0 = NaN.
 *   The textbooks leave it undefined; 1 is chosen so results are always finite and "nobody ever
 *   disagreed" reads as perfect agreement. Results are therefore NaN-free.
 * - input that leaves nothing to measure (no item labelled by both raters, no pairable values, no
 *   items, fewer than two raters per item) or is malformed throws `InvalidInputError`.
 * - categories are reported in code-unit (`<`) order of their names, independent of locale.
 *
 * Checked in `agreement.test.ts` against the published worked examples cited there.
 */
import { InvalidInputError } from '../../contract/errors.js';

export type Label = string | null;

export interface CohensKappa {
  /** (observed − expected) / (1 − expected); 1 when expected = 1 (see the module conventions). */
  kappa: number;
  /** p_o: share of the co-labelled items on which both raters chose the same category. */
  observed: number;
  /** p_e: Σ_c p_a(c) · p_b(c), chance agreement from each rater's own marginals over the same items. */
  expected: number;
  /** Items labelled by both raters; the only items counted. */
  items: number;
}

export interface FleissKappa {
  /** (P̄ − P̄e) / (1 − P̄e); 1 when P̄e = 1. */
  kappa: number;
  /**
   * Fleiss (1971) kappa of each category j (column order of `counts`):
   * κ_j = 1 − Σ_i n_ij (n − n_ij) / (N n (n − 1) p_j q_j). 1 for a category that every rating
   * or no rating used (p_j q_j = 0), when raters cannot disagree about it.
   */
  perCategory: number[];
  /** Mean over items of P_i, the share of agreeing rater pairs on item i. */
  pBar: number;
  /** Σ_j p_j², with p_j the share of all assignments that went to category j. */
  peBar: number;
}

export interface KrippendorffAlpha {
  /** 1 − D_o / D_e; 1 when D_e = 0 (every pairable value is the same category). */
  alpha: number;
  /** D_o = (1/n) Σ_{c≠k} o_ck, from the coincidence matrix o. */
  observedDisagreement: number;
  /** D_e = (1/(n(n−1))) Σ_{c≠k} n_c n_k. */
  expectedDisagreement: number;
  /** n: the number of values in units with at least two values. */
  pairableValues: number;
}

export interface ClassAgreement {
  category: string;
  /** Cohen's kappa of "this category" against "any other category" on the co-labelled items. */
  kappa: number;
  observed: number;
  expected: number;
  /** Co-labelled items where rater a chose this category. */
  supportA: number;
  /** Co-labelled items where rater b chose this category. */
  supportB: number;
}

function byCodeUnit(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Chance-corrected agreement, with the total-chance-agreement convention of this module. */
function chanceCorrected(observed: number, expected: number): number {
  // Guard against rounding leaving expected a hair below 1 when it is mathematically 1.
  if (expected >= 1 - 1e-12) return 1;
  return (observed - expected) / (1 - expected);
}

function checkLabel(value: unknown, where: string): void {
  if (value !== null && typeof value !== 'string') {
    throw new InvalidInputError(`${where} must be a string category or null.`, { value: String(value) });
  }
}

/** The items both raters labelled, as pairs; throws when the arrays disagree in length or none remain. */
function coLabelled(a: readonly Label[], b: readonly Label[]): [string, string][] {
  if (a.length !== b.length) {
    throw new InvalidInputError('Both raters must label the same list of items.', {
      lengthA: a.length,
      lengthB: b.length,
    });
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    checkLabel(x, `Label ${i} of rater a`);
    checkLabel(y, `Label ${i} of rater b`);
    if (x !== null && x !== undefined && y !== null && y !== undefined) pairs.push([x, y]);
  }
  if (pairs.length === 0) {
    throw new InvalidInputError('No item was labelled by both raters, so agreement is undefined.');
  }
  return pairs;
}

function kappaOfPairs(pairs: readonly (readonly [string, string])[]): CohensKappa {
  const items = pairs.length;
  const marginalA = new Map<string, number>();
  const marginalB = new Map<string, number>();
  let agreements = 0;
  for (const [x, y] of pairs) {
    if (x === y) agreements++;
    marginalA.set(x, (marginalA.get(x) ?? 0) + 1);
    marginalB.set(y, (marginalB.get(y) ?? 0) + 1);
  }
  let expectedCount = 0;
  for (const [category, countA] of marginalA) expectedCount += countA * (marginalB.get(category) ?? 0);
  const observed = agreements / items;
  const expected = expectedCount / (items * items);
  return { kappa: chanceCorrected(observed, expected), observed, expected, items };
}

/**
 * Cohen's (1960) kappa between two raters `a` and `b`, where `a[i]` and `b[i]` label item i.
 * Only items both raters labelled count; each rater's marginals come from those same items.
 */
export function cohensKappa(a: readonly Label[], b: readonly Label[]): CohensKappa {
  return kappaOfPairs(coLabelled(a, b));
}

/**
 * Fleiss' (1971) kappa for N items each rated by the same number n ≥ 2 of raters.
 * `counts[i][j]` is how many raters put item i in category j; every row has the same length
 * (the number of categories) and the same sum (n). Throws `InvalidInputError` otherwise.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  const items = counts.length;
  if (items === 0) throw new InvalidInputError('Fleiss kappa needs at least one item.');
  const categories = counts[0]!.length;
  if (categories === 0) throw new InvalidInputError('Fleiss kappa needs at least one category.');
  let raters = -1;
  const columnTotals = new Array<number>(categories).fill(0);
  let sumPi = 0;
  for (let i = 0; i < items; i++) {
    const row = counts[i]!;
    if (row.length !== categories) {
      throw new InvalidInputError('Every item must have a count for every category.', {
        item: i,
        categories: row.length,
        expected: categories,
      });
    }
    let n = 0;
    let sumSquares = 0;
    for (let j = 0; j < categories; j++) {
      const c = row[j]!;
      if (!Number.isInteger(c) || c < 0) {
        throw new InvalidInputError('Counts must be non-negative integers.', {
          item: i,
          category: j,
          count: c,
        });
      }
      n += c;
      sumSquares += c * c;
      columnTotals[j]! += c;
    }
    if (raters === -1) raters = n;
    if (n !== raters) {
      throw new InvalidInputError('Every item must be rated by the same number of raters.', {
        item: i,
        raters: n,
        expected: raters,
      });
    }
    if (n < 2) {
      throw new InvalidInputError('Fleiss kappa needs at least two raters per item.', { raters: n });
    }
    sumPi += (sumSquares - n) / (n * (n - 1));
  }
  const n = raters;
  const total = items * n;
  const pBar = sumPi / items;
  const p = columnTotals.map((t) => t / total);
  const peBar = p.reduce((s, pj) => s + pj * pj, 0);
  const perCategory = p.map((pj, j) => {
    const pq = pj * (1 - pj);
    if (pq <= 0) return 1;
    let disagreement = 0;
    for (const row of counts) disagreement += row[j]! * (n - row[j]!);
    return 1 - disagreement / (items * n * (n - 1) * pq);
  });
  return { kappa: chanceCorrected(pBar, peBar), perCategory, pBar, peBar };
}

/**
 * Krippendorff's alpha with the nominal difference metric, by the coincidence-matrix method of
 * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability". `units[u][r]` is rater r's
 * value for unit u (`null` = missing); rows may differ in length. A unit with m_u ≥ 2 values adds
 * 1/(m_u − 1) to o_ck for every ordered pair of its values from different raters; units with
 * fewer than two values are not pairable and are ignored. Throws when no value is pairable.
 */
export function krippendorffAlphaNominal(units: readonly (readonly Label[])[]): KrippendorffAlpha {
  // Only the off-diagonal mass Σ_{c≠k} o_ck and the marginals n_c are needed for the nominal metric.
  const valueTotals = new Map<string, number>();
  let offDiagonal = 0;
  let n = 0;
  units.forEach((unit, u) => {
    const counts = new Map<string, number>();
    let m = 0;
    unit.forEach((value, r) => {
      checkLabel(value, `Value of rater ${r} for unit ${u}`);
      if (value === null || value === undefined) return;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      m++;
    });
    if (m < 2) return;
    n += m;
    // Ordered pairs of values from different raters that disagree: m² − Σ_c m_c².
    let sumSquares = 0;
    for (const [value, c] of counts) {
      sumSquares += c * c;
      valueTotals.set(value, (valueTotals.get(value) ?? 0) + c);
    }
    offDiagonal += (m * m - sumSquares) / (m - 1);
  });
  if (n === 0) {
    throw new InvalidInputError('No unit has two or more values, so alpha is undefined.');
  }
  let sumSquaresTotals = 0;
  for (const nc of valueTotals.values()) sumSquaresTotals += nc * nc;
  const observedDisagreement = offDiagonal / n;
  const expectedDisagreement = (n * n - sumSquaresTotals) / (n * (n - 1));
  const alpha = expectedDisagreement <= 1e-12 ? 1 : 1 - observedDisagreement / expectedDisagreement;
  return { alpha, observedDisagreement, expectedDisagreement, pairableValues: n };
}

/**
 * Krippendorff's alpha with the interval difference metric δ²(c, k) = (c − k)², for numeric values
 * (scores), by the same coincidence method and the same unit rules as `krippendorffAlphaNominal`:
 * D_o = (1/n) Σ_u (1/(m_u − 1)) Σ_{i≠j in u} (v_i − v_j)², D_e = (1/(n(n−1))) Σ_{i≠j} (v_i − v_j)² over
 * all n pairable values. Each sum over ordered pairs is 2(m Σv² − (Σv)²), so no matrix is built;
 * values are centred on their mean first, so large scores lose no precision. Nearby scores disagree
 * a little and far ones a lot, where the nominal metric counts every difference the same.
 * Throws when a value is not a finite number or null, or when no value is pairable.
 */
export function krippendorffAlphaInterval(units: readonly (readonly (number | null)[])[]): KrippendorffAlpha {
  const pairable: number[][] = [];
  units.forEach((unit, u) => {
    const present: number[] = [];
    unit.forEach((value, r) => {
      if (value === null || value === undefined) return;
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new InvalidInputError(`Value of rater ${r} for unit ${u} must be a finite number or null.`, {
          value: String(value),
        });
      present.push(value);
    });
    if (present.length >= 2) pairable.push(present);
  });
  const n = pairable.reduce((sum, unit) => sum + unit.length, 0);
  if (n === 0) throw new InvalidInputError('No unit has two or more values, so alpha is undefined.');
  const mean = pairable.reduce((sum, unit) => unit.reduce((s, v) => s + v, sum), 0) / n;
  /** Σ over ordered pairs i ≠ j of (v_i − v_j)², from the values' sums. */
  const pairSquares = (values: readonly number[]): number => {
    let sum = 0;
    let sumSquares = 0;
    for (const value of values) {
      const centred = value - mean;
      sum += centred;
      sumSquares += centred * centred;
    }
    return 2 * (values.length * sumSquares - sum * sum);
  };
  let observed = 0;
  for (const unit of pairable) observed += pairSquares(unit) / (unit.length - 1);
  const observedDisagreement = observed / n;
  const expectedDisagreement = pairSquares(pairable.flat()) / (n * (n - 1));
  const alpha = expectedDisagreement <= 1e-12 ? 1 : 1 - observedDisagreement / expectedDisagreement;
  return { alpha, observedDisagreement, expectedDisagreement, pairableValues: n };
}

/**
 * Per-class agreement between two raters: for each category seen on the co-labelled items, Cohen's
 * kappa of the binary one-vs-rest relabelling ("this category" vs "anything else"), so a class both
 * raters rarely use is not drowned out by the frequent ones. Same item rules as `cohensKappa`; a
 * class only one rater ever used gets kappa ≤ 0, and the p_e = 1 convention applies per class.
 * For many raters, use `fleissKappa(...).perCategory` instead (Fleiss 1971).
 */
export function agreementPerClass(a: readonly Label[], b: readonly Label[]): ClassAgreement[] {
  const pairs = coLabelled(a, b);
  const categories = new Set<string>();
  for (const [x, y] of pairs) {
    categories.add(x);
    categories.add(y);
  }
  return [...categories].sort(byCodeUnit).map((category) => {
    const binary = pairs.map(
      ([x, y]) => [x === category ? 'in' : 'out', y === category ? 'in' : 'out'] as const,
    );
    const { kappa, observed, expected } = kappaOfPairs(binary);
    let supportA = 0;
    let supportB = 0;
    for (const [x, y] of pairs) {
      if (x === category) supportA++;
      if (y === category) supportB++;
    }
    return { category, kappa, observed, expected, supportA, supportB };
  });
}
