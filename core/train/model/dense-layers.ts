/**
 * Reads a logits model as a plain stack of dense layers — what the hand-written backward pass of
 * `dense-step.ts` can train — and moves its weights between the model's variables and one flat
 * vector (each layer's kernel, row-major [inputs, units], then its bias — or, with batch norm, its
 * gamma then its beta).
 *
 * It reads the layers themselves rather than the `ModelConfig`, so a model `build.ts` makes in
 * any other way (a constraint, another regulariser, a layer of another kind) is not a plain stack
 * and trains on the general path. Part of the stack: a dropout layer after a hidden layer
 * (`dropout`), and the batch-norm block `build.ts` makes — a dense layer without bias or activation,
 * then `BatchNormalization` over the units, then an `Activation` layer (`batchNorm`).
 */
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs';
import type { Tf } from './tf-types.js';

export type DenseActivation = 'relu' | 'elu' | 'tanh' | 'linear';

/** A `BatchNormalization` after a dense layer: its settings and variables. */
export interface BatchNorm {
  readonly epsilon: number;
  readonly momentum: number;
  /** gamma and beta (trainable; in the flat vector), moving mean and variance (updated by the step). */
  readonly gamma: LayerVariable;
  readonly beta: LayerVariable;
  readonly movingMean: LayerVariable;
  readonly movingVariance: LayerVariable;
}

/** One `tf.layers.dense` of the stack, with where its values sit in the flat vector. */
export interface DenseLayer {
  readonly inputs: number;
  readonly units: number;
  readonly activation: DenseActivation;
  /** The l2 factor of its kernel regulariser (0 when none): the penalty is l2 · Σ kernel². */
  readonly l2: number;
  /** The rate of the dropout layer that follows it while training (0 when none). */
  readonly dropout: number;
  /**
   * Offset of the kernel in the flat vector; the bias follows at `offset + inputs · units` (with
   * batch norm gamma is there, and beta after it).
   */
  readonly offset: number;
  /** The layer's kernel and bias variables, in that order (the kernel alone with batch norm). */
  readonly variables: readonly LayerVariable[];
  /** The batch norm between the product and the activation, or null. */
  readonly batchNorm: BatchNorm | null;
}

/** Values per unit after the kernel in the flat vector: the bias, or gamma and beta. */
function valuesPerUnit(layer: DenseLayer): number {
  return layer.batchNorm === null ? 1 : 2;
}

/** Values of one layer in the flat vector. */
function layerSize(layer: DenseLayer): number {
  return (layer.inputs + valuesPerUnit(layer)) * layer.units;
}

const activations = new Set<string>(['relu', 'elu', 'tanh', 'linear']);

/** Where a batch-norm block stands while its layers are read: the next layer it needs. */
type Block = 'none' | 'needs-batch-norm' | 'needs-activation';

/** The model's layers as a dense stack, or null when it is anything else. */
export function denseLayersOf(model: LayersModel): DenseLayer[] | null {
  const layers: DenseLayer[] = [];
  let block: Block = 'none';
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'InputLayer') continue;
    const previous = layers[layers.length - 1];
    const config = layer.getConfig() as Record<string, unknown>;
    if (kind === 'BatchNormalization') {
      const batchNorm =
        block === 'needs-batch-norm' && previous ? batchNormOf(layer, config, previous.units) : null;
      if (!previous || batchNorm === null) return null;
      layers[layers.length - 1] = { ...previous, batchNorm };
      block = 'needs-activation';
      continue;
    }
    if (kind === 'Activation') {
      const activation = config['activation'];
      if (block !== 'needs-activation' || !previous) return null;
      if (typeof activation !== 'string' || !activations.has(activation)) return null;
      layers[layers.length - 1] = { ...previous, activation: activation as DenseActivation };
      block = 'none';
      continue;
    }
    if (block !== 'none') return null;
    if (kind === 'Dropout') {
      const { rate, noiseShape } = config as { rate?: unknown; noiseShape?: unknown };
      if (!previous || previous.dropout > 0 || noiseShape != null) return null;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) return null;
      layers[layers.length - 1] = { ...previous, dropout: rate };
      continue;
    }
    if (kind !== 'Dense') return null;
    const activation = config['activation'];
    if (typeof activation !== 'string' || !activations.has(activation)) return null;
    for (const key of ['biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']) {
      if (config[key] != null) return null;
    }
    const l2 = l2Of(config['kernelRegularizer']);
    if (l2 === null) return null;
    const variables = layer.trainableWeights;
    const [kernel, bias] = variables;
    // Without a bias only as the start of a batch-norm block (beta is the bias there).
    const withBias = config['useBias'] === true;
    if (!withBias && activation !== 'linear') return null;
    if (kernel?.shape.length !== 2 || variables.length !== (withBias ? 2 : 1)) return null;
    const inputs = kernel.shape[0]!;
    const units = kernel.shape[1]!;
    if (
      (withBias && (bias?.shape.length !== 1 || bias.shape[0] !== units)) ||
      (previous && previous.units !== inputs)
    )
      return null;
    layers.push({
      inputs,
      units,
      activation: activation as DenseActivation,
      l2,
      dropout: 0,
      offset: 0, // laid out below, once every layer's batch norm is known
      variables,
      batchNorm: null,
    });
    block = withBias ? 'none' : 'needs-batch-norm';
  }
  // Dropout on the logits themselves is not something build.ts makes; leave it to the general path.
  if (block !== 'none' || layers.length === 0 || layers[layers.length - 1]!.dropout > 0) return null;
  let offset = 0;
  return layers.map((layer) => {
    const placed = { ...layer, offset };
    offset += layerSize(placed);
    return placed;
  });
}

