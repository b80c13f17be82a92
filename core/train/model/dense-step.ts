/**
 * The training step for plain dense stacks (linear models, MLPs with or without dropout and batch
 * norm) on the wasm backend: the backward pass written out by hand as a few matrix products in Orchard's
 * WebAssembly SIMD kernels (`kernels/dense-kernels.c`), the loss head and the optimiser in JS.
 * Profiling one step of the benchmark MLP (30→64→64→1, batch 1024) showed why autodiff +
 * `tf.train.adam` is slow there: ~190 kernel launches a step, and a first hand-written step on
 * tfjs' own wasm kernels still spent a quarter of its time in XNNPACK packing a fresh batch-sized
 * operand for every backward product (see docs/training-model.md). Here nothing goes through tfjs
 * during a step: the batch, the activations, the gradients and the weights live in the kernels'
 * memory, and a step is 2 products per layer plus one per hidden layer.
 *
 * Per layer, with A its input (rows × inputs) and G = ∂loss/∂(its pre-activation):
 *   forward    A′ = act(A·W + b)          one product; bias and relu applied as it is stored
 *   gradients  ∂W = Aᵀ·G, ∂b = Σ rows G   one product read straight from the row-major A and G
 *   backward   G_prev = (G·Wᵀ) ⊙ act′(A)  one product; the relu mask applied as it is stored
 * elu and tanh (forward and derivative) are JS loops over the kernels' memory.
 *
 * With batch norm (dense without bias → BatchNormalization → activation, as `build.ts` makes it) the
 * product has no epilogue, and kernels of `batch-norm-kernels.c` normalise its output by the batch's
 * mean and (biased) variance, scale by gamma and shift by beta (relu fused; elu and tanh after); the backward pass turns G = ∂loss/∂(the
 * normalised, scaled output) into ∂loss/∂(the product) before the two products, with ∂gamma and
 * ∂beta on the way (`batchNormForward`, `batchNormBackward`). The moving mean and variance are
 * updated each step as tfjs does (moving − (moving − batch) · (1 − momentum)) and written to the
 * model with the weights.
 *
 * The weights live in one flat vector (`dense-layers.ts`) and are written to the model's variables
 * by `syncModel`; the optimiser is `flat-optimizer.ts`, tfjs' update rules in one loop.
 * `dense-step.test.ts` checks every update against the autodiff step's.
 */
import type { TrainingConfig } from '../../contract/training.js';
import type { BuiltModel } from './build.js';
import {
  denseLayersOf,
  flatSize,
  readMovingStatistics,
  readWeights,
  writeWeights,
  type BatchNorm,
  type DenseLayer,
} from './dense-layers.js';
import { createFlatOptimizer } from './flat-optimizer.js';
import { createDenseKernels, type DenseKernels, type Slot } from './kernels/dense-kernels.js';
import { lossHead } from './loss-head.js';
import { nextSeed } from './prng.js';
import type { Tf } from './tf-types.js';
import type { Batch, EpochTotals, TrainingStep } from './training-step.js';

export interface DenseStepOptions {
  readonly tf: Tf;
  readonly built: BuiltModel;
  readonly config: TrainingConfig;
  /** The most rows a batch has; sizes the kernels' memory. */
  readonly maxRows: number;
  /** The run's random stream: one draw per dropout layer and batch seeds that layer's masks. */
  readonly random: () => number;
}

/**
 * The dense step for this model, or null when it trains on the general path: on backends other
 * than wasm (the native and GPU backends have fast kernels of their own, and the CPU backend
 * promises plain JavaScript), for models that are not a plain dense stack, and where
 * WebAssembly SIMD is not available.
 */
