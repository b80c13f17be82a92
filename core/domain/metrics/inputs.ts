import { InvalidInputError } from '../../contract/errors.js';

/** A column of numbers as the model and the data engine hand them over. */
export type NumberColumn = Readonly<ArrayLike<number>>;

/** Row-major n × k class probabilities, one row per test row, columns in `labels` order. */
export type ProbabilityMatrix = Float32Array | Float64Array;

/**
 * Checks the classification inputs once, up front, so the metric code below can index freely:
 * at least one row, at least two labels, an n × k matrix of finite probabilities in [0, 1] and a
 * class index in [0, k) for every row. Returns the class count k.
 */
export function checkClassificationInputs(
  yTrue: NumberColumn,
  probabilities: ProbabilityMatrix,
  labels: readonly string[],
): number {
  const n = yTrue.length;
  const k = labels.length;
  if (k < 2) {
    throw new InvalidInputError(`Classification needs at least two labels, got ${k}.`, {
      labels: [...labels],
    });
  }
  if (n === 0) throw new InvalidInputError('There are no rows to evaluate: the test split is empty.');
  if (probabilities.length !== n * k) {
    throw new InvalidInputError(
      `Expected ${n} rows × ${k} classes = ${n * k} probabilities, got ${probabilities.length}; ` +
        'pass one probability per class per row, row by row, in label order.',
      { rows: n, classes: k, probabilities: probabilities.length },
    );
  }
  for (let i = 0; i < n; i++) {
    const label = yTrue[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new InvalidInputError(
        `Row ${i} has true class ${label}; class indices must be whole numbers from 0 to ${k - 1}.`,
        { row: i, value: label },
      );
    }
  }
  for (let j = 0; j < probabilities.length; j++) {
    const p = probabilities[j]!;
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidInputError(
        `Row ${Math.floor(j / k)} has probability ${p} for class '${labels[j % k]}'; probabilities must lie in [0, 1].`,
        { row: Math.floor(j / k), label: labels[j % k], value: p },
      );
    }
  }
  return k;
}

/** Checks that actual and predicted values pair up, are finite and that there is at least one row. */
export function checkRegressionInputs(yTrue: NumberColumn, yPred: NumberColumn): void {
  if (yTrue.length !== yPred.length) {
    throw new InvalidInputError(
      `Got ${yTrue.length} actual values but ${yPred.length} predictions; pass one prediction per row.`,
    );
  }
  if (yTrue.length === 0)
    throw new InvalidInputError('There are no rows to evaluate: the test split is empty.');
  for (let i = 0; i < yTrue.length; i++) {
    if (!Number.isFinite(yTrue[i]) || !Number.isFinite(yPred[i])) {
      throw new InvalidInputError(
        `Row ${i} has actual ${yTrue[i]} and predicted ${yPred[i]}; both must be finite numbers.`,
        { row: i },
      );
    }
  }
}
