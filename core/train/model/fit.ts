/**
 * The training loop. Not `model.fit`: on the wasm and CPU backends the per-batch cost of a small
 * network is dominated by fixed overhead rather than arithmetic, and `model.fit` adds to it (a
 * fresh tensor pair from JS per batch, metrics synced per batch, callbacks). Here:
 *
 * - the row order is shuffled once per epoch; each batch's rows are gathered in JS into one
 *   batch-sized buffer and go to the device as one copy (on wasm a `gather` kernel costs
 *   milliseconds, a copy microseconds; no shuffled copy of the whole training set is kept);
 * - one step is a `TrainingStep`: the dense step (`dense-step.ts`: a hand-written backward pass
 *   and a JS optimiser) for plain dense stacks on wasm, otherwise the autodiff step
 *   (`autodiff-step.ts`: `optimizer.minimize` on the logits model) for everything else;
 * - the epoch's training loss and score are read once per epoch; validation metrics come from
 *   one download of the validation logits (`epoch-metrics.ts`);
 * - on wasm, the transposed matrix products go through XNNPACK (`wasm-kernels.ts`).
 *
 * Determinism: initial weights, the shuffle order, dropout masks and augmentation all come from
 * `config.seed` through one mulberry32 stream, so a seed and a config reproduce a run exactly on
 * the same backend.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { CancelledError, OrchardError } from '../../contract/errors.js';
import type { EpochMetrics, TrainingConfig } from '../../contract/training.js';
import { createAutodiffStep } from './autodiff-step.js';
import { buildModel, type BuiltModel } from './build.js';
import { createDenseStep } from './dense-step.js';
import { validationMetrics } from './epoch-metrics.js';
import { mulberry32, shuffledIndices } from './prng.js';
import type { Tf } from './tf-types.js';
import {
  checkData,
  checkStoppingMetric,
  classWeightsOf,
  gatherRows,
  targetRows,
  weightPerRow,
  type TrainingData,
} from './training-data.js';
import type { TrainingStep } from './training-step.js';

export type { TrainingData } from './training-data.js';

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
  const batchSize = Math.min(config.batchSize, data.nTrain);
  let step: TrainingStep | null = null;
  let xVal: Tensor | null = null;
  let best: { value: number; weights: Tensor[] } | null = null;
  let succeeded = false;
  try {
    step =
      createDenseStep({ tf, built, config, maxRows: batchSize, random }) ??
      createAutodiffStep({ tf, built, config, random });
    const targets = targetRows(data.yTrain, data.nTrain, data.classes);
    if (data.nVal > 0) xVal = tf.tensor(data.xVal, [data.nVal, ...built.inputShape], 'float32');
    const weights = classWeightsOf(data, config.classWeights);
    const sampleWeights = weights ? weightPerRow(data.yTrain, data.nTrain, weights) : null;
    // One batch's rows, gathered from the training set in the epoch's shuffled order.
    const staging = {
      x: new Float32Array(batchSize * data.d),
      y: new Float32Array(batchSize * targets.width),
      w: sampleWeights ? new Float32Array(batchSize) : null,
    };

    const epochs: EpochMetrics[] = [];
    const order = new Int32Array(data.nTrain);
    let sinceBest = 0;
    let stoppedEarly = false;
    let lastYield = performance.now();

    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const started = performance.now();
      shuffledIndices(data.nTrain, random, order);
      for (let start = 0; start < data.nTrain; start += batchSize) {
        throwIfAborted(signal);
        const rows = Math.min(batchSize, data.nTrain - start);
        gatherRows(order, start, rows, data.xTrain, data.d, staging.x);
        gatherRows(order, start, rows, targets.values, targets.width, staging.y);
        if (sampleWeights && staging.w) gatherRows(order, start, rows, sampleWeights, 1, staging.w);
        step.run({
          x: staging.x.subarray(0, rows * data.d),
          y: staging.y.subarray(0, rows * targets.width),
          w: staging.w ? staging.w.subarray(0, rows) : null,
          rows,
        });
        if (performance.now() - lastYield > yieldEveryMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      const totals = await step.takeEpochTotals();
      const trainSeconds = (performance.now() - started) / 1000;
      step.syncModel();
      const metrics: Record<string, number> = { loss: totals.loss / data.nTrain };
      if (built.output === 'linear') metrics['rmse'] = Math.sqrt(totals.score / data.nTrain);
      else metrics['accuracy'] = totals.score / data.nTrain;
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

      if (stopping) {
        const value = metrics[stopping.metric];
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
    succeeded = true;
    return { model: built.model, epochs, stoppedEarly };
  } catch (error) {
    throw asTrainingError(error, tf, config);
  } finally {
    step?.dispose();
    xVal?.dispose();
    for (const t of best?.weights ?? []) t.dispose();
    if (!succeeded) built.model.dispose();
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Training was cancelled.');
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