export function createDenseStep(options: DenseStepOptions): TrainingStep | null {
  const { tf, built, config, maxRows, random } = options;
  if (tf.getBackend() !== 'wasm') return null;
  const stack = denseLayersOf(built.logits);
  if (!stack) return null;
  const layers: readonly DenseLayer[] = stack;
  const size = flatSize(layers);
  const widest = Math.max(...layers.map((layer) => layer.units));
  const allocated = createDenseKernels([
    size, // weights
    size, // gradients
    ...layers.map((layer) => maxRows * layer.inputs), // each layer's input (the batch first)
    maxRows * layers[layers.length - 1]!.units, // logits
    maxRows * widest, // G, two buffers used in turn
    maxRows * widest,
    Math.max(...layers.map((layer) => layer.inputs * layer.units)), // a kernel transposed
    // A dropout layer's activations before the dropout (its input to the next layer is after it),
    // and its mask: each value's factor, 1 / (1 − rate) or 0, for the backward pass.
    ...layers.map((layer) => (layer.dropout > 0 ? maxRows * layer.units : 0)),
    ...layers.map((layer) => (layer.dropout > 0 ? maxRows * layer.units : 0)),
    // A batch-norm layer's block (`batchNormBlock`).
    ...layers.map((layer) => (layer.batchNorm !== null ? batchNormBlock(maxRows, layer.units).size : 0)),
  ]);
  if (allocated === null) return null;
  const { kernels, slots } = allocated;
  const [paramsSlot, gradsSlot] = slots as [number, number];
  // inputs[i] is layer i's input; inputs[layers.length] the logits.
  const inputs = slots.slice(2, 3 + layers.length);
  const [gradientA, gradientB, kernelT] = slots.slice(3 + layers.length, 6 + layers.length) as [
    number,
    number,
    number,
  ];
  const beforeDropout = slots.slice(6 + layers.length, 6 + 2 * layers.length);
  const masks = slots
    .slice(6 + 2 * layers.length, 6 + 3 * layers.length)
    .map((slot, i) => (layers[i]!.dropout > 0 ? slot : null));
  const normalised = slots
    .slice(6 + 3 * layers.length)
    .map((slot, i) =>
      layers[i]!.batchNorm !== null ? batchNormBlock(maxRows, layers[i]!.units, slot) : null,
    );
  const params = kernels.view(paramsSlot, size);
  const grads = kernels.view(gradsSlot, size);
  params.set(readWeights(layers));
  const moving = readMovingStatistics(layers);

  const optimizer = createFlatOptimizer({
    kind: config.optimizer.kind,
    learningRate: config.optimizer.learningRate,
    size,
    epsilon: tf.backend().epsilon(),
  });
  const head = layers[layers.length - 1]!;
  let lossSum = 0;
  let scoreSum = 0;

  function run(batch: Batch): void {
    const { rows } = batch;
    const last = layers.length - 1;
    kernels.heap.set(batch.x, inputs[0]!);
    layers.forEach((layer, i) => {
      const mask = masks[i] ?? null;
      const output = mask !== null ? beforeDropout[i]! : inputs[i + 1]!;
      const norm = normalised[i] ?? null;
      const values = rows * layer.units;
      if (layer.batchNorm !== null && norm !== null) {
        kernels.matmul(inputs[i]!, paramsSlot + layer.offset, output, rows, layer.inputs, layer.units);
        batchNormForward(kernels, output, rows, layer, paramsSlot, norm, moving[i]!);
      } else {
        kernels.matmul(inputs[i]!, paramsSlot + layer.offset, output, rows, layer.inputs, layer.units, {
          bias: paramsSlot + biasOffset(layer),
          relu: layer.activation === 'relu',
        });
        if (layer.activation !== 'relu') activate(kernels.view(output, values), layer.activation);
      }
      // One draw of the run's stream seeds the layer's masks for this batch.
      if (mask !== null)
        kernels.dropout(output, inputs[i + 1]!, mask, values, layer.dropout, nextSeed(random));
    });

    let gradient = gradientA;
    let spare = gradientB;
    const { loss, score } = lossHead(
      built.output,
      kernels.view(inputs[last + 1]!, rows * head.units),
      batch.y,
      batch.w,
      rows,
      head.units,
      kernels.view(gradient, rows * head.units),
    );

    for (let i = last; i >= 0; i--) {
      const layer = layers[i]!;
      const norm = normalised[i] ?? null;
      // Batch norm: ∂gamma, ∂beta, and G becomes ∂loss/∂(the product), which has no bias to sum for.
      if (layer.batchNorm !== null && norm !== null)
        batchNormBackward(kernels, gradient, rows, layer, params, grads, norm);
      // ∂W in the flat layout (inputs × units, row-major), then ∂b.
      kernels.matmulTransposedA(
        inputs[i]!,
        gradient,
        gradsSlot + layer.offset,
        rows,
        layer.inputs,
        layer.units,
        layer.batchNorm === null ? gradsSlot + biasOffset(layer) : undefined,
      );
      if (i === 0) break;
      const below = layers[i - 1]!.activation;
      const mask = masks[i - 1] ?? null;
      // act′ is taken from the activations before the dropout (after it, a dropped value is 0).
      const activations = mask !== null ? beforeDropout[i - 1]! : inputs[i]!;
      transposeInto(
        params,
        layer.offset,
        layer.inputs,
        layer.units,
        kernels.view(kernelT, layer.inputs * layer.units),
      );
      kernels.matmul(gradient, kernelT, spare, rows, layer.units, layer.inputs, {
        mask: below === 'relu' ? activations : undefined,
      });
      const upstream = kernels.view(spare, rows * layer.inputs);
      if (mask !== null) kernels.multiply(spare, mask, rows * layer.inputs);
      activationGradient(upstream, kernels.view(activations, rows * layer.inputs), below);
      [gradient, spare] = [spare, gradient];
    }
    const penalty = addPenalties(layers, params, grads);
    optimizer.step(params, grads);
    lossSum += (loss + penalty) * rows;
    scoreSum += score;
  }

  return {
    run,
    takeEpochTotals() {
      const totals: EpochTotals = { loss: lossSum, score: scoreSum };
      lossSum = 0;
      scoreSum = 0;
      return Promise.resolve(totals);
    },
    syncModel() {
      writeWeights(tf, layers, params, moving);
    },
    dispose() {
      // The kernels' memory goes with the step; nothing was put on the backend.
    },
  };
}

