/**
 * The dense training step's matrix products (`dense-kernels.c`, WebAssembly SIMD) with the memory
 * they work in. One `DenseKernels` per training step: its memory is sized once for the step's
 * buffers and never grows, so the `heap` view stays valid for the step's life.
 */
import { ensureMemory, heapStart, instantiateKernels } from './module.js';

/** A float32 matrix or vector in the kernels' memory, by its index into `heap`. */
export type Slot = number;

export interface DenseKernels {
  /** The whole memory as float32; a `Slot` is an index into it. */
  readonly heap: Float32Array;
  /** `heap` from `slot` for `length` values (a view, not a copy). */
  view(slot: Slot, length: number): Float32Array;
  /**
   * c[m×n] = a[m×k] · b[k×n] (row-major), then + bias[n], then relu, then × (mask[m×n] > 0); each
   * of the last three only when given.
   */
  matmul(
    a: Slot,
    b: Slot,
    c: Slot,
    m: number,
    k: number,
    n: number,
    epilogue?: { bias?: Slot; relu?: boolean; mask?: Slot },
  ): void;
  /** c[k×n] = a[m×k]ᵀ · b[m×n]; with `sums`, also the column sums of b into sums[n]. */
  matmulTransposedA(a: Slot, b: Slot, c: Slot, m: number, k: number, n: number, sums?: Slot): void;
  /**
   * out = a · mask for n values, mask[i] = 1 / (1 − rate) where the i-th draw of mulberry32(seed)
   * is at least `rate`, else 0 — tfjs' dropout with the domain's generator.
   */
  dropout(a: Slot, out: Slot, mask: Slot, n: number, rate: number, seed: number): void;
  /** g ·= m over n values. */
  multiply(g: Slot, m: Slot, n: number): void;
  /** `heap`'s bytes from `slot` as `length` float64 values (slots are 16-byte aligned). */
  doubles(slot: Slot, length: number): Float64Array;
  /** Per column of x (rows × cols): Σ into sums[cols] and Σ² into squares[cols], as float64 (`doubles`). */
  columnMoments(x: Slot, sums: Slot, squares: Slot, rows: number, cols: number): void;
  /**
   * Batch norm in place over z (rows × cols): xhat = (z − mean) · invStd (kept), z = gamma · xhat +
   * beta, then relu when asked; mean, invStd, gamma and beta are float32 per column.
   */
  batchNormApply(
    z: Slot,
    xhat: Slot,
    columns: { mean: Slot; invStd: Slot; gamma: Slot; beta: Slot },
    rows: number,
    cols: number,
    relu: boolean,
  ): void;
  /** Per column: Σ g into dbeta and Σ g · xhat into dgamma, as float64 (`doubles`). */
  batchNormGradSums(g: Slot, xhat: Slot, dbeta: Slot, dgamma: Slot, rows: number, cols: number): void;
  /** In place: g = scale · (g − shift − xhat · slope), each float32 per column. */
  batchNormGradApply(
    g: Slot,
    xhat: Slot,
    columns: { scale: Slot; shift: Slot; slope: Slot },
    rows: number,
    cols: number,
  ): void;
}

/** Slots start on 16-byte boundaries, so vector loads of a row start aligned when rows are whole vectors. */
const slotAlign = 4;

/**
 * Kernels with room for buffers of the given sizes (in float32 values), handed out in order as
 * slots; null where WebAssembly SIMD is not available.
 */
export function createDenseKernels(
  sizes: readonly number[],
): { kernels: DenseKernels; slots: Slot[] } | null {
  const exports = instantiateKernels();
  if (exports === null) return null;
  const slots: Slot[] = [];
  let top = heapStart(exports);
  for (const size of sizes) {
    slots.push(top);
    top += Math.ceil(size / slotAlign) * slotAlign;
  }
  if (!ensureMemory(exports, top * 4)) return null;
  const heap = new Float32Array(exports.memory.buffer);
  const kernels: DenseKernels = {
    heap,
    view: (slot, length) => heap.subarray(slot, slot + length),
    matmul(a, b, c, m, k, n, epilogue = {}) {
      exports.matmul(
        a * 4,
        b * 4,
        c * 4,
        m,
        k,
        n,
        (epilogue.bias ?? 0) * 4,
        (epilogue.mask ?? 0) * 4,
        epilogue.relu === true ? 1 : 0,
      );
    },
    matmulTransposedA(a, b, c, m, k, n, sums) {
      exports.matmul_tn(a * 4, b * 4, c * 4, m, k, n, (sums ?? 0) * 4, 0);
    },
    dropout(a, out, mask, n, rate, seed) {
      exports.dropout(a * 4, out * 4, mask * 4, n, rate, Math.fround(1 / (1 - rate)), seed >>> 0);
    },
    multiply(g, m, n) {
      exports.multiply(g * 4, m * 4, n);
    },
    doubles: (slot, length) => new Float64Array(heap.buffer, slot * 4, length),
    columnMoments(x, sums, squares, rows, cols) {
      exports.column_moments(x * 4, sums * 4, squares * 4, rows, cols);
    },
    batchNormApply(z, xhat, { mean, invStd, gamma, beta }, rows, cols, relu) {
      exports.batch_norm_apply(
        z * 4,
        xhat * 4,
        mean * 4,
        invStd * 4,
        gamma * 4,
        beta * 4,
        rows,
        cols,
        relu ? 1 : 0,
      );
    },
    batchNormGradSums(g, xhat, dbeta, dgamma, rows, cols) {
      exports.batch_norm_grad_sums(g * 4, xhat * 4, dbeta * 4, dgamma * 4, rows, cols);
    },
    batchNormGradApply(g, xhat, { scale, shift, slope }, rows, cols) {
      exports.batch_norm_grad_apply(g * 4, xhat * 4, scale * 4, shift * 4, slope * 4, rows, cols);
    },
  };
  return { kernels, slots };
}
