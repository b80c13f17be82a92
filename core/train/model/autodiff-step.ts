/**
 * The general training step: tfjs computes the gradients (`optimizer.minimize` on the logits
 * model) and applies a `tf.train` optimiser. Every model trains this way where the dense step
 * (`dense-step.ts`) does not apply: CNNs, batch norm, and backends other than wasm.
 *
 * - the loss is computed from logits (`sigmoidCrossEntropy` / `softmaxCrossEntropy` / mean
 *   squared error), plus the layers' l2 penalties as Keras adds them;
 * - the epoch's loss and score sums stay on the device and are read once per epoch;
 * - dropout masks and augmentation draw from the run's random stream, once per batch, in that
 *   order, so a seed reproduces a run.
 */
import type { Scalar, Tensor, Tensor4D, Variable } from '@tensorflow/tfjs';
import type { ModelConfig, TrainingConfig } from '../../contract/training.js';
import type { BuiltModel } from './build.js';
import { nextSeed } from './prng.js';
import type { Tf } from './tf-types.js';
import type { Batch, EpochTotals, TrainingStep } from './training-step.js';

export interface AutodiffStepOptions {
  readonly tf: Tf;
  readonly built: BuiltModel;
  readonly config: TrainingConfig;
  /** The run's random stream (dropout seeds, augmentation). */
  readonly random: () => number;
}

export function createAutodiffStep(options: AutodiffStepOptions): TrainingStep {
  const { tf, built, config, random } = options;
  const shape = [...built.inputShape];
  const optimizer = makeOptimizer(tf, config);
  const variables = built.model.trainableWeights.map((w) => w.read() as Variable);
  const augment = config.model.kind === 'cnn' ? config.model.augmentation : null;
  // Running sums on the device, read once at the end of the epoch.
  let lossSum: Tensor = tf.scalar(0);
  let scoreSum: Tensor = tf.scalar(0);

  return {
    run(batch: Batch) {
      const { rows } = batch;
      for (const layer of built.dropoutLayers) setDropoutSeed(layer, nextSeed(random));
      const transforms = augment ? augmentationTransforms(augment, shape, rows, random) : null;
      const [nextLoss, nextScore] = tf.tidy(() => {
        // A batch goes from JS memory to the device as one copy: on wasm, `gather` of rows from a
        // pre-uploaded tensor costs milliseconds per call, a copy microseconds.
        let x = tf.tensor(batch.x, [rows, ...shape], 'float32');
        if (transforms)
          x = tf.image.transform(x as Tensor4D, tf.tensor2d(transforms, [rows, 8]), 'nearest', 'reflect');
        const y = tf.tensor2d(batch.y, [rows, batch.y.length / rows]);
        const w = batch.w ? tf.tensor1d(batch.w) : undefined;
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
        return [tf.add(lossSum, tf.mul(cost, rows)), tf.add(scoreSum, score)];
      });
      lossSum.dispose();
      scoreSum.dispose();
      lossSum = nextLoss!;
      scoreSum = nextScore!;
    },
    async takeEpochTotals(): Promise<EpochTotals> {
      const totals = { loss: (await lossSum.data())[0]!, score: (await scoreSum.data())[0]! };
      lossSum.dispose();
      scoreSum.dispose();
      lossSum = tf.scalar(0);
      scoreSum = tf.scalar(0);
      return totals;
    },
    syncModel() {
      // The variables are the model's own: nothing to copy.
    },
    dispose() {
      lossSum.dispose();
      scoreSum.dispose();
      optimizer.dispose();
      for (const layer of built.dropoutLayers) setDropoutSeed(layer, undefined);
    },
  };
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

/** The seed tfjs' Dropout layer passes to `tf.dropout`; advanced every step for fresh masks. */
function setDropoutSeed(layer: object, seed: number | undefined): void {
  // `seed` is a private field in the typings but a plain property at run time, read on every call.
  (layer as { seed?: number }).seed = seed;
}

type Augmentation = Extract<ModelConfig, { kind: 'cnn' }>['augmentation'];

/**
 * Per-image projective transforms for `tf.image.transform`: an optional horizontal flip and a
 * shift of up to `maxShiftPixels` each way, drawn from the run's random stream.
 */
function augmentationTransforms(
  augment: Augmentation,
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