function biasOffset(layer: DenseLayer): number {
  return layer.offset + layer.inputs * layer.units;
}

/** Applies the activation in place (linear is nothing), as tfjs' kernels. */
function activate(values: Float32Array, activation: DenseLayer['activation']): void {
  if (activation === 'relu') {
    for (let i = 0; i < values.length; i++) if (values[i]! < 0) values[i] = 0;
  } else if (activation === 'tanh') {
    for (let i = 0; i < values.length; i++) values[i] = Math.tanh(values[i]!);
  } else if (activation === 'elu') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < 0) values[i] = Math.expm1(v);
    }
  }
}

/**
 * Multiplies ∂loss/∂(activation) by the activation's derivative, from its output, in place (relu's
 * is applied by the product as a mask: step(output), 0 at 0, as tfjs' relu gradient).
 */
function activationGradient(
  gradient: Float32Array,
  output: Float32Array,
  activation: DenseLayer['activation'],
): void {
  if (activation === 'tanh') {
    for (let i = 0; i < gradient.length; i++) {
      const y = output[i]!;
      gradient[i] = gradient[i]! * (1 - y * y);
    }
  } else if (activation === 'elu') {
    // tfjs' EluGrad: dy where y ≥ 0, else dy · (y + 1).
    for (let i = 0; i < gradient.length; i++) {
      const y = output[i]!;
      if (y < 0) gradient[i] = gradient[i]! * (y + 1);
    }
  }
}

/** A batch-norm layer's buffers in the kernels' memory, as slots. */
interface Normalised {
  /** x̂ = (z − mean) / √(variance + ε), rows × units. */
  readonly values: Slot;
  /** float32 per unit: the batch mean and 1/√(variance + ε) (forward), and the backward terms. */
  readonly mean: Slot;
  readonly invStd: Slot;
  readonly scale: Slot;
  readonly shift: Slot;
  readonly slope: Slot;
  /** float64 per unit: Σz and Σz² (forward), ∂beta and ∂gamma (backward). */
  readonly sums: Slot;
  readonly squares: Slot;
}

/**
 * The layout of one batch-norm layer's block of the kernels' memory: x̂, five float32 vectors and
 * two float64 ones, each starting on a 16-byte boundary; with `at`, the slots of a block there.
 */
function batchNormBlock(maxRows: number, units: number, at = 0): Normalised & { size: number } {
  const aligned = (values: number): number => Math.ceil(values / 4) * 4;
  let next = at;
  const take = (values: number): Slot => {
    const slot = next;
    next += aligned(values);
    return slot;
  };
  const block = {
    values: take(maxRows * units),
    mean: take(units),
    invStd: take(units),
    scale: take(units),
    shift: take(units),
    slope: take(units),
    sums: take(2 * units),
    squares: take(2 * units),
  };
  return { ...block, size: next - at };
}

