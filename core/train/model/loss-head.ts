/**
 * The loss of a batch, its score and the loss's gradient with respect to the logits, in JS from
 * the downloaded logits, for the dense training step (`dense-step.ts`). The logits are at most a
 * few values per row, so this costs microseconds, where the same on the device is a dozen small
 * kernels (and two more chains for the score and the running loss).
 *
 * Each loss is the one `fit.ts` uses on the general path, with tfjs' reduction:
 * - sigmoid: `tf.losses.sigmoidCrossEntropy` — max(z, 0) − z·y + log(1 + e^−|z|) per row;
 * - softmax: `tf.losses.softmaxCrossEntropy` — logsumexp(z) − Σ y·z per row;
 * - linear: `tf.losses.meanSquaredError` — the mean over every value.
 * With class weights, tfjs' default reduction (SUM_BY_NONZERO_WEIGHTS) divides the weighted sum
 * by the number of rows, as class weights are positive; so does this.
 */
import type { OutputKind } from './build.js';

export interface HeadResult {
  /** The batch's mean loss as the general path's loss function reports it (without penalties). */
  readonly loss: number;
  /** Correct predictions (classification) or the sum of squared errors (regression). */
  readonly score: number;
}

/**
 * Writes ∂loss/∂logits into `gradient` (rows × width, row-major) and returns the batch's loss and
 * score. `targets` is a 0/1 column (sigmoid), one-hot rows (softmax) or values (linear).
 */
export function lossHead(
  output: OutputKind,
  logits: Float32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  rows: number,
  width: number,
  gradient: Float32Array,
): HeadResult {
  switch (output) {
    case 'sigmoid':
      return sigmoidHead(logits, targets, weights, rows, gradient);
    case 'softmax':
      return softmaxHead(logits, targets, weights, rows, width, gradient);
    case 'linear':
      return squaredErrorHead(logits, targets, rows * width, gradient);
  }
}

function sigmoidHead(
  logits: Float32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  rows: number,
  gradient: Float32Array,
): HeadResult {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const z = logits[i]!;
    const y = targets[i]!;
    const w = weights ? weights[i]! : 1;
    const e = Math.exp(-Math.abs(z));
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    loss += w * (Math.max(z, 0) - z * y + Math.log1p(e));
    gradient[i] = (w * (p - y)) / rows;
    if ((z > 0 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / rows, score: correct };
}

function softmaxHead(
  logits: Float32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  rows: number,
  width: number,
  gradient: Float32Array,
): HeadResult {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * width;
    let max = -Infinity;
    let predicted = 0;
    let actual = 0;
    for (let c = 0; c < width; c++) {
      const z = logits[row + c]!;
      // The first maximum, as tf.argMax picks it.
      if (z > max) {
        max = z;
        predicted = c;
      }
      if (targets[row + c]! > targets[row + actual]!) actual = c;
    }
    let total = 0;
    for (let c = 0; c < width; c++) total += Math.exp(logits[row + c]! - max);
    const logTotal = Math.log(total) + max;
    const w = weights ? weights[i]! : 1;
    for (let c = 0; c < width; c++) {
      const z = logits[row + c]!;
      const y = targets[row + c]!;
      loss += w * y * (logTotal - z);
      gradient[row + c] = (w * (Math.exp(z - logTotal) - y)) / rows;
    }
    if (predicted === actual) correct++;
  }
  return { loss: loss / rows, score: correct };
}

function squaredErrorHead(
  logits: Float32Array,
  targets: Float32Array,
  values: number,
  gradient: Float32Array,
): HeadResult {
  let sum = 0;
  for (let i = 0; i < values; i++) {
    const error = logits[i]! - targets[i]!;
    sum += error * error;
    gradient[i] = (2 * error) / values;
  }
  return { loss: sum / values, score: sum };
}
