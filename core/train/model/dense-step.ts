/**
 * The training step for plain dense stacks (linear models, MLPs without dropout or batch norm) on
 * the wasm and CPU backends: the backward pass written out by hand as a few matrix products, the
 * loss head and the optimiser in JS. Profiling one step of the benchmark MLP (30→64→64→1, batch
 * 1024) on wasm showed why autodiff + `tf.train.adam` is slow there: ~190 kernel launches per
 * step, of which `Sum` for the bias gradients (~0.4 ms each: a transpose then a reduction) and
 * `Transpose` ahead of each weight-gradient product (~0.3 ms each) cost more than the products.
 *
 * Per layer ℓ, with A the layer's input (rows × inputs) and G = ∂loss/∂(its pre-activation):
 *   forward    A' = act(A·W + b)                 one fused kernel (bias and relu/elu inside XNNPACK)
 *   gradients  [∂W; ∂b] = [Aᵀ; 1ᵀ] · G           one product: a row of ones gives the bias sums
 *   backward   G_prev = (G·Wᵀ) ⊙ act′(A)         one product + one or two elementwise kernels
 * Aᵀ is transposed in JS (a tiled copy, faster than the wasm `Transpose` kernel) from a view of
 * the wasm heap; for a one-unit head ∂W is summed in JS instead, which needs no transpose.
 *
 * The weights live in one flat vector here (`dense-layers.ts`) and are written to the model's
 * variables by `syncModel`; the optimiser is `flat-optimizer.ts`, tfjs' update rules in one loop.
 * `dense-step.test.ts` checks the gradients and updates against the general path.
 */
import type { Tensor, Tensor2D, TensorInfo } from '@tensorflow/tfjs';
import type { TrainingConfig } from '../../contract/training.js';
import type { BuiltModel } from './build.js';
import { denseLayersOf, readWeights, writeWeights, type DenseLayer } from './dense-layers.js';
import { createFlatOptimizer } from './flat-optimizer.js';
import { lossHead } from './loss-head.js';
import type { Tf } from './tf-types.js';
import type { Batch, EpochTotals, TrainingStep } from './training-step.js';

export interface DenseStepOptions {
  readonly tf: Tf;
  readonly built: BuiltModel;
  readonly config: TrainingConfig;
  /** The most rows a batch has; sizes the scratch arrays. */
  readonly maxRows: number;
}

/**
 * Backends where reading a tensor is a memory copy or less (a view of the wasm heap, the CPU
 * backend's own array). Elsewhere (native TensorFlow, GPU) a read waits for the device.
 */
const hostBackends = new Set(['wasm', 'cpu']);

/** The dense step for this model, or null when it trains on the general path. */
export function createDenseStep(options: DenseStepOptions): TrainingStep | null {
  const { tf, built, config, maxRows } = options;
  if (!hostBackends.has(tf.getBackend())) return null;
  const stack = denseLayersOf(built.logits);
  if (!stack) return null;
  const layers: readonly DenseLayer[] = stack;

  const read = hostReader(tf);
  const params = readWeights(layers);
  const grads = new Float32Array(params.length);
  const optimizer = createFlatOptimizer({
    kind: config.optimizer.kind,
    learningRate: config.optimizer.learningRate,
    size: params.length,
    epsilon: tf.backend().epsilon(),
  });
  const head = layers[layers.length - 1]!;
  // A one-unit head's kernel gradient is a weighted column sum: cheaper in JS than a transpose.
  const headInJs = head.units === 1;
  const headGradient = new Float32Array(maxRows * head.units);
  const headSums = new Float64Array(head.inputs + 1);
  // [Aᵀ; 1ᵀ] per layer whose kernel gradient is a device product.
  const transposed = layers.map((layer, i) =>
    i === layers.length - 1 && headInJs ? null : new Float32Array((layer.inputs + 1) * maxRows),
  );
  const kernelsT = layers.map((layer) => new Float32Array(layer.inputs * layer.units));
  let lossSum = 0;
  let scoreSum = 0;

  function run(batch: Batch): void {
    const { rows } = batch;
    const last = layers.length - 1;
    let loss = 0;
    let score = 0;
    tf.tidy(() => {
      const x = tf.tensor2d(batch.x, [rows, layers[0]!.inputs]);
      // Views of `params`: the CPU backend keeps the array it is given, so the optimiser updates
      // them only after this tidy has disposed every tensor.
      const kernels = layers.map((l) =>
        tf.tensor2d(params.subarray(l.offset, l.offset + l.inputs * l.units), [l.inputs, l.units]),
      );
      const activations: Tensor2D[] = [x];
      layers.forEach((layer, i) => {
        const bias = tf.tensor1d(params.subarray(biasOffset(layer), biasOffset(layer) + layer.units));
        activations.push(forward(tf, activations[i]!, kernels[i]!, bias, layer.activation));
      });

      const result = lossHead(
        built.output,
        read(activations[last + 1]!),
        batch.y,
        batch.w,
        rows,
        head.units,
        headGradient,
      );
      loss = result.loss;
      score = result.score;

      let gradient = tf.tensor2d(headGradient.subarray(0, rows * head.units), [rows, head.units]);
      for (let i = last; i >= 0; i--) {
        const layer = layers[i]!;
        const input = i === 0 ? batch.x : read(activations[i]!);
        const buffer = transposed[i];
        if (buffer) {
          transposeWithOnes(input, rows, layer.inputs, buffer);
          const inputT = tf.tensor2d(buffer.subarray(0, (layer.inputs + 1) * rows), [layer.inputs + 1, rows]);
          // Rows 0…inputs−1 are ∂W in the kernel's layout, the last row ∂b: the flat layout.
          grads.set(read(tf.matMul(inputT, gradient)), layer.offset);
        } else {
          weightedColumnSums(input, headGradient, rows, layer.inputs, headSums);
          grads.set(headSums, layer.offset);
        }
        if (i > 0) {
          const kernelT = kernelsT[i]!;
          transposeInto(params, layer.offset, layer.inputs, layer.units, kernelT);
          const upstream = tf.matMul(gradient, tf.tensor2d(kernelT, [layer.units, layer.inputs])) as Tensor2D;
          gradient = activationGradient(tf, upstream, activations[i]!, layers[i - 1]!.activation);
        }
      }
    });
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
      writeWeights(tf, layers, params);
    },
    dispose() {
      // Nothing on the device outlives a step.
    },
  };
}