/**
 * Batch norm in training, then the activation, in place over the product z (rows × units) in the
 * kernels' memory: each unit's batch mean and biased variance from Σz and Σz² (float64,
 * `columnMoments`), then x̂ (kept for the backward pass) and act(gamma · x̂ + beta) in one pass
 * (`batchNormApply`, relu fused); the moving statistics move toward the batch's as tfjs'
 * `doMovingAverage` does, in float32.
 */
function batchNormForward(
  kernels: DenseKernels,
  z: Slot,
  rows: number,
  layer: DenseLayer,
  paramsSlot: Slot,
  norm: Normalised,
  moving: { mean: Float32Array; variance: Float32Array },
): void {
  const { units } = layer;
  const { epsilon, momentum } = layer.batchNorm as BatchNorm;
  kernels.columnMoments(z, norm.sums, norm.squares, rows, units);
  const sums = kernels.doubles(norm.sums, units);
  const squares = kernels.doubles(norm.squares, units);
  const mean = kernels.view(norm.mean, units);
  const invStd = kernels.view(norm.invStd, units);
  const decay = 1 - momentum;
  for (let j = 0; j < units; j++) {
    const batchMean = sums[j]! / rows;
    const variance = Math.max(0, squares[j]! / rows - batchMean * batchMean);
    mean[j] = batchMean;
    invStd[j] = 1 / Math.sqrt(Math.fround(variance) + epsilon);
    moving.mean[j] = moving.mean[j]! - (moving.mean[j]! - Math.fround(batchMean)) * decay;
    moving.variance[j] = moving.variance[j]! - (moving.variance[j]! - Math.fround(variance)) * decay;
  }
  const gamma = paramsSlot + biasOffset(layer);
  const relu = layer.activation === 'relu';
  kernels.batchNormApply(
    z,
    norm.values,
    { mean: norm.mean, invStd: norm.invStd, gamma, beta: gamma + units },
    rows,
    units,
    relu,
  );
  if (!relu) activate(kernels.view(z, rows * units), layer.activation);
}

/**
 * Batch norm's backward pass, in place over G = ∂loss/∂y (y = gamma · x̂ + beta), N = rows:
 *   ∂beta = Σ G,  ∂gamma = Σ G · x̂   (`batchNormGradSums`, float64)
 *   ∂loss/∂z = gamma / √(variance + ε) · (G − ∂beta / N − x̂ · ∂gamma / N)   (`batchNormGradApply`)
 * (the mean and variance are the batch's, so the gradient flows through them too).
 */
function batchNormBackward(
  kernels: DenseKernels,
  g: Slot,
  rows: number,
  layer: DenseLayer,
  params: Float32Array,
  grads: Float32Array,
  norm: Normalised,
): void {
  const { units } = layer;
  const gamma = biasOffset(layer);
  const beta = gamma + units;
  kernels.batchNormGradSums(g, norm.values, norm.sums, norm.squares, rows, units);
  const dBeta = kernels.doubles(norm.sums, units);
  const dGamma = kernels.doubles(norm.squares, units);
  const invStd = kernels.view(norm.invStd, units);
  const scale = kernels.view(norm.scale, units);
  const shift = kernels.view(norm.shift, units);
  const slope = kernels.view(norm.slope, units);
  for (let j = 0; j < units; j++) {
    grads[gamma + j] = dGamma[j]!;
    grads[beta + j] = dBeta[j]!;
    scale[j] = params[gamma + j]! * invStd[j]!;
    shift[j] = dBeta[j]! / rows;
    slope[j] = dGamma[j]! / rows;
  }
  kernels.batchNormGradApply(
    g,
    norm.values,
    { scale: norm.scale, shift: norm.shift, slope: norm.slope },
    rows,
    units,
  );
}

/** l2 · Σ kernel² of every regularised layer; adds its gradient 2 · l2 · kernel to `grads`. */
function addPenalties(layers: readonly DenseLayer[], params: Float32Array, grads: Float32Array): number {
  let penalty = 0;
  for (const layer of layers) {
    if (layer.l2 === 0) continue;
    let sum = 0;
    for (let i = layer.offset, end = biasOffset(layer); i < end; i++) {
      const w = params[i]!;
      sum += w * w;
      grads[i] = grads[i]! + 2 * layer.l2 * w;
    }
    penalty += layer.l2 * sum;
  }
  return penalty;
}

/** The rows × cols matrix at `source[offset…]` transposed into `target` (cols × rows). */
function transposeInto(
  source: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  target: Float32Array,
) {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) target[j * rows + i] = source[offset + i * cols + j]!;
  }
}
