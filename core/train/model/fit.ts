/**
 * The training loop. Not `model.fit`: on the wasm and CPU backends the per-batch cost of a small
 * network is dominated by fixed overhead rather than arithmetic, and `model.fit` adds to it (a
 * fresh tensor pair from JS per batch, metrics synced per batch, callbacks). Here:
 *
 * - the training and validation sets are uploaded once; each batch is a `gather` of rows by a
 *   shuffled index tensor uploaded once per epoch;
 * - one step is one `tf.tidy` around `optimizer.minimize` on the logits model, with the loss
 *   from logits (`sigmoidCrossEntropy` / `softmaxCrossEntropy` / mean squared error);
 * - the epoch's training loss and accuracy accumulate on the device and are read once per epoch;
 *   validation metrics come from one download of the validation logits (`epoch-metrics.ts`);
 * - on wasm, the backward pass's transposed matrix products go through XNNPACK
 *   (`wasm-kernels.ts`), which was most of the step time.
 *
 * Determinism: initial weights, the shuffle order, dropout masks and augmentation all come from
 * `config.seed` through one mulberry32 stream, so a seed and a config reproduce a run exactly on
 * the same backend.
 */
import type { LayersModel, Scalar, Tensor, Tensor4D, Variable } from '@tensorflow/tfjs';
import { CancelledError, InvalidInputError, OrchardError } from '../../contract/errors.js';
import type { EpochMetrics, TrainingConfig } from '../../contract/training.js';
import { buildModel, type BuiltModel } from './build.js';
import { validationMetrics } from './epoch-metrics.js';
import { mulberry32, nextSeed, shuffledIndices } from './prng.js';
import type { Tf } from './tf-types.js';

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

export interface FitOptions {
  readonly tf: Tf;
  readonly data: TrainingData;
  readonly config: TrainingConfig;
  /** Aborting stops training between two batches with a `CancelledError`. */
  readonly signal?: AbortSignal;
  readonly onEpoch?: (epoch: EpochMetrics) => void;
}

export interface FitResult {
  readonly model: LayersModel;
  readonly epochs: EpochMetrics[];
  readonly stoppedEarly: boolean;
}

/** Input values per forward pass when predicting the validation set (32 MB of float32). */
const validationChunkValues = 8 * 1024 * 1024;
/** Yield to the event loop at least this often so an abort or a progress message gets through. */
const yieldEveryMs = 50;

/**
 * Trains the model `config.model` describes on `data` and returns it with one `EpochMetrics` per
 * epoch. With early stopping, the returned model has the weights of the best epoch.
 */
