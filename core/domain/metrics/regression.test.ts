import { describe, expect, it } from 'vitest';
import { RegressionMetrics } from '../../contract/training.js';
import reference from './fixtures/sklearn-reference.json' with { type: 'json' };
import { regressionMetrics, residualPoints } from './regression.js';

function expectClose(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

describe('regressionMetrics against scikit-learn 1.2', () => {
  it.each(reference.regression)('$name ($note)', ({ yTrue, yPred, expected }) => {
    const metrics = regressionMetrics(yTrue, Float64Array.from(yPred));
    expect(RegressionMetrics.parse(metrics)).toEqual(metrics);
    expectClose(metrics.mae, expected.mae);
    expectClose(metrics.rmse, expected.rmse);
    expectClose(metrics.r2, expected.r2);
    expect(metrics.residuals).toHaveLength(Math.min(2000, yTrue.length));
    expect(metrics.residuals[0]).toEqual({ predicted: yPred[0], residual: yTrue[0]! - yPred[0]! });
  });
});

describe('regressionMetrics by hand', () => {
  it('computes MAE, RMSE and R² of a three-row example', () => {
    // errors 1, −1, 2 → MAE 4/3, MSE 2, mean 2 → SS_tot 2, R² = 1 − 6/2 = −2.
    const metrics = regressionMetrics([1, 2, 3], [0, 3, 1]);
    expect(metrics.mae).toBeCloseTo(4 / 3, 15);
    expect(metrics.rmse).toBeCloseTo(Math.SQRT2, 15);
    expect(metrics.r2).toBeCloseTo(-2, 15);
    expect(metrics.residuals).toEqual([
      { predicted: 0, residual: 1 },
      { predicted: 3, residual: -1 },
      { predicted: 1, residual: 2 },
    ]);
  });

  it('gives a one-row slice R² 0 or 1 rather than NaN', () => {
    expect(regressionMetrics([5], [4]).r2).toBe(0);
    expect(regressionMetrics([5], [5]).r2).toBe(1);
  });

  it('thins residuals to 2,000 evenly spread rows, the same every time', () => {
    const n = 1_000_001;
    const yTrue = new Float64Array(n).map((_, i) => i);
    const yPred = new Float64Array(n).map((_, i) => i + (i % 3));
    const points = residualPoints(yTrue, yPred);
    expect(points).toHaveLength(2000);
    expect(points[0]).toEqual({ predicted: 0, residual: 0 });
    expect(points[1]!.predicted).toBe(500 + (500 % 3)); // row ⌊1 · 1,000,001 / 2000⌋ = 500
    expect(points[1999]!.predicted).toBe(Math.floor((1999 * n) / 2000) + (Math.floor((1999 * n) / 2000) % 3));
    expect(residualPoints(yTrue, yPred)).toEqual(points);
  });

  it('refuses mismatched or non-finite input', () => {
    expect(() => regressionMetrics([1, 2], [1])).toThrow(/2 actual values but 1 predictions/);
    expect(() => regressionMetrics([1, NaN], [1, 2])).toThrow(/Row 1 .* must be finite/);
    expect(() => regressionMetrics([], [])).toThrow(/test split is empty/);
  });
});