function biasOffset(layer: DenseLayer): number {
  return layer.offset + layer.inputs * layer.units;
}

/** One dense layer forward: fused product, bias and activation where the backend can fuse it. */
function forward(
  tf: Tf,
  a: Tensor2D,
  kernel: Tensor2D,
  bias: Tensor,
  activation: DenseLayer['activation'],
): Tensor2D {
  if (activation === 'tanh') return tf.tanh(tf.fused.matMul({ a, b: kernel, bias })) as Tensor2D;
  return tf.fused.matMul({ a, b: kernel, bias, activation }) as Tensor2D;
}

/** ∂loss/∂(pre-activation) from ∂loss/∂(activation) and the activation's output, as tfjs' gradients. */
function activationGradient(
  tf: Tf,
  upstream: Tensor2D,
  output: Tensor2D,
  activation: DenseLayer['activation'],
) {
  switch (activation) {
    case 'relu':
      // relu′ = step(output): 0 at 0, as tfjs' relu gradient.
      return tf.mul(upstream, tf.step(output)) as Tensor2D;
    case 'elu':
      return tf.engine().runKernel<Tensor2D>('EluGrad', { dy: upstream, y: output });
    case 'tanh':
      return tf.mul(upstream, tf.sub(1, tf.square(output))) as Tensor2D;
    case 'linear':
      return upstream;
  }
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

/**
 * A function that reads a tensor's values without a copy where it can: on wasm a view of the
 * heap (valid only until the next allocation, which may grow and move it — read it at once), on
 * the CPU backend its own array.
 */
function hostReader(tf: Tf): (t: Tensor) => Float32Array {
  const backend = tf.backend() as Partial<{ typedArrayFromHeap(t: TensorInfo): unknown }>;
  const heapView = backend.typedArrayFromHeap?.bind(backend);
  return heapView ? (t) => heapView(t) as Float32Array : (t) => t.dataSync() as Float32Array;
}

/**
 * `source` (rows × cols) transposed into `target` as (cols + 1) × rows, the last row all ones.
 * Eight source rows at a time, written as eight adjacent floats per column: measured 65 µs for
 * 1024 × 64 on wasm's heap, where a 16 × 16 tiled loop took 150 µs and the wasm `Transpose` kernel
 * 250 µs.
 */
function transposeWithOnes(source: Float32Array, rows: number, cols: number, target: Float32Array): void {
  const whole = rows - (rows % 8);
  for (let i = 0; i < whole; i += 8) {
    const first = i * cols;
    for (let j = 0; j < cols; j++) {
      const at = j * rows + i;
      const from = first + j;
      target[at] = source[from]!;
      target[at + 1] = source[from + cols]!;
      target[at + 2] = source[from + 2 * cols]!;
      target[at + 3] = source[from + 3 * cols]!;
      target[at + 4] = source[from + 4 * cols]!;
      target[at + 5] = source[from + 5 * cols]!;
      target[at + 6] = source[from + 6 * cols]!;
      target[at + 7] = source[from + 7 * cols]!;
    }
  }
  for (let i = whole; i < rows; i++) {
    for (let j = 0; j < cols; j++) target[j * rows + i] = source[i * cols + j]!;
  }
  target.fill(1, cols * rows, (cols + 1) * rows);
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

/**
 * Σᵢ a[i, j] · g[i] for each column j, then Σᵢ g[i]: a one-unit layer's [∂W; ∂b]. Eight rows per
 * pass over the sums (47 µs for 1024 × 64, against 146 µs a row at a time).
 */
function weightedColumnSums(a: Float32Array, g: Float32Array, rows: number, cols: number, out: Float64Array) {
  out.fill(0);
  const whole = rows - (rows % 8);
  for (let i = 0; i < whole; i += 8) {
    const g0 = g[i]!;
    const g1 = g[i + 1]!;
    const g2 = g[i + 2]!;
    const g3 = g[i + 3]!;
    const g4 = g[i + 4]!;
    const g5 = g[i + 5]!;
    const g6 = g[i + 6]!;
    const g7 = g[i + 7]!;
    const first = i * cols;
    for (let j = 0; j < cols; j++) {
      const at = first + j;
      out[j] =
        out[j]! +
        a[at]! * g0 +
        a[at + cols]! * g1 +
        a[at + 2 * cols]! * g2 +
        a[at + 3 * cols]! * g3 +
        a[at + 4 * cols]! * g4 +
        a[at + 5 * cols]! * g5 +
        a[at + 6 * cols]! * g6 +
        a[at + 7 * cols]! * g7;
    }
  }
  for (let i = whole; i < rows; i++) {
    const gi = g[i]!;
    for (let j = 0; j < cols; j++) out[j] = out[j]! + a[i * cols + j]! * gi;
  }
  let total = 0;
  for (let i = 0; i < rows; i++) total += g[i]!;
  out[cols] = total;
}
