import { describe, expect, it } from 'vitest';
import type { LabelValue } from '../contract/index.js';
import {
  cohensKappa,
  fleissKappa,
  krippendorffAlphaInterval,
  krippendorffAlphaNominal,
} from '../domain/agreement/index.js';
import { agreementReport } from './agreement-report.js';
import { labelTableOf } from './label-state.js';
import type { LabelTable } from './label-state.js';

const classes = ['a', 'b', 'c'].map((name, i) => ({ name, color: '#000000', hotkey: String(i + 1) }));
const single = { task: 'single' as const, classes };

/** Items from a table of labels per annotator (null = not labelled). */
function items(annotators: string[], table: (string | null)[][]): LabelTable {
  return labelTableOf(
    table.flatMap((row, rowId) =>
      row.flatMap((label, i) =>
        label === null ? [] : [[rowId, annotators[i]!, { classes: [label] } as LabelValue] as const],
      ),
    ),
  );
}

describe('agreement report', () => {
  it('uses Fleiss on items everyone labelled and Krippendorff on items with two or more labels', () => {
    const table = [
      ['a', 'a', 'a'],
      ['a', 'b', 'b'],
      ['c', 'c', null],
      ['b', null, null],
      ['a', 'a', 'b'],
      ['c', 'c', 'c'],
    ];
    const report = agreementReport(single, items(['ana', 'ben', 'cy'], table), new Set([4]));
    expect(report.annotators).toEqual(['ana', 'ben', 'cy']);
    expect(report.itemsCompared).toBe(5);
    expect(report.percentAgreement).toBeCloseTo(3 / 5, 12);
    expect(report.cohenKappa).toBeNull(); // three annotators
    const complete = [table[0]!, table[1]!, table[4]!, table[5]!];
    const counts = complete.map((row) => ['a', 'b', 'c'].map((c) => row.filter((x) => x === c).length));
    expect(report.fleissKappa).toBe(fleissKappa(counts).kappa);
    expect(report.krippendorffAlpha).toBe(krippendorffAlphaNominal(table.filter((_, i) => i !== 3)).alpha);
    expect(report.pairwise.map((p) => [p.a, p.b, p.items])).toEqual([
      ['ana', 'ben', 5],
      ['ana', 'cy', 4],
      ['ben', 'cy', 4],
    ]);
    const column = (i: number) => table.map((row) => row[i] ?? null);
    expect(report.pairwise[0]!.kappa).toBe(cohensKappa(column(0), column(1)).kappa);
    // Row 1 and row 4 disagree; row 4 has a review.
    expect(report.disagreements).toBe(1);
    // Per class: one-vs-rest ("is it c?") on the same items.
    const isC = complete.map((row) => [
      row.filter((x) => x === 'c').length,
      row.filter((x) => x !== 'c').length,
    ]);
    expect(report.perClass.find((c) => c.name === 'c')!.fleissKappa).toBe(fleissKappa(isC).kappa);
    // Fleiss' own per-category kappa is exactly the one-vs-rest kappa.
    expect(report.perClass.map((c) => c.fleissKappa)).toEqual(
      fleissKappa(counts).perCategory.map((k) => expect.closeTo(k, 12)),
    );
  });

  it('compares multi-label values as sets and leaves what cannot be measured as null', () => {
    const multi = { task: 'multi' as const, classes };
    const report = agreementReport(
      multi,
      labelTableOf([
        [0, 'ana', { classes: ['a', 'b'] }],
        [0, 'ben', { classes: ['b', 'a'] }],
        [1, 'ana', { classes: ['a'] }],
        [1, 'ben', { classes: ['a', 'c'] }],
        [2, 'ana', { classes: [] }],
      ]),
      new Set(),
    );
    expect(report).toMatchObject({ itemsCompared: 2, percentAgreement: 0.5, disagreements: 1 });
    // "is it a?" — both said yes on both items: perfect agreement by the module's convention.
    expect(report.perClass.find((c) => c.name === 'a')).toEqual({
      name: 'a',
      fleissKappa: 1,
      krippendorffAlpha: 1,
    });
    const nobody = agreementReport(single, items(['ana'], [['a'], ['b']]), new Set());
    expect(nobody).toMatchObject({
      itemsCompared: 0,
      percentAgreement: null,
      cohenKappa: null,
      fleissKappa: null,
      krippendorffAlpha: null,
      pairwise: [],
    });
  });

  it('adds the interval alpha for score sets only, from the scores as numbers', () => {
    const score = { task: 'score' as const, classes: [] };
    const scores: (number | null)[][] = [
      [1, 2],
      [3, 3],
      [4, 5],
      [5, null],
      [2, 1],
    ];
    const table = labelTableOf(
      scores.flatMap((row, rowId) =>
        row.flatMap((value, i) =>
          value === null ? [] : [[rowId, ['ana', 'ben'][i]!, { score: value } as LabelValue] as const],
        ),
      ),
    );
    const report = agreementReport(score, table, new Set());
    const compared = scores.filter((row) => row.every((x) => x !== null));
    expect(report.krippendorffAlphaInterval).toBe(krippendorffAlphaInterval(compared).alpha);
    // Near scores: the interval alpha sees much more agreement than the nominal one.
    expect(report.krippendorffAlphaInterval).toBeGreaterThan(0.7);
    expect(report.krippendorffAlpha).toBeLessThan(0.2);
    expect(
      agreementReport(single, items(['ana', 'ben'], [['a', 'b']]), new Set()).krippendorffAlphaInterval,
    ).toBeNull();
  });
});
