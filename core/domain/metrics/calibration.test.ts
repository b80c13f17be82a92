import { describe, expect, it } from 'vitest';
import { calibrationOf } from './calibration.js';

function calibrate(probabilities: readonly number[], positive: readonly boolean[]) {
  return calibrationOf(
    probabilities.length,
    (i) => probabilities[i]!,
    (i) => positive[i]!,
  );
}

describe('calibrationOf', () => {
  it('puts a probability on an inner edge in the bin below, 0 in the first bin and 1 in the last', () => {
    // Edges 0, 0.1, …, 1 (as i * 0.1): 0.5 is an edge, so it joins (0.4, 0.5] with 0.45.
    const result = calibrate([0, 0.45, 0.5, 0.5000001, 1], [false, true, false, true, true]);
    expect(result.bins).toEqual([
      { meanPredicted: 0, fractionPositive: 0, count: 1 },
      { meanPredicted: (0.45 + 0.5) / 2, fractionPositive: 0.5, count: 2 },
      { meanPredicted: 0.5000001, fractionPositive: 1, count: 1 },
      { meanPredicted: 1, fractionPositive: 1, count: 1 },
    ]);
  });

  it('weighs each bin’s gap by its share of rows for the ECE', () => {
    // Bin (0.2, 0.3]: 4 rows at 0.25, 1 positive → gap 0. Bin (0.7, 0.8]: 1 row at 0.8, negative → gap 0.8.
    const result = calibrate([0.25, 0.25, 0.25, 0.25, 0.8], [true, false, false, false, false]);
    expect(result.ece).toBeCloseTo((4 / 5) * 0 + (1 / 5) * 0.8, 15);
  });

  it('drops empty bins and gives 0 error without rows', () => {
    expect(calibrate([], [])).toEqual({ bins: [], ece: 0 });
  });
});