/** A `BatchNormalization` over the last axis with gamma and beta and nothing else, or null. */
function batchNormOf(
  layer: LayersModel['layers'][number],
  config: Record<string, unknown>,
  units: number,
): BatchNorm | null {
  const { axis, epsilon, momentum, center, scale } = config;
  if (!(axis === -1 || (Array.isArray(axis) && axis.length === 1 && axis[0] === -1))) return null;
  if (center !== true || scale !== true) return null;
  if (typeof epsilon !== 'number' || typeof momentum !== 'number') return null;
  for (const key of ['betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint']) {
    if (config[key] != null) return null;
  }
  const [gamma, beta, movingMean, movingVariance] = layer.weights;
  const all = [gamma, beta, movingMean, movingVariance];
  if (layer.weights.length !== 4 || all.some((v) => v?.shape.length !== 1 || v.shape[0] !== units))
    return null;
  if (layer.trainableWeights.length !== 2) return null;
  return {
    epsilon,
    momentum,
    gamma: gamma!,
    beta: beta!,
    movingMean: movingMean!,
    movingVariance: movingVariance!,
  };
}

/** The l2 factor of a serialised kernel regulariser; null for one the dense step cannot apply. */
function l2Of(regularizer: unknown): number | null {
  if (regularizer == null) return 0;
  const { className, config } = regularizer as {
    className?: unknown;
    config?: { l1?: unknown; l2?: unknown };
  };
  if (className !== 'L1L2' || config?.l1 !== 0 || typeof config.l2 !== 'number') return null;
  return config.l2;
}

/** Values in the flat vector of `layers`. */
export function flatSize(layers: readonly DenseLayer[]): number {
  const last = layers[layers.length - 1]!;
  return last.offset + layerSize(last);
}

/** The variables after the kernel, in flat order: the bias, or gamma and beta. */
function perUnitVariables(layer: DenseLayer): LayerVariable[] {
  return layer.batchNorm === null ? [layer.variables[1]!] : [layer.batchNorm.gamma, layer.batchNorm.beta];
}

/** Copies the model's weights into a new flat vector. */
export function readWeights(layers: readonly DenseLayer[]): Float32Array {
  const flat = new Float32Array(flatSize(layers));
  for (const layer of layers) {
    flat.set(layer.variables[0]!.read().dataSync(), layer.offset);
    perUnitVariables(layer).forEach((variable, i) =>
      flat.set(variable.read().dataSync(), layer.offset + (layer.inputs + i) * layer.units),
    );
  }
  return flat;
}

/** Each batch-norm layer's moving mean and variance (null for a layer without), as the model holds them. */
export function readMovingStatistics(
  layers: readonly DenseLayer[],
): Array<{ mean: Float32Array; variance: Float32Array } | null> {
  return layers.map((layer) =>
    layer.batchNorm === null
      ? null
      : {
          mean: layer.batchNorm.movingMean.read().dataSync().slice() as Float32Array,
          variance: layer.batchNorm.movingVariance.read().dataSync().slice() as Float32Array,
        },
  );
}

/** Writes the flat vector (and the moving statistics, when given) into the model's variables. */
export function writeWeights(
  tf: Tf,
  layers: readonly DenseLayer[],
  flat: Float32Array,
  moving?: ReadonlyArray<{ mean: Float32Array; variance: Float32Array } | null>,
): void {
  // Copies (`slice`), not views: the CPU backend keeps the array it is given, and the flat vector
  // goes on changing after this.
  const write = (variable: LayerVariable, values: Float32Array, shape: number[]): void => {
    const tensor = tf.tensor(values.slice(), shape);
    variable.write(tensor);
    tensor.dispose();
  };
  layers.forEach((layer, l) => {
    const split = layer.offset + layer.inputs * layer.units;
    write(layer.variables[0]!, flat.subarray(layer.offset, split), [layer.inputs, layer.units]);
    perUnitVariables(layer).forEach((variable, i) =>
      write(variable, flat.subarray(split + i * layer.units, split + (i + 1) * layer.units), [layer.units]),
    );
    const stats = moving?.[l];
    if (layer.batchNorm !== null && stats) {
      write(layer.batchNorm.movingMean, stats.mean, [layer.units]);
      write(layer.batchNorm.movingVariance, stats.variance, [layer.units]);
    }
  });
}
