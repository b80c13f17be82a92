/**
 * Turning a `ModelConfig` into a tfjs-layers model. Every model has two views over the same
 * layers: `model` ends in the output activation and is what gets saved and served; `logits`
 * stops just before it and is what the training loop differentiates (cross-entropy from logits is
 * stable where cross-entropy from probabilities saturates).
 *
 * Outputs:
 * - binary: one logit and a sigmoid, so the model outputs P(class 1) as an n×1 column;
 *   `predictProbabilities` widens it to n×2 ([1 − p, p]) so every classifier answers n × classes.
 *   One sigmoid unit is what Keras and PyTorch users write for binary tasks and halves the head.
 * - multiclass: k logits and a softmax.
 * - regression: one linear unit.
 *
 * Initialisers are seeded (Glorot uniform, each layer its own seed drawn from the run's seed), so
 * the same seed rebuilds the same weights.
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { InvalidInputError } from '../../contract/errors.js';
import type { ModelConfig } from '../../contract/training.js';
import { mulberry32, nextSeed } from './prng.js';
import type { Tf } from './tf-types.js';

/** A tfjs-layers Dropout layer. */
export type DropoutLayer = ReturnType<Tf['layers']['dropout']>;

/** What the model sees and predicts: `d` features per row; `classes` null for regression. */
export interface ModelShape {
  readonly d: number;
  readonly classes: number | null;
}

export type OutputKind = 'sigmoid' | 'softmax' | 'linear';

export interface BuiltModel {
  /** The model to save and serve: its output is probabilities (or the regression value). */
  readonly model: LayersModel;
  /** The same layers without the output activation, for the loss. */
  readonly logits: LayersModel;
  readonly output: OutputKind;
  /** Shape of one input example: [d] or [size, size, channels]. */
  readonly inputShape: readonly number[];
  /** Dropout layers, whose seeds the training loop advances every step. */
  readonly dropoutLayers: readonly DropoutLayer[];
}

export const logitsLayerName = 'logits';
export const outputLayerName = 'output';

/** Builds the model `config` describes for data of `shape`, with weights decided by `seed`. */
export function buildModel(tf: Tf, config: ModelConfig, shape: ModelShape, seed: number): BuiltModel {
  const { d, classes } = shape;
  if (!Number.isInteger(d) || d < 1)
    throw new InvalidInputError(`A model needs at least one feature; got d = ${d}.`);
  if (classes !== null && (!Number.isInteger(classes) || classes < 2)) {
    throw new InvalidInputError(`A classifier needs at least two classes; the target has ${classes}.`);
  }
  const random = mulberry32(seed ^ 0x5eed);
  const kernelInitializer = () => tf.initializers.glorotUniform({ seed: nextSeed(random) });
  const regularizer = (l2: number) => (l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined);
  const dropoutLayers: DropoutLayer[] = [];
  const dropout = (x: SymbolicTensor, rate: number): SymbolicTensor => {
    if (rate <= 0) return x;
    const layer = tf.layers.dropout({ rate });
    dropoutLayers.push(layer);
    return layer.apply(x) as SymbolicTensor;
  };

  let inputShape: number[];
  let input: SymbolicTensor;
  let hidden: SymbolicTensor;
  let headL2 = 0;
  switch (config.kind) {
    case 'linear': {
      inputShape = [d];
      input = tf.input({ shape: inputShape, name: 'features' });
      hidden = input;
      headL2 = config.l2;
      break;
    }
    case 'mlp': {
      inputShape = [d];
      input = tf.input({ shape: inputShape, name: 'features' });
      hidden = input;
      for (const units of config.layers) {
        // With batch norm the bias is redundant (beta shifts the same way) and the activation
        // comes after normalising, as in the original paper and Keras examples.
        hidden = tf.layers
          .dense({
            units,
            activation: config.batchNorm ? 'linear' : config.activation,
            useBias: !config.batchNorm,
            kernelInitializer: kernelInitializer(),
            kernelRegularizer: regularizer(config.l2),
          })
          .apply(hidden) as SymbolicTensor;
        if (config.batchNorm) {
          hidden = tf.layers.batchNormalization().apply(hidden) as SymbolicTensor;
          hidden = tf.layers.activation({ activation: config.activation }).apply(hidden) as SymbolicTensor;
        }
        hidden = dropout(hidden, config.dropout);
      }
      headL2 = config.l2;
      break;
    }
    case 'cnn': {
      const { imageSize, channels, filters } = config;
      if (d !== imageSize * imageSize * channels) {
        throw new InvalidInputError(
          `The CNN expects ${imageSize}×${imageSize}×${channels} = ${imageSize * imageSize * channels} ` +
            `values per image but the data has ${d}; resize the images or change imageSize/channels.`,
        );
      }
      if (imageSize >> filters.length < 1) {
        throw new InvalidInputError(
          `${filters.length} convolution blocks halve a ${imageSize}-pixel image below one pixel; use fewer blocks or larger images.`,
        );
      }
      inputShape = [imageSize, imageSize, channels];
      input = tf.input({ shape: inputShape, name: 'image' });
      hidden = input;
      for (const count of filters) {
        hidden = tf.layers
          .conv2d({
            filters: count,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: kernelInitializer(),
          })
          .apply(hidden) as SymbolicTensor;
        hidden = tf.layers.maxPooling2d({ poolSize: 2 }).apply(hidden) as SymbolicTensor;
      }
      hidden = tf.layers.flatten().apply(hidden) as SymbolicTensor;
      hidden = tf.layers
        .dense({ units: config.dense, activation: 'relu', kernelInitializer: kernelInitializer() })
        .apply(hidden) as SymbolicTensor;
      hidden = dropout(hidden, config.dropout);
      break;
    }
  }

  const units = classes === null || classes === 2 ? 1 : classes;
  const output: OutputKind = classes === null ? 'linear' : classes === 2 ? 'sigmoid' : 'softmax';
  const logits = tf.layers
    .dense({
      units,
      name: logitsLayerName,
      kernelInitializer: kernelInitializer(),
      kernelRegularizer: regularizer(headL2),
    })
    .apply(hidden) as SymbolicTensor;
  const activated = tf.layers
    .activation({ activation: output, name: outputLayerName })
    .apply(logits) as SymbolicTensor;
  return {
    model: tf.model({ inputs: input, outputs: activated }),
    logits: tf.model({ inputs: input, outputs: logits }),
    output,
    inputShape,
    dropoutLayers,
  };
}

/** What a saved model outputs, read from its last layer (see `buildModel`). */
export function outputKindOf(model: LayersModel): OutputKind {
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
  if (activation === 'sigmoid' || activation === 'softmax') return activation;
  return 'linear';
}
