/**
 * Ranking metrics of one class against the rest: ROC AUC, average precision and the ROC curve,
 * all from one pass over the scores in descending order, as scikit-learn's `_binary_clf_curve`.
 *
 * Rows are never sorted by index: the positives' scores and the negatives' scores go into two
 * typed arrays that are sorted natively (no comparator, so V8 sorts them in C++), then merged from
 * the top. That keeps a million rows to a couple of hundred milliseconds per class.
 */

/**
 * Cumulative true and false positive counts at each distinct score, highest score first; tied
 * scores form one threshold, which is how scikit-learn (and the Mann–Whitney U statistic) treat ties.
 */
export interface RankCurve {
  readonly truePositives: Float64Array;
  readonly falsePositives: Float64Array;
  readonly positives: number;
  readonly negatives: number;
}

/** One point of a ROC curve. */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
}

/** The most points a ROC curve keeps for drawing. */
export const maxRocPoints = 200;

/**
 * Builds the rank curve of `score(i)` for the rows where `isPositive(i)` is true against the rest.
 * Scores must be finite.
 */
export function rankCurve(
  n: number,
  score: (row: number) => number,
  isPositive: (row: number) => boolean,
): RankCurve {
  let positives = 0;
  for (let i = 0; i < n; i++) if (isPositive(i)) positives++;
  const negatives = n - positives;
  const positiveScores = new Float64Array(positives);
  const negativeScores = new Float64Array(negatives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (isPositive(i)) positiveScores[p++] = score(i);
    else negativeScores[q++] = score(i);
  }
  positiveScores.sort();
  negativeScores.sort();

  const truePositives = new Float64Array(n);
  const falsePositives = new Float64Array(n);
  let p = positives - 1;
  let q = negatives - 1;
  let tp = 0;
  let fp = 0;
  let thresholds = 0;
  while (p >= 0 || q >= 0) {
    const threshold =
      p < 0
        ? negativeScores[q]!
        : q < 0
          ? positiveScores[p]!
          : Math.max(positiveScores[p]!, negativeScores[q]!);
    while (p >= 0 && positiveScores[p] === threshold) {
      tp++;
      p--;
    }
    while (q >= 0 && negativeScores[q] === threshold) {
      fp++;
      q--;
    }
    truePositives[thresholds] = tp;
    falsePositives[thresholds] = fp;
    thresholds++;
  }
  return {
    truePositives: truePositives.subarray(0, thresholds),
    falsePositives: falsePositives.subarray(0, thresholds),
    positives,
    negatives,
  };
}

/**
 * Area under the ROC curve by the trapezoid rule over every threshold (what `roc_auc_score` gives);
 * summed in whole counts and divided once, so it is exact up to the last division. Null when
 * either class is missing, where scikit-learn raises.
 */
export function rocAucOf(curve: RankCurve): number | null {
  const { truePositives, falsePositives, positives, negatives } = curve;
  if (positives === 0 || negatives === 0) return null;
  let twiceArea = 0;
  let previousTp = 0;
  let previousFp = 0;
  for (let i = 0; i < truePositives.length; i++) {
    const tp = truePositives[i]!;
    const fp = falsePositives[i]!;
    twiceArea += (fp - previousFp) * (tp + previousTp);
    previousTp = tp;
    previousFp = fp;
  }
  return twiceArea / (2 * positives * negatives);
}

/**
 * Average precision, `Σ (Rᵢ − Rᵢ₋₁) Pᵢ` over thresholds from the highest score down, without
 * interpolation (`average_precision_score`). Null without positives or without negatives.
 */
export function averagePrecisionOf(curve: RankCurve): number | null {
  const { truePositives, falsePositives, positives, negatives } = curve;
  if (positives === 0 || negatives === 0) return null;
  let sum = 0;
  let previousTp = 0;
  for (let i = 0; i < truePositives.length; i++) {
    const tp = truePositives[i]!;
    if (tp !== previousTp) sum += ((tp - previousTp) * tp) / (tp + falsePositives[i]!);
    previousTp = tp;
  }
  return sum / positives;
}

/**
 * The ROC curve as `roc_curve(drop_intermediate=True)` draws it: (0, 0), then every threshold whose
 * point is not collinear with its neighbours in count space. Null when either class is missing.
 */
export function rocPointsOf(curve: RankCurve): RocPoint[] | null {
  const { truePositives: tps, falsePositives: fps, positives, negatives } = curve;
  if (positives === 0 || negatives === 0) return null;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  const last = tps.length - 1;
  for (let i = 0; i <= last; i++) {
    const kept =
      i === 0 ||
      i === last ||
      fps[i - 1]! - 2 * fps[i]! + fps[i + 1]! !== 0 ||
      tps[i - 1]! - 2 * tps[i]! + tps[i + 1]! !== 0;
    if (kept) points.push({ fpr: fps[i]! / negatives, tpr: tps[i]! / positives });
  }
  return points;
}

/**
 * Thins a ROC curve to at most `limit` points spread evenly along it: the curve only moves right
 * and up, so `fpr + tpr` runs from 0 to 2 and the first point past each of `limit` evenly spaced
 * marks on that scale is kept. Both ends are always kept; a short curve is returned as it is.
 */
export function downsampleRoc(points: readonly RocPoint[], limit = maxRocPoints): RocPoint[] {
  if (points.length <= limit) return [...points];
  const kept: RocPoint[] = [];
  const last = points.length - 1;
  const start = points[0]!.fpr + points[0]!.tpr;
  const span = points[last]!.fpr + points[last]!.tpr - start;
  let index = 0;
  for (let mark = 0; mark < limit; mark++) {
    if (mark === limit - 1) index = last;
    else {
      const target = start + (span * mark) / (limit - 1);
      while (index < last && points[index]!.fpr + points[index]!.tpr < target) index++;
    }
    if (kept[kept.length - 1] !== points[index]) kept.push(points[index]!);
  }
  return kept;
}
