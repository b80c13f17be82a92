/**
 * Reads a logits model as a plain stack of dense layers — what the hand-written backward pass of
 * `dense-step.ts` can train — and moves its weights between the model's variables and one flat
 * vector (each layer's kernel, row-major [inputs, units], then its bias).
 *
 * It reads the layers themselves rather than the `ModelConfig`, so a model `build.ts` makes in
 * any other way (batch norm, an activation layer, a constraint, no bias) is not a plain stack and
 * trains on the general path. A dropout layer after a hidden layer is part of the stack (`dropout`).
 */
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs';
import type { Tf } from './tf-types.js';

export type DenseActivation = 'relu' | 'elu' | 'tanh' | 'linear';

/** One `tf.layers.dense` of the stack, with where its values sit in the flat vector. */
export interface DenseLayer {
  readonly inputs: number;
  readonly units: number;
  readonly activation: DenseActivation;
  /** The l2 factor of its kernel regulariser (0 when none): the penalty is l2 · Σ kernel². */
  readonly l2: number;
  /** The rate of the dropout layer that follows it while training (0 when none). */
  readonly dropout: number;
  /** Offset of the kernel in the flat vector; the bias follows at `offset + inputs · units`. */
  readonly offset: number;
  /** The layer's kernel and bias variables, in that order. */
  readonly variables: readonly LayerVariable[];
}

const activations = new Set<string>(['relu', 'elu', 'tanh', 'linear']);

/** The model's layers as a dense stack, or null when it is anything else. */
export function denseLayersOf(model: LayersModel): DenseLayer[] | null {
  const layers: DenseLayer[] = [];
  let offset = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'InputLayer') continue;
    if (kind === 'Dropout') {
      const previous = layers[layers.length - 1];
      const { rate, noiseShape } = layer.getConfig() as { rate?: unknown; noiseShape?: unknown };
      if (!previous || previous.dropout > 0 || noiseShape != null) return null;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) return null;
      layers[layers.length - 1] = { ...previous, dropout: rate };
      continue;
    }
    if (kind !== 'Dense') return null;
    const config = layer.getConfig() as Record<string, unknown>;
    const activation = config['activation'];
    if (typeof activation !== 'string' || !activations.has(activation)) return null;
    if (config['useBias'] !== true) return null;
    for (const key of ['biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']) {
      if (config[key] != null) return null;
    }
    const l2 = l2Of(config['kernelRegularizer']);
    if (l2 === null) return null;
    const variables = layer.trainableWeights;
    const [kernel, bias] = variables;
    if (variables.length !== 2 || kernel?.shape.length !== 2 || bias?.shape.length !== 1) return null;
    const inputs = kernel.shape[0]!;
    const units = kernel.shape[1]!;
    const previous = layers[layers.length - 1];
    if (bias.shape[0] !== units || (previous && previous.units !== inputs)) return null;
    layers.push({
      inputs,
      units,
      activation: activation as DenseActivation,
      l2,
      dropout: 0,
      offset,
      variables,
    });
    offset += (inputs + 1) * units;
  }
  // Dropout on the logits themselves is not something build.ts makes; leave it to the general path.
  if (layers.length === 0 || layers[layers.length - 1]!.dropout > 0) return null;
  return layers;
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
  return last.offset + (last.inputs + 1) * last.units;
}

/** Copies the model's weights into a new flat vector. */
export function readWeights(layers: readonly DenseLayer[]): Float32Array {
  const flat = new Float32Array(flatSize(layers));
  for (const layer of layers) {
    const [kernel, bias] = layer.variables;
    flat.set(kernel!.read().dataSync(), layer.offset);
    flat.set(bias!.read().dataSync(), layer.offset + layer.inputs * layer.units);
  }
  return flat;
}

/** Writes the flat vector into the model's variables. */
export function writeWeights(tf: Tf, layers: readonly DenseLayer[], flat: Float32Array): void {
  for (const layer of layers) {
    const [kernel, bias] = layer.variables;
    const split = layer.offset + layer.inputs * layer.units;
    // Copies (`slice`), not views: the CPU backend keeps the array it is given, and the flat
    // vector goes on changing after this.
    const values = [
      tf.tensor2d(flat.slice(layer.offset, split), [layer.inputs, layer.units]),
      tf.tensor1d(flat.slice(split, split + layer.units)),
    ];
    kernel!.write(values[0]!);
    bias!.write(values[1]!);
    for (const t of values) t.dispose();
  }
}
