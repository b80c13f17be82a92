/**
 * The convolution and max-pool gradients of `conv-kernels.c`, on whole NHWC batches held anywhere
 * in JS (in practice views of tfjs' wasm heap): each image is copied into this module's memory,
 * its gradient computed there and copied out (or summed there, for the filter). Working an image
 * at a time bounds the memory to one image's tensors and one im2col chunk, however big the batch.
 *
 * One instance serves every call; its memory grows to the largest image seen and stays.
 */
import { ensureMemory, heapStart, instantiateKernels, type KernelExports } from './module.js';

/** The shape of one convolution or pool, per image (tfjs' `Conv2DInfo` without the batch). */
export interface WindowShape {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** The im2col scratch holds about this many values (256 KB): a chunk of output rows at a time. */
const scratchValues = 65536;

let shared: KernelExports | null | undefined;

function kernels(): KernelExports | null {
  if (shared === undefined) shared = instantiateKernels();
  return shared;
}

/** Float32 indices of consecutive buffers of the given sizes from the heap's start; null if memory will not grow. */
function layout(exports: KernelExports, sizes: readonly number[]): number[] | null {
  let top = heapStart(exports);
  const slots = sizes.map((size) => {
    const slot = top;
    top += Math.ceil(size / 4) * 4;
    return slot;
  });
  return ensureMemory(exports, top * 4) ? slots : null;
}

function dims(shape: WindowShape): number[] {
  const s = shape;
  return [
    s.inHeight,
    s.inWidth,
    s.inChannels,
    s.outHeight,
    s.outWidth,
    s.outChannels,
    s.filterHeight,
    s.filterWidth,
    s.strideHeight,
    s.strideWidth,
    s.padTop,
    s.padLeft,
  ];
}

function sizes(shape: WindowShape) {
  const taps = shape.filterHeight * shape.filterWidth * shape.inChannels;
  const colsRows = Math.max(shape.outWidth, Math.floor(scratchValues / taps));
  return {
    taps,
    colsRows,
    image: shape.inHeight * shape.inWidth * shape.inChannels,
    output: shape.outHeight * shape.outWidth * shape.outChannels,
  };
}

/** True when the kernels can run here (WebAssembly SIMD); otherwise callers keep tfjs' kernels. */
export function convKernelsAvailable(): boolean {
  return kernels() !== null;
}

/**
 * dw[KH·KW·C × CO] = Σ over the batch of each image's filter gradient; x is batch × H × W × C,
 * dy batch × OH × OW × CO. Returns false (dw untouched) when memory could not be had.
 */
export function convFilterGradient(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  batch: number,
  shape: WindowShape,
): boolean {
  const exports = kernels();
  const { taps, colsRows, image, output } = sizes(shape);
  const slots = exports && layout(exports, [image, output, taps * shape.outChannels, colsRows * taps]);
  if (!exports || !slots) return false;
  const [xSlot, dySlot, dwSlot, colsSlot] = slots as [number, number, number, number];
  const heap = new Float32Array(exports.memory.buffer);
  heap.fill(0, dwSlot, dwSlot + dw.length);
  for (let n = 0; n < batch; n++) {
    heap.set(x.subarray(n * image, (n + 1) * image), xSlot);
    heap.set(dy.subarray(n * output, (n + 1) * output), dySlot);
    exports.conv2d_filter_grad(xSlot * 4, dySlot * 4, dwSlot * 4, colsSlot * 4, colsRows, ...dims(shape));
  }
  dw.set(heap.subarray(dwSlot, dwSlot + dw.length));
  return true;
}

/**
 * dx (batch × H × W × C) = the input gradient of each image from dy (batch × OH × OW × CO) and the
 * filter [KH, KW, C, CO]. Returns false (dx untouched) when memory could not be had.
 */
export function convInputGradient(
  dy: Float32Array,
  filter: Float32Array,
  dx: Float32Array,
  batch: number,
  shape: WindowShape,
): boolean {
  const exports = kernels();
  const { taps, colsRows, image, output } = sizes(shape);
  const slots =
    exports &&
    layout(exports, [output, taps * shape.outChannels, taps * shape.outChannels, image, colsRows * taps]);
  if (!exports || !slots) return false;
  const [dySlot, filterSlot, transposedSlot, dxSlot, colsSlot] = slots as [
    number,
    number,
    number,
    number,
    number,
  ];
  const heap = new Float32Array(exports.memory.buffer);
  heap.set(filter, filterSlot);
  exports.transpose(filterSlot * 4, transposedSlot * 4, taps, shape.outChannels);
  for (let n = 0; n < batch; n++) {
    heap.set(dy.subarray(n * output, (n + 1) * output), dySlot);
    exports.conv2d_input_grad(
      dySlot * 4,
      transposedSlot * 4,
      dxSlot * 4,
      colsSlot * 4,
      colsRows,
      ...dims(shape),
    );
    dx.set(heap.subarray(dxSlot, dxSlot + image), n * image);
  }
  return true;
}

/**
 * dx (batch × H × W × C) = the max-pool gradient: each output's dy goes to the first maximum of
 * its window in x (batch × H × W × C), as tfjs' CPU backend does. `shape.outChannels` is C.
 */
export function maxPoolGradient(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  batch: number,
  shape: WindowShape,
): boolean {
  const exports = kernels();
  const image = shape.inHeight * shape.inWidth * shape.inChannels;
  const output = shape.outHeight * shape.outWidth * shape.inChannels;
  const slots = exports && layout(exports, [image, output, image]);
  if (!exports || !slots) return false;
  const [xSlot, dySlot, dxSlot] = slots as [number, number, number];
  const heap = new Float32Array(exports.memory.buffer);
  const [inHeight, inWidth, inChannels, outHeight, outWidth, , filterHeight, filterWidth, ...rest] =
    dims(shape);
  for (let n = 0; n < batch; n++) {
    heap.set(x.subarray(n * image, (n + 1) * image), xSlot);
    heap.set(dy.subarray(n * output, (n + 1) * output), dySlot);
    exports.max_pool_grad(
      xSlot * 4,
      dySlot * 4,
      dxSlot * 4,
      inHeight!,
      inWidth!,
      inChannels!,
      outHeight!,
      outWidth!,
      filterHeight!,
      filterWidth!,
      ...rest,
    );
    dx.set(heap.subarray(dxSlot, dxSlot + image), n * image);
  }
  return true;
}

/**
 * sums[j] = Σ over rows of values[row · columns + j]: the bias gradient of a dense or convolution
 * layer, in float32 runs of 256 rows added up in float64. Copies the values in a chunk at a time.
 * Returns false (sums untouched) when memory could not be had.
 */
export function columnSums(values: Float32Array, columns: number, sums: Float32Array): boolean {
  const exports = kernels();
  const rows = values.length / columns;
  const chunkRows = Math.max(1, Math.floor((scratchValues * 16) / columns));
  // The chunk, its sums, and float64 scratch for the kernel (two float32 slots per double).
  const slots = exports && layout(exports, [Math.min(rows, chunkRows) * columns, columns, 2 * columns]);
  if (!exports || !slots) return false;
  const [chunkSlot, partSlot, totalsSlot] = slots as [number, number, number];
  const heap = new Float32Array(exports.memory.buffer);
  const totals = new Float64Array(columns);
  for (let row = 0; row < rows; row += chunkRows) {
    const count = Math.min(chunkRows, rows - row);
    heap.set(values.subarray(row * columns, (row + count) * columns), chunkSlot);
    exports.column_sums(chunkSlot * 4, partSlot * 4, totalsSlot * 4, count, columns);
    const part = heap.subarray(partSlot, partSlot + columns);
    for (let j = 0; j < columns; j++) totals[j] = totals[j]! + part[j]!;
  }
  sums.set(totals);
  return true;
}