export async function fitModel(options: FitOptions): Promise<FitResult> {
  const { tf, data, config, signal, onEpoch } = options;
  checkData(data);
  const stopping = config.earlyStopping;
  if (stopping) checkStoppingMetric(stopping.metric, data);
  throwIfAborted(signal);

  const built = buildModel(tf, config.model, { d: data.d, classes: data.classes }, config.seed);
  const random = mulberry32(config.seed);
  const tensors: Tensor[] = [];
  const upload = <T extends Tensor>(t: T): T => {
    tensors.push(t);
    return t;
  };
  const optimizer = makeOptimizer(tf, config);
  let best: { value: number; weights: Tensor[] } | null = null;
  let succeeded = false;
  try {
    const shape = [...built.inputShape];
    const targets = targetRows(data.yTrain, data.nTrain, data.classes);
    const xVal = data.nVal > 0 ? upload(tf.tensor(data.xVal, [data.nVal, ...shape], 'float32')) : null;
    const weights = classWeightsOf(data, config.classWeights);
    const sampleWeights = weights ? weightPerRow(data.yTrain, data.nTrain, weights) : null;
    // Each epoch's shuffled copy of the rows; a batch is then a contiguous block of it.
    const shuffled = {
      x: new Float32Array(data.xTrain.length),
      y: new Float32Array(targets.values.length),
      w: sampleWeights ? new Float32Array(data.nTrain) : null,
    };
    const variables = built.model.trainableWeights.map((w) => w.read() as Variable);
    const augment = config.model.kind === 'cnn' ? config.model.augmentation : null;

    const epochs: EpochMetrics[] = [];
    const order = new Int32Array(data.nTrain);
    const batchSize = Math.min(config.batchSize, data.nTrain);
    let sinceBest = 0;
    let stoppedEarly = false;
    let lastYield = performance.now();

    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const started = performance.now();
      permuteRows(shuffledIndices(data.nTrain, random, order), data.xTrain, data.d, shuffled.x);
      permuteRows(order, targets.values, targets.width, shuffled.y);
      if (sampleWeights && shuffled.w) permuteRows(order, sampleWeights, 1, shuffled.w);
      // Running sums on the device, read once at the end of the epoch.
      let lossSum: Tensor = tf.scalar(0);
      let scoreSum: Tensor = tf.scalar(0);
      try {
        for (let start = 0; start < data.nTrain; start += batchSize) {
          throwIfAborted(signal);
          const size = Math.min(batchSize, data.nTrain - start);
          for (const layer of built.dropoutLayers) setDropoutSeed(layer, nextSeed(random));
          const transforms = augment ? augmentationTransforms(augment, shape, size, random) : null;
          const [nextLoss, nextScore] = tf.tidy(() => {
            // A batch goes from JS memory to the device as one copy: on wasm, `gather` of rows
            // from a pre-uploaded tensor costs milliseconds per call, a copy microseconds.
            let x = tf.tensor(
              shuffled.x.subarray(start * data.d, (start + size) * data.d),
              [size, ...shape],
              'float32',
            );
            if (transforms)
              x = tf.image.transform(x as Tensor4D, tf.tensor2d(transforms, [size, 8]), 'nearest', 'reflect');
            const y = tf.tensor2d(
              shuffled.y.subarray(start * targets.width, (start + size) * targets.width),
              [size, targets.width],
            );
            const w = shuffled.w ? tf.tensor1d(shuffled.w.subarray(start, start + size)) : undefined;
            let logits: Tensor | null = null;
            const cost = optimizer.minimize(
              () => {
                logits = tf.keep(built.logits.apply(x, { training: true }) as Tensor);
                return withPenalty(tf, built, dataLoss(tf, built, logits, y, w));
              },
              true,
              variables,
            ) as Scalar;
            const score = batchScore(tf, built, logits!, y);
            (logits as Tensor | null)?.dispose();
            return [tf.add(lossSum, tf.mul(cost, size)), tf.add(scoreSum, score)];
          });
          lossSum.dispose();
          scoreSum.dispose();
          lossSum = nextLoss;
          scoreSum = nextScore;
          if (performance.now() - lastYield > yieldEveryMs) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
        }
        const trainLoss = (await lossSum.data())[0]! / data.nTrain;
        const trainScore = (await scoreSum.data())[0]!;
        const trainSeconds = (performance.now() - started) / 1000;
        const metrics: Record<string, number> = { loss: trainLoss };
        if (built.output === 'linear') metrics['rmse'] = Math.sqrt(trainScore / data.nTrain);
        else metrics['accuracy'] = trainScore / data.nTrain;
        if (xVal) {
          const logits = predictLogits(tf, built.logits, xVal, data.nVal);
          const penalty = penaltyOf(tf, built);
          const validation = validationMetrics(
            built.output,
            logits,
            data.yVal,
            data.nVal,
            logits.length / data.nVal,
          );
          for (const [key, value] of Object.entries(validation)) {
            metrics[`val_${key}`] = key === 'loss' ? value + penalty : value;
          }
        }
        const seconds = (performance.now() - started) / 1000;
        const record: EpochMetrics = {
          epoch,
          metrics,
          seconds,
          samplesPerSecond: data.nTrain / Math.max(trainSeconds, 1e-9),
        };
        epochs.push(record);
        onEpoch?.(record);
      } finally {
        lossSum.dispose();
        scoreSum.dispose();
      }

      if (stopping) {
        const value = epochs[epochs.length - 1]!.metrics[stopping.metric];
        const lowerIsBetter = stopping.metric === 'val_loss' || stopping.metric === 'val_rmse';
        const improved =
          value !== undefined &&
          Number.isFinite(value) &&
          (best === null || (lowerIsBetter ? value < best.value : value > best.value));
        if (improved) {
          for (const t of best?.weights ?? []) t.dispose();
          best = { value, weights: built.model.getWeights().map((w) => w.clone()) };
          sinceBest = 0;
        } else if (++sinceBest >= stopping.patience) {
          stoppedEarly = epoch < config.epochs - 1;
          break;
        }
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    // Like Keras' `restore_best_weights`, but also when the last epoch was not the best.
    if (best) built.model.setWeights(best.weights);
    for (const layer of built.dropoutLayers) setDropoutSeed(layer, undefined);
    succeeded = true;
    return { model: built.model, epochs, stoppedEarly };
  } catch (error) {
    throw asTrainingError(error, tf, config);
  } finally {
    for (const t of tensors) t.dispose();
    for (const t of best?.weights ?? []) t.dispose();
    optimizer.dispose();
    if (!succeeded) built.model.dispose();
  }
}

function checkData(data: TrainingData): void {
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

function checkStoppingMetric(metric: string, data: TrainingData): void {
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

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Training was cancelled.');
}

function makeOptimizer(tf: Tf, config: TrainingConfig) {
  const { kind, learningRate } = config.optimizer;
  switch (kind) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/** Targets as the loss wants them: a 0/1 column, one-hot rows, or a value column. */
function targetRows(
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
function permuteRows(order: Int32Array, source: Float32Array, width: number, target: Float32Array): void {
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
function classWeightsOf(data: TrainingData, setting: TrainingConfig['classWeights']): Float32Array | null {
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

function weightPerRow(y: Float32Array, n: number, weights: Float32Array): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = weights[y[i]!]!;
  return out;
}

/** Mean loss of a batch (weighted by class weights when given), from logits. */
function dataLoss(tf: Tf, built: BuiltModel, logits: Tensor, y: Tensor, w: Tensor | undefined): Scalar {
  switch (built.output) {
    case 'sigmoid':
      return tf.losses.sigmoidCrossEntropy(y, logits, w?.reshape([-1, 1]));
    case 'softmax':
      return tf.losses.softmaxCrossEntropy(y, logits, w);
    case 'linear':
      return tf.losses.meanSquaredError(y, logits);
  }
}

/** Adds the layers' regularisation penalties (l2) to the loss, as Keras does. */
function withPenalty(tf: Tf, built: BuiltModel, loss: Scalar): Scalar {
  const penalties = built.model.calculateLosses();
  return penalties.length === 0 ? loss : (tf.addN([loss, ...penalties]) as Scalar);
}

function penaltyOf(tf: Tf, built: BuiltModel): number {
  const penalties = built.model.calculateLosses();
  if (penalties.length === 0) return 0;
  const total = tf.tidy(() => tf.addN(penalties));
  const value = total.dataSync()[0]!;
  total.dispose();
  for (const p of penalties) p.dispose();
  return value;
}

/** Correct predictions (classification) or the sum of squared errors (regression) in a batch. */
function batchScore(tf: Tf, built: BuiltModel, logits: Tensor, y: Tensor): Tensor {
  switch (built.output) {
    case 'sigmoid':
      return tf.sum(tf.equal(tf.cast(tf.greater(logits, 0), 'float32'), y).asType('float32'));
    case 'softmax':
      return tf.sum(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)).asType('float32'));
    case 'linear':
      return tf.sum(tf.squaredDifference(logits, y));
  }
}

/** Logits for all rows of `x`, in chunks, downloaded once. */
function predictLogits(tf: Tf, logitsModel: LayersModel, x: Tensor, n: number): Float32Array {
  const chunk = Math.max(1, Math.floor(validationChunkValues / Math.max(1, x.size / n)));
  const all = tf.tidy(() => {
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += chunk) {
      const rows = tf.slice(x, start, Math.min(chunk, n - start));
      parts.push(logitsModel.apply(rows, { training: false }) as Tensor);
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
  try {
    return all.dataSync() as Float32Array;
  } finally {
    all.dispose();
  }
}

/** The seed tfjs' Dropout layer passes to `tf.dropout`; advanced every step for fresh masks. */
function setDropoutSeed(layer: object, seed: number | undefined): void {
  // `seed` is a private field in the typings but a plain property at run time, read on every call.
  (layer as { seed?: number }).seed = seed;
}

/**
 * Per-image projective transforms for `tf.image.transform`: an optional horizontal flip and a
 * shift of up to `maxShiftPixels` each way, drawn from the run's random stream.
 */
function augmentationTransforms(
  augment: { flipHorizontal: boolean; maxShiftPixels: number },
  shape: readonly number[],
  size: number,
  random: () => number,
): Float32Array | null {
  if (!augment.flipHorizontal && augment.maxShiftPixels === 0) return null;
  const width = shape[1]!;
  const m = augment.maxShiftPixels;
  const out = new Float32Array(size * 8);
  for (let i = 0; i < size; i++) {
    const flip = augment.flipHorizontal && random() < 0.5;
    const tx = m > 0 ? Math.floor(random() * (2 * m + 1)) - m : 0;
    const ty = m > 0 ? Math.floor(random() * (2 * m + 1)) - m : 0;
    // Output pixel (x, y) reads input (a0·x + a2, y + b2).
    out.set([flip ? -1 : 1, 0, flip ? width - 1 - tx : -tx, 0, 1, -ty, 0, 0], i * 8);
  }
  return out;
}

const memoryPattern =
  /out of memory|\boom\b|cannot enlarge memory|allocation failed|array buffer allocation|invalid array length|failed to allocate/i;

function asTrainingError(error: unknown, tf: Tf, config: TrainingConfig): unknown {
  if (error instanceof OrchardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (memoryPattern.test(message)) {
    return new OrchardError(
      'internal',
      `Training ran out of memory on the ${tf.getBackend()} backend (${message.split('\n')[0]}). ` +
        `Try a smaller batch size (now ${config.batchSize}), a smaller model or smaller images, or fewer rows.`,
      { reason: 'out_of_memory', backend: tf.getBackend(), batchSize: config.batchSize },
    );
  }
  return error;
}
