/**
 * The training step for plain dense stacks (linear models, MLPs without dropout or batch norm) on
 * the wasm and CPU backends: the backward pass written out by hand as a few matrix products, the
 * loss head and the optimiser in JS. Profiling one step of the benchmark MLP (30→64→64→1, batch
 * 1024) on wasm showed why autodiff + `tf.train.adam` is slow there: ~190 kernel launches a step,
 * where a `Sum` for each bias gradient (~0.4 ms: a transpose, then a reduction), the transposes
 * ahead of the weight-gradient products and ~175 small kernels of the optimiser and loss chains
 * together cost more than the products themselves. This step launches 20.
 *
 * Per layer, with A its input (rows × inputs) and G = ∂loss/∂(its pre-activation):
 *   forward    A′ = act(A·W + b)          one fused kernel (product, bias, relu/elu in XNNPACK)
 *   gradients  [∂W; ∂b] = [Aᵀ; 1ᵀ]·G     one product; the row of ones gives the bias sums
 *              or ∂Wᵀ = Gᵀ·A              when A is narrower (see `gradientRoute`)
 *   backward   G_prev = (G·Wᵀ) ⊙ act′(A)  one product and one or two elementwise kernels
 * Transposes are JS loops over a view of the wasm heap; a one-unit head's ∂W is a JS column sum.
 *
 * The weights live in one flat vector here (`dense-layers.ts`) and are written to the model's
 * variables by `syncModel`; the optimiser is `flat-optimizer.ts`, tfjs' update rules in one loop.
 * `dense-step.test.ts` checks every update against the autodiff step's.
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
  const routes = layers.map((layer, i) => gradientRoute(layer, i === layers.length - 1));
  const headGradient = new Float32Array(maxRows * head.units);
  // Per layer: the JS-transposed operand of its kernel-gradient product, and column sums.
  const transposed = layers.map((layer, i) =>
    routes[i] === 'inputT'
      ? new Float32Array((layer.inputs + 1) * maxRows)
      : routes[i] === 'gradientT'
        ? new Float32Array(layer.units * maxRows)
        : null,
  );
  const sums = layers.map((layer) => new Float64Array(Math.max(layer.inputs, layer.units) + 1));
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
        // Views are read just before use: any allocation on the wasm heap may move it.
        const input = () => (i === 0 ? batch.x : read(activations[i]!));
        const sum = sums[i]!;
        switch (routes[i]!) {
          case 'js':
            weightedColumnSums(input(), headGradient, rows, layer.inputs, sum);
            grads.set(sum.subarray(0, layer.inputs + 1), layer.offset);
            break;
          case 'inputT': {
            const buffer = transposed[i]!;
            transpose(input(), rows, layer.inputs, buffer, null);
            buffer.fill(1, layer.inputs * rows, (layer.inputs + 1) * rows);
            const inputT = tf.tensor2d(buffer.subarray(0, (layer.inputs + 1) * rows), [
              layer.inputs + 1,
              rows,
            ]);
            // Rows 0…inputs−1 are ∂W in the kernel's layout, the last row ∂b: the flat layout.
            grads.set(read(tf.matMul(inputT, gradient)), layer.offset);
            break;
          }
          case 'gradientT': {
            const buffer = transposed[i]!;
            transpose(read(gradient), rows, layer.units, buffer, sum);
            const gradientT = tf.tensor2d(buffer.subarray(0, layer.units * rows), [layer.units, rows]);
            // ∂Wᵀ (units × inputs), written back transposed; ∂b are the column sums of G.
            const kernelGradientT = read(tf.matMul(gradientT, activations[i]!));
            transposeInto(kernelGradientT, 0, layer.units, layer.inputs, grads.subarray(layer.offset));
            for (let o = 0; o < layer.units; o++) grads[biasOffset(layer) + o] = sum[o]!;
            break;
          }
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

/**
 * How a layer's kernel gradient is computed. Every product with the batch as its inner dimension
 * needs one operand transposed (here, in JS) and the other packed by XNNPACK (~3 ns a value, three
 * times a JS transpose's cost), so the narrower of the layer's input and gradient is packed:
 * - `inputT`: [∂W; ∂b] = [Aᵀ; 1ᵀ] · G — a row of ones gives the bias sums in the same product;
 * - `gradientT`: ∂Wᵀ = Gᵀ · A, with ∂b summed while transposing G (inputs narrower than units,
 *   e.g. 30 features into 64 units);
 * - `js`: a one-unit head, Σ A·g in JS — no transpose and no packing at all.
 */
function gradientRoute(layer: DenseLayer, isHead: boolean): 'js' | 'inputT' | 'gradientT' {
  if (isHead && layer.units === 1) return 'js';
  return layer.inputs < layer.units ? 'gradientT' : 'inputT';
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
 * `source` (rows × cols) transposed into `target` (cols × rows); with `columnSums`, also the sum
 * of each column. Eight source rows at a time, written as eight adjacent floats per column:
 * measured 65 µs for 1024 × 64 on wasm's heap, where a 16 × 16 tiled loop took 150 µs and the
 * wasm `Transpose` kernel 250 µs.
 */
function transpose(
  source: Float32Array,
  rows: number,
  cols: number,
  target: Float32Array,
  columnSums: Float64Array | null,
): void {
  const whole = rows - (rows % 8);
  columnSums?.fill(0);
  for (let i = 0; i < whole; i += 8) {
    const first = i * cols;
    for (let j = 0; j < cols; j++) {
      const at = j * rows + i;
      const from = first + j;
      const v0 = source[from]!;
      const v1 = source[from + cols]!;
      const v2 = source[from + 2 * cols]!;
      const v3 = source[from + 3 * cols]!;
      const v4 = source[from + 4 * cols]!;
      const v5 = source[from + 5 * cols]!;
      const v6 = source[from + 6 * cols]!;
      const v7 = source[from + 7 * cols]!;
      target[at] = v0;
      target[at + 1] = v1;
      target[at + 2] = v2;
      target[at + 3] = v3;
      target[at + 4] = v4;
      target[at + 5] = v5;
      target[at + 6] = v6;
      target[at + 7] = v7;
      if (columnSums) columnSums[j] = columnSums[j]! + (v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7);
    }
  }
  for (let i = whole; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = source[i * cols + j]!;
      target[j * rows + i] = v;
      if (columnSums) columnSums[j] = columnSums[j]! + v;
    }
  }
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
