/**
 * The rows `fitModel` trains on: their shape and checks, the targets in the form the loss wants,
 * class weights, and the per-epoch shuffle into contiguous batches.
 */
import { InvalidInputError } from '../../contract/errors.js';
import type { TrainingConfig } from '../../contract/training.js';

/** Rows as one flat float32 array per split (row-major, `d` values per row). */
export interface TrainingData {
  readonly xTrain: Float32Array;
  /** Class index 0…classes−1 for classification; the target value for regression. */
  readonly yTrain: Float32Array;
  readonly xVal: Float32Array;
  readonly yVal: Float32Array;
  readonly nTrain: number;
  readonly nVal: number;
  /** Values per row; for images size × size × channels (height, width, channels order). */
  readonly d: number;
  /** Number of classes; null for regression. */
  readonly classes: number | null;
  /**
   * Class labels by index, to match `classWeights` keys; without them the keys are class indices
   * ("0", "1", …).
   */
  readonly labels?: readonly string[];
}

/** Refuses data whose sizes disagree or that holds missing, infinite or out-of-range values. */
export function checkData(data: TrainingData): void {
  const { nTrain, nVal, d, classes } = data;
  if (!Number.isInteger(nTrain) || nTrain < 1) throw new InvalidInputError('There are no training rows.');
  if (data.xTrain.length !== nTrain * d || data.yTrain.length !== nTrain) {
    throw new InvalidInputError(
      `Training data has ${data.xTrain.length} values and ${data.yTrain.length} targets; ` +
        `expected ${nTrain} rows × ${d} features.`,
    );
  }
  if (data.xVal.length !== nVal * d || data.yVal.length !== nVal) {
    throw new InvalidInputError(
      `Validation data has ${data.xVal.length} values and ${data.yVal.length} targets; ` +
        `expected ${nVal} rows × ${d} features.`,
    );
  }
  for (const [name, values] of [
    ['training', data.xTrain],
    ['validation', data.xVal],
  ] as const) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new InvalidInputError(
          `The ${name} features have a missing or infinite value at row ${Math.floor(i / d)}, feature ${i % d}; ` +
            'impute or drop it before training.',
        );
      }
    }
  }
  for (const [name, values] of [
    ['training', data.yTrain],
    ['validation', data.yVal],
  ] as const) {
    for (let i = 0; i < values.length; i++) {
      const y = values[i]!;
      const ok = classes === null ? Number.isFinite(y) : Number.isInteger(y) && y >= 0 && y < classes;
      if (!ok) {
        throw new InvalidInputError(
          classes === null
            ? `The ${name} target is missing or infinite at row ${i}.`
            : `The ${name} target at row ${i} is ${y}, not a class index from 0 to ${classes - 1}.`,
        );
      }
    }
  }
}

/** Refuses an early-stopping metric the task or the (empty) validation split cannot give. */
export function checkStoppingMetric(metric: string, data: TrainingData): void {
  if (data.nVal === 0)
    throw new InvalidInputError('Early stopping needs validation rows; the validation split is empty.');
  const valid =
    data.classes === null
      ? ['val_loss', 'val_rmse']
      : data.classes === 2
        ? ['val_loss', 'val_accuracy', 'val_auc']
        : ['val_loss', 'val_accuracy'];
  if (!valid.includes(metric)) {
    throw new InvalidInputError(
      `Early stopping on ${metric} is not available for this task; use one of ${valid.join(', ')}.`,
      {
        metric,
      },
    );
  }
}

/** Targets as the loss wants them: a 0/1 column, one-hot rows, or a value column. */
export function targetRows(
  y: Float32Array,
  n: number,
  classes: number | null,
): { values: Float32Array; width: number } {
  if (classes === null || classes === 2) return { values: y, width: 1 };
  const oneHot = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) oneHot[i * classes + y[i]!] = 1;
  return { values: oneHot, width: classes };
}

/** Copies rows of `width` values from `source` into `target` in the order `order`. */
export function permuteRows(
  order: Int32Array,
  source: Float32Array,
  width: number,
  target: Float32Array,
): void {
  if (width === 1) {
    for (let i = 0; i < order.length; i++) target[i] = source[order[i]!]!;
    return;
  }
  for (let i = 0; i < order.length; i++) {
    const from = order[i]! * width;
    target.set(source.subarray(from, from + width), i * width);
  }
}

/** The weight of each class, or null when every class weighs 1. */
export function classWeightsOf(
  data: TrainingData,
  setting: TrainingConfig['classWeights'],
): Float32Array | null {
  if (setting === undefined || data.classes === null) return null;
  const k = data.classes;
  const weights = new Float32Array(k).fill(1);
  if (setting === 'balanced') {
    // scikit-learn's "balanced": n / (k · count(class)); absent classes keep weight 1.
    const counts = new Float64Array(k);
    for (let i = 0; i < data.nTrain; i++) counts[data.yTrain[i]!]!++;
    for (let c = 0; c < k; c++) if (counts[c]! > 0) weights[c] = data.nTrain / (k * counts[c]!);
    return weights;
  }
  const names = data.labels ?? Array.from({ length: k }, (_, c) => String(c));
  for (const [key, weight] of Object.entries(setting)) {
    const index = names.indexOf(key);
    if (index < 0) {
      throw new InvalidInputError(
        `Class weight given for '${key}', which is not a class of the target (${names.join(', ')}).`,
      );
    }
    weights[index] = weight;
  }
  return weights;
}

/** Each row's class weight. */
export function weightPerRow(y: Float32Array, n: number, weights: Float32Array): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = weights[y[i]!]!;
  return out;
}
