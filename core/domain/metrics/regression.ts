/**
 * Test-split metrics of a regressor, as scikit-learn's `mean_absolute_error`,
 * `mean_squared_error` (square-rooted) and `r2_score` (with its default `force_finite=True`: when
 * the actual values are all equal, R² is 1 for a perfect fit and 0 otherwise, never NaN).
 */
import type { RegressionMetrics } from '../../contract/training.js';
import { checkRegressionInputs } from './inputs.js';
import type { NumberColumn } from './inputs.js';

/** The most points the residual plot gets. */
export const maxResidualPoints = 2000;

/**
 * Up to `limit` (predicted, residual) points with residual = actual − predicted. Above the limit
 * rows `⌊j · n / limit⌋` are kept: evenly spread over the split, the same on every call.
 */
export function residualPoints(
  yTrue: NumberColumn,
  yPred: NumberColumn,
  limit = maxResidualPoints,
): RegressionMetrics['residuals'] {
  const n = yTrue.length;
  const count = Math.min(n, limit);
  const points: RegressionMetrics['residuals'] = [];
  for (let j = 0; j < count; j++) {
    const i = n <= limit ? j : Math.floor((j * n) / limit);
    points.push({ predicted: yPred[i]!, residual: yTrue[i]! - yPred[i]! });
  }
  return points;
}

/** MAE, RMSE, R² and residual points of `yPred` against `yTrue`; throws `InvalidInputError` on bad input. */
export function regressionMetrics(yTrue: NumberColumn, yPred: NumberColumn): RegressionMetrics {
  checkRegressionInputs(yTrue, yPred);
  const n = yTrue.length;
  let actualSum = 0;
  let absoluteErrorSum = 0;
  let squaredErrorSum = 0;
  for (let i = 0; i < n; i++) {
    const error = yTrue[i]! - yPred[i]!;
    actualSum += yTrue[i]!;
    absoluteErrorSum += Math.abs(error);
    squaredErrorSum += error * error;
  }
  const actualMean = actualSum / n;
  let totalSquares = 0;
  for (let i = 0; i < n; i++) {
    const deviation = yTrue[i]! - actualMean;
    totalSquares += deviation * deviation;
  }
  let r2: number;
  if (totalSquares === 0) r2 = squaredErrorSum === 0 ? 1 : 0;
  else r2 = 1 - squaredErrorSum / totalSquares;
  return {
    kind: 'regression',
    mae: absoluteErrorSum / n,
    rmse: Math.sqrt(squaredErrorSum / n),
    r2,
    residuals: residualPoints(yTrue, yPred),
  };
}
