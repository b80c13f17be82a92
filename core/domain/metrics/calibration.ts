/**
 * Reliability curve and expected calibration error, binned like scikit-learn's
 * `calibration_curve(strategy='uniform')`: edges `i / bins`, a probability on an inner edge falls in
 * the bin below it (`searchsorted(side='left')`), and empty bins are left out.
 */

/** One non-empty bin of the reliability curve. */
export interface CalibrationBin {
  /** Mean predicted probability of the rows in the bin. */
  readonly meanPredicted: number;
  /** Share of those rows that were in fact positive (or, for multiclass, predicted correctly). */
  readonly fractionPositive: number;
  readonly count: number;
}

export interface Calibration {
  readonly bins: CalibrationBin[];
  /** Expected calibration error: Σ (count / n) · |fractionPositive − meanPredicted| over the bins. */
  readonly ece: number;
}

export const calibrationBinCount = 10;

/**
 * Bins `n` predictions, `probability(i)` in [0, 1], against `isPositive(i)`. With no rows there
 * are no bins and the error is 0.
 */
export function calibrationOf(
  n: number,
  probability: (row: number) => number,
  isPositive: (row: number) => boolean,
  binCount = calibrationBinCount,
): Calibration {
  // numpy's linspace(0, 1, bins + 1) is i * (1 / bins); the same products keep edge cases identical.
  const step = 1 / binCount;
  const edges = Array.from({ length: binCount + 1 }, (_, i) => (i === binCount ? 1 : i * step));
  const sums = new Float64Array(binCount);
  const positives = new Float64Array(binCount);
  const counts = new Float64Array(binCount);
  for (let i = 0; i < n; i++) {
    const p = probability(i);
    let bin = Math.min(binCount - 1, Math.max(0, Math.floor(p * binCount)));
    while (bin > 0 && edges[bin]! >= p) bin--;
    while (bin < binCount - 1 && edges[bin + 1]! < p) bin++;
    sums[bin] += p;
    counts[bin]++;
    if (isPositive(i)) positives[bin]++;
  }
  const bins: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < binCount; b++) {
    const count = counts[b]!;
    if (count === 0) continue;
    const meanPredicted = sums[b]! / count;
    const fractionPositive = positives[b]! / count;
    bins.push({ meanPredicted, fractionPositive, count });
    ece += (count / n) * Math.abs(fractionPositive - meanPredicted);
  }
  return { bins, ece };
}
