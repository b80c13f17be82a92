/**
 * The compiled kernels module (`kernels-wasm.ts`, built from `dense-kernels.c` and
 * `conv-kernels.c`) and fresh instances of it. Each instance has a memory of its own; its first
 * 64 KiB are the C stack, so offset 0 is never a buffer and the kernels read it as "none".
 */
import { kernelsWasm } from './kernels-wasm.js';

/** The module's exports; every pointer is a byte offset into `memory`. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly __heap_base: WebAssembly.Global;
  matmul(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    bias: number,
    mask: number,
    relu: number,
  ): void;
  matmul_tn(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    sums: number,
    accumulate: number,
  ): void;
  conv2d_filter_grad(
    x: number,
    dy: number,
    dw: number,
    cols: number,
    colsRows: number,
    ...dims: number[]
  ): void;
  conv2d_input_grad(
    dy: number,
    wt: number,
    dx: number,
    cols: number,
    colsRows: number,
    ...dims: number[]
  ): void;
  transpose(source: number, target: number, rows: number, cols: number): void;
  max_pool_grad(x: number, dy: number, dx: number, ...dims: number[]): void;
  dropout(a: number, out: number, mask: number, n: number, rate: number, scale: number, seed: number): void;
  multiply(g: number, m: number, n: number): void;
  column_sums(x: number, sums: number, totals: number, rows: number, cols: number): void;
  column_moments(x: number, sums: number, squares: number, rows: number, cols: number): void;
  batch_norm_apply(
    z: number,
    xhat: number,
    mean: number,
    invStd: number,
    gamma: number,
    beta: number,
    ...dims: number[]
  ): void;
  batch_norm_grad_sums(
    g: number,
    xhat: number,
    dbeta: number,
    dgamma: number,
    rows: number,
    cols: number,
  ): void;
  batch_norm_grad_apply(
    g: number,
    xhat: number,
    scale: number,
    shift: number,
    slope: number,
    ...dims: number[]
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** A new instance of the kernels, or null where WebAssembly SIMD is not available. */
export function instantiateKernels(): KernelExports | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(kernelsWasm, 'base64');
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled === null
    ? null
    : (new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports);
}

const pageBytes = 65536;

/** Grows `exports.memory` to hold at least `bytes`; returns false when it would not grow. */
export function ensureMemory(exports: KernelExports, bytes: number): boolean {
  const missing = bytes - exports.memory.buffer.byteLength;
  if (missing <= 0) return true;
  try {
    exports.memory.grow(Math.ceil(missing / pageBytes));
    return true;
  } catch {
    return false;
  }
}

/** The first float32 index past the C stack and data (16-byte aligned). */
export function heapStart(exports: KernelExports): number {
  return Math.ceil((exports.__heap_base.value as number) / 16) * 4;
}
