/**
 * Test-split metrics of a classifier from its class probabilities, matching scikit-learn's
 * definitions (checked in `classification.test.ts` against `fixtures/sklearn-reference.json`).
 *
 * Conventions where scikit-learn leaves a choice:
 * - the predicted class is the first column with the highest probability (`np.argmax`);
 * - precision, recall and F1 use `zero_division=0`; macro averages weigh every label equally,
 *   including labels absent from the split; weighted averages weigh by support;
 * - balanced accuracy is the mean recall over the classes present in `yTrue`;
 * - with two labels, ROC AUC, average precision, the calibration curve and the ROC curve are about
 *   the second label (the positive class); with more, AUC and average precision are macro
 *   one-vs-rest and the calibration curve is top-class confidence against correctness;
 * - ROC AUC and average precision are null when any label has no rows (scikit-learn raises);
 * - log loss clips at float32 machine epsilon, as `log_loss(eps='auto')` does for float32
 *   probabilities, then renormalises each row.
 */
import type { ClassificationMetrics } from '../../contract/training.js';
import { calibrationOf } from './calibration.js';
import { checkClassificationInputs } from './inputs.js';
import type { NumberColumn, ProbabilityMatrix } from './inputs.js';
import { averagePrecisionOf, downsampleRoc, rankCurve, rocAucOf, rocPointsOf } from './ranking.js';

/** float32 machine epsilon, 2⁻²³: where `log_loss` clips probabilities that arrive as float32. */
export const logLossEpsilon = 2 ** -23;

/** Index of the first highest probability of each row. */
export function predictedClasses(probabilities: ProbabilityMatrix, k: number): Int32Array {
  const n = probabilities.length / k;
  const predicted = new Int32Array(n);
  for (let i = 0, offset = 0; i < n; i++, offset += k) {
    let best = 0;
    let bestProbability = probabilities[offset]!;
    for (let c = 1; c < k; c++) {
      const p = probabilities[offset + c]!;
      if (p > bestProbability) {
        best = c;
        bestProbability = p;
      }
    }
    predicted[i] = best;
  }
  return predicted;
}

/** k × k counts; rows are the true class, columns the predicted class. */
export function confusionMatrixOf(yTrue: NumberColumn, predicted: Int32Array, k: number): number[][] {
  const flat = new Float64Array(k * k);
  for (let i = 0; i < predicted.length; i++) flat[yTrue[i]! * k + predicted[i]!]++;
  return Array.from({ length: k }, (_, t) => Array.from(flat.subarray(t * k, (t + 1) * k)));
}

/** Mean negative log-likelihood of the true class, probabilities clipped to [ε, 1 − ε] and renormalised. */
export function logLossOf(yTrue: NumberColumn, probabilities: ProbabilityMatrix, k: number): number {
  const n = yTrue.length;
  const low = logLossEpsilon;
  const high = 1 - logLossEpsilon;
  let total = 0;
  for (let i = 0, offset = 0; i < n; i++, offset += k) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += Math.min(high, Math.max(low, probabilities[offset + c]!));
    const p = Math.min(high, Math.max(low, probabilities[offset + yTrue[i]!]!));
    total -= Math.log(p / rowSum);
  }
  return total / n;
}

interface PerClassScores {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

function perClassScores(confusion: readonly (readonly number[])[]): PerClassScores {
  const k = confusion.length;
  const scores: PerClassScores = { precision: [], recall: [], f1: [], support: [] };
  for (let c = 0; c < k; c++) {
    const truePositives = confusion[c]![c]!;
    let support = 0;
    let predictedCount = 0;
    for (let o = 0; o < k; o++) {
      support += confusion[c]![o]!;
      predictedCount += confusion[o]![c]!;
    }
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    scores.precision.push(precision);
    scores.recall.push(recall);
    scores.f1.push(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));
    scores.support.push(support);
  }
  return scores;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]! * weights[i]!;
    weight += weights[i]!;
  }
  return weight === 0 ? 0 : sum / weight;
}

type RankingScores = Pick<ClassificationMetrics, 'rocAuc' | 'prAuc' | 'rocCurve'>;

/**
 * ROC AUC, average precision and (binary only) the ROC curve. Two classes: the second column
 * against the first, as scikit-learn's binary case. More: one-vs-rest per class, macro mean.
 * All null when a class has no rows.
 */
function rankingScores(
  yTrue: NumberColumn,
  probabilities: ProbabilityMatrix,
  k: number,
  support: readonly number[],
): RankingScores {
  if (support.some((s) => s === 0)) return { rocAuc: null, prAuc: null, rocCurve: null };
  const n = yTrue.length;
  if (k === 2) {
    const curve = rankCurve(
      n,
      (i) => probabilities[2 * i + 1]!,
      (i) => yTrue[i] === 1,
    );
    const points = rocPointsOf(curve);
    return {
      rocAuc: rocAucOf(curve),
      prAuc: averagePrecisionOf(curve),
      rocCurve: points === null ? null : downsampleRoc(points),
    };
  }
  let rocSum = 0;
  let prSum = 0;
  for (let c = 0; c < k; c++) {
    const curve = rankCurve(
      n,
      (i) => probabilities[i * k + c]!,
      (i) => yTrue[i] === c,
    );
    rocSum += rocAucOf(curve)!;
    prSum += averagePrecisionOf(curve)!;
  }
  return { rocAuc: rocSum / k, prAuc: prSum / k, rocCurve: null };
}

/**
 * Every classification metric of the contract for `n` rows: `yTrue` holds class indices into
 * `labels`, `probabilities` is row-major n × k (k = labels.length, also 2 for binary).
 * O(k · n log n) time; throws `InvalidInputError` on inconsistent input.
 */
export function classificationMetrics(
  yTrue: NumberColumn,
  probabilities: ProbabilityMatrix,
  labels: readonly string[],
): ClassificationMetrics {
  const k = checkClassificationInputs(yTrue, probabilities, labels);
  const n = yTrue.length;
  const predicted = predictedClasses(probabilities, k);
  const confusionMatrix = confusionMatrixOf(yTrue, predicted, k);
  const scores = perClassScores(confusionMatrix);

  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusionMatrix[c]![c]!;
  const presentRecalls = scores.recall.filter((_, c) => scores.support[c]! > 0);

  const calibration =
    k === 2
      ? calibrationOf(
          n,
          (i) => probabilities[2 * i + 1]!,
          (i) => yTrue[i] === 1,
        )
      : calibrationOf(
          n,
          (i) => probabilities[i * k + predicted[i]!]!,
          (i) => yTrue[i] === predicted[i],
        );

  return {
    kind: 'classification',
    labels: [...labels],
    accuracy: correct / n,
    balancedAccuracy: mean(presentRecalls),
    perClass: labels.map((label, c) => ({
      label,
      precision: scores.precision[c]!,
      recall: scores.recall[c]!,
      f1: scores.f1[c]!,
      support: scores.support[c]!,
    })),
    macro: { precision: mean(scores.precision), recall: mean(scores.recall), f1: mean(scores.f1) },
    weighted: {
      precision: weightedMean(scores.precision, scores.support),
      recall: weightedMean(scores.recall, scores.support),
      f1: weightedMean(scores.f1, scores.support),
    },
    ...rankingScores(yTrue, probabilities, k, scores.support),
    logLoss: logLossOf(yTrue, probabilities, k),
    calibration,
    confusionMatrix,
  };
}
