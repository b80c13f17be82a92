/**
 * The test-split evaluation of a model version: every metric over all rows, then again for each
 * value of each categorical column ("slices"), so a weak spot (one region, one device type) shows
 * up next to the headline number. The metric math lives in `core/domain/metrics`.
 */
import { InvalidInputError } from '../contract/errors.js';
import type { Evaluation, Metrics } from '../contract/training.js';
import { classificationMetrics, regressionMetrics } from '../domain/metrics/index.js';
import type { NumberColumn, ProbabilityMatrix } from '../domain/metrics/index.js';

/** Per categorical column, the value of that column in each test row (same order as `yTrue`). */
export type SliceColumns = Readonly<Record<string, readonly string[]>>;

export interface ClassificationEvaluationInput {
  /** `image_classification` is evaluated like `multiclass`. */
  readonly task: 'binary' | 'multiclass' | 'image_classification';
  /** Class names; `yTrue` holds indices into it and `probabilities` has one column per label. */
  readonly labels: readonly string[];
  readonly yTrue: NumberColumn;
  /** Row-major n × labels.length class probabilities. */
  readonly probabilities: ProbabilityMatrix;
  readonly slices: SliceColumns;
}

export interface RegressionEvaluationInput {
  readonly task: 'regression';
  readonly labels?: null;
  readonly yTrue: NumberColumn;
  readonly predictions: NumberColumn;
  readonly slices: SliceColumns;
}

export type EvaluationInput = ClassificationEvaluationInput | RegressionEvaluationInput;

/** Metrics of the rows at `rows` (ascending row numbers) — or of all rows when `rows` is null. */
type MetricsOfRows = (rows: Int32Array | null) => Metrics;

function classificationMetricsOfRows(input: ClassificationEvaluationInput): MetricsOfRows {
  const { labels, yTrue, probabilities } = input;
  const k = labels.length;
  if (input.task === 'binary' && k !== 2) {
    throw new InvalidInputError(`A binary model needs exactly two labels, got ${k}: ${labels.join(', ')}.`);
  }
  return (rows) => {
    if (rows === null) return classificationMetrics(yTrue, probabilities, labels);
    const sliceTrue = new Int32Array(rows.length);
    const sliceProbabilities =
      probabilities instanceof Float32Array
        ? new Float32Array(rows.length * k)
        : new Float64Array(rows.length * k);
    rows.forEach((row, j) => {
      sliceTrue[j] = yTrue[row]!;
      sliceProbabilities.set(probabilities.subarray(row * k, (row + 1) * k), j * k);
    });
    return classificationMetrics(sliceTrue, sliceProbabilities, labels);
  };
}

function regressionMetricsOfRows(input: RegressionEvaluationInput): MetricsOfRows {
  const { yTrue, predictions } = input;
  return (rows) => {
    if (rows === null) return regressionMetrics(yTrue, predictions);
    const sliceTrue = new Float64Array(rows.length);
    const slicePredictions = new Float64Array(rows.length);
    rows.forEach((row, j) => {
      sliceTrue[j] = yTrue[row]!;
      slicePredictions[j] = predictions[row]!;
    });
    return regressionMetrics(sliceTrue, slicePredictions);
  };
}

/** Row numbers of each value of one column, values in code-unit order so reports read the same every time. */
function rowsByValue(column: string, values: readonly string[], n: number): [string, Int32Array][] {
  if (values.length !== n) {
    throw new InvalidInputError(
      `Slice column \`${column}\` has ${values.length} values for ${n} test rows; pass one value per row.`,
      { column, values: values.length, rows: n },
    );
  }
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    const rows = groups.get(value);
    if (rows === undefined) groups.set(value, [i]);
    else rows.push(i);
  }
  return [...groups.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((value) => [value, Int32Array.from(groups.get(value)!)]);
}

/**
 * Evaluates test-split predictions overall and per slice. A slice exists for every value present
 * in its column (so none is empty); within a slice missing a class, ROC AUC and average precision
 * are null while the other metrics are still computed. Throws `InvalidInputError` on inconsistent
 * input (lengths, class indices, probabilities outside [0, 1], an empty test split).
 */
export function evaluate(input: EvaluationInput): Evaluation {
  const metricsOfRows =
    input.task === 'regression' ? regressionMetricsOfRows(input) : classificationMetricsOfRows(input);
  const n = input.yTrue.length;
  const overall = metricsOfRows(null);
  const slices: Evaluation['slices'] = [];
  for (const [column, values] of Object.entries(input.slices)) {
    for (const [value, rows] of rowsByValue(column, values, n)) {
      slices.push({ column, value, rows: rows.length, metrics: metricsOfRows(rows) });
    }
  }
  return { split: 'test', rows: n, overall, slices };
}
