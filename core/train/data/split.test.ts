import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import { mulberry32 } from './prng.js';
import { assignFolds, assignHoldout, splitCodes } from './split.js';

/** 1,000 rows: class 0 for 700 of them, class 1 for 300, interleaved. */
function classes(): Int32Array {
  return Int32Array.from({ length: 1000 }, (_, row) => (row % 10 < 3 ? 1 : 0));
}

function share(assignment: Uint8Array, labels: Int32Array, code: number, label: number): number {
  let inSplit = 0;
  let withLabel = 0;
  assignment.forEach((value, row) => {
    if (value !== code) return;
    inSplit += 1;
    if (labels[row] === label) withLabel += 1;
  });
  return withLabel / inSplit;
}

describe('mulberry32', () => {
  it('gives a fixed sequence for a seed and stays in [0, 1)', () => {
    const random = mulberry32(0);
    // Pinned first outputs: a change here would silently change every stored split.
    expect(random()).toBeCloseTo(0.26642920868471265, 12);
    expect(random()).toBeCloseTo(0.0003297457005828619, 12);
    for (let i = 0; i < 1000; i += 1) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('assignHoldout', () => {
  const request = { rows: 1000, labels: ['a', 'b'], validation: 0.15, test: 0.15, seed: 42 };

  it('keeps each class share in every split when stratified', () => {
    const labels = classes();
    const assignment = assignHoldout({ ...request, classes: labels });
    for (const code of [splitCodes.train, splitCodes.validation, splitCodes.test]) {
      expect(share(assignment, labels, code, 1)).toBeCloseTo(0.3, 2);
    }
    const counts = [0, 0, 0];
    for (const code of assignment) counts[code] = (counts[code] ?? 0) + 1;
    expect(counts).toEqual([700, 150, 150]);
  });

  it('is the same for the same seed and different for another', () => {
    const labels = classes();
    const first = assignHoldout({ ...request, classes: labels });
    expect(assignHoldout({ ...request, classes: labels })).toEqual(first);
    expect(assignHoldout({ ...request, classes: labels, seed: 43 })).not.toEqual(first);
  });

  it('refuses a class with a single example under stratification, naming it', () => {
    const labels = Int32Array.from({ length: 50 }, (_, row) => (row === 7 ? 2 : row % 2));
    expect(() =>
      assignHoldout({ ...request, rows: 50, classes: labels, labels: ['a', 'b', 'rare'] }),
    ).toThrow(/Class 'rare' has a single example.*stratify to false/);
    // Without stratification the same rows split fine.
    expect(assignHoldout({ ...request, rows: 50, classes: null, labels: null }).length).toBe(50);
  });

  it('refuses too few rows to give every split a row', () => {
    expect(() => assignHoldout({ ...request, rows: 3, classes: null, labels: null })).toThrow(
      InvalidInputError,
    );
  });
});

describe('assignFolds', () => {
  it('partitions the rows: every row validates in exactly one fold and trains in the others', () => {
    const labels = classes();
    const { folds } = assignFolds({ rows: 1000, classes: labels, labels: ['a', 'b'], folds: 5, seed: 1 });
    expect(folds).toHaveLength(5);
    const seen = new Int32Array(1000);
    for (const fold of folds) {
      expect(fold.validation.length).toBe(200);
      expect(fold.train.length + fold.validation.length).toBe(1000);
      const inValidation = new Set(fold.validation);
      for (const row of fold.train) expect(inValidation.has(row)).toBe(false);
      for (const row of fold.validation) seen[row] += 1;
      const positives = Array.from(fold.validation).filter((row) => labels[row] === 1).length;
      expect(positives).toBe(60);
    }
    expect(seen.every((count) => count === 1)).toBe(true);
  });

  it('is deterministic per seed', () => {
    const request = { rows: 100, classes: null, labels: null, folds: 4, seed: 9 };
    expect(assignFolds(request)).toEqual(assignFolds(request));
    expect(assignFolds({ ...request, seed: 10 }).folds[0]?.validation).not.toEqual(
      assignFolds(request).folds[0]?.validation,
    );
  });

  it('refuses more folds than rows', () => {
    expect(() => assignFolds({ rows: 3, classes: null, labels: null, folds: 5, seed: 1 })).toThrow(
      /too few for 5 folds/,
    );
  });
});
