import { describe, expect, it } from 'vitest';
import { averagePrecisionOf, downsampleRoc, rankCurve, rocAucOf, rocPointsOf } from './ranking.js';
import type { RocPoint } from './ranking.js';

function curveOf(scores: readonly number[], positive: readonly boolean[]) {
  return rankCurve(
    scores.length,
    (i) => scores[i]!,
    (i) => positive[i]!,
  );
}

describe('rankCurve', () => {
  it('groups tied scores into one threshold, highest first', () => {
    const curve = curveOf([0.3, 0.8, 0.3, 0.1, 0.8], [true, true, false, false, false]);
    expect(Array.from(curve.truePositives)).toEqual([1, 2, 2]);
    expect(Array.from(curve.falsePositives)).toEqual([1, 2, 3]);
    expect([curve.positives, curve.negatives]).toEqual([2, 3]);
  });

  it('treats −0 and 0 as the same score', () => {
    const curve = curveOf([-0, 0], [true, false]);
    expect(Array.from(curve.truePositives)).toEqual([1]);
    expect(rocAucOf(curve)).toBe(0.5);
  });
});

describe('rocAucOf and averagePrecisionOf', () => {
  it('count a tie between a positive and a negative as half a pair', () => {
    expect(rocAucOf(curveOf([0.5, 0.5], [true, false]))).toBe(0.5);
    // Positives 0.9, 0.5, 0.2 against negatives 0.5, 0.1: pairs won 2 + (½ + 1) + 1 = 4.5 of 6.
    expect(rocAucOf(curveOf([0.9, 0.5, 0.2, 0.5, 0.1], [true, true, true, false, false]))).toBeCloseTo(
      0.75,
      15,
    );
  });

  it('are 1 for a perfect ranking and null when a class is missing', () => {
    const perfect = curveOf([0.9, 0.8, 0.1], [true, true, false]);
    expect(rocAucOf(perfect)).toBe(1);
    expect(averagePrecisionOf(perfect)).toBe(1);
    const onlyPositives = curveOf([0.9, 0.1], [true, true]);
    expect(rocAucOf(onlyPositives)).toBeNull();
    expect(averagePrecisionOf(onlyPositives)).toBeNull();
    expect(rocPointsOf(onlyPositives)).toBeNull();
  });

  it("match sklearn's docstring example: average_precision_score([0,0,1,1], [.1,.4,.35,.8]) = 0.8333…", () => {
    const curve = curveOf([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
    expect(averagePrecisionOf(curve)).toBeCloseTo(5 / 6, 15);
    expect(rocAucOf(curve)).toBe(0.75); // roc_auc_score docstring-style value: 3 of 4 pairs
  });
});

describe('downsampleRoc', () => {
  const staircase: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  for (let i = 1; i <= 1000; i++) staircase.push({ fpr: (i - (i % 2)) / 1000, tpr: (i + (i % 2)) / 1000 });

  it('leaves a short curve alone', () => {
    expect(downsampleRoc(staircase.slice(0, 50))).toEqual(staircase.slice(0, 50));
  });

  it('keeps at most 200 points, both ends, in order, spread along the curve', () => {
    const thinned = downsampleRoc(staircase);
    expect(thinned.length).toBeLessThanOrEqual(200);
    expect(thinned.length).toBeGreaterThan(190);
    expect(thinned[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(thinned.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    for (let i = 1; i < thinned.length; i++) {
      expect(thinned[i]!.fpr).toBeGreaterThanOrEqual(thinned[i - 1]!.fpr);
      expect(thinned[i]!.tpr).toBeGreaterThanOrEqual(thinned[i - 1]!.tpr);
      // No gap along fpr + tpr wider than a few marks (2 / 199 each).
      const gap = thinned[i]!.fpr + thinned[i]!.tpr - thinned[i - 1]!.fpr - thinned[i - 1]!.tpr;
      expect(gap).toBeLessThan(3 * (2 / 199));
    }
    expect(downsampleRoc(staircase)).toEqual(thinned);
  });
});
