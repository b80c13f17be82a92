/**
 * Fixes to the WebAssembly backend of TensorFlow.js 4.22 that training needs, installed once when
 * the wasm backend is chosen (see `selectBackend`):
 *
 * - `BatchMatMul` with `transposeA` or `transposeB` falls back to a naive triple loop in the wasm
 *   build, about 6× slower than the XNNPACK path taken without transposes. Every dense layer's
 *   backward pass on the autodiff step multiplies by a transpose (`dW = xᵀ·dy`, `dx = dy·Wᵀ`), so
 *   this one kernel was ~70 % of a training step. Transposing explicitly (a fast copy) and then
 *   multiplying without flags gives the same numbers at a fraction of the time.
 * - A CNN's backward pass: tfjs-backend-wasm 4.22 registers no `Conv2DBackpropFilter` (the
 *   filter gradient) kernel, `Conv2DBackpropInput` ran at ~1 G multiply-adds/s and `MaxPoolGrad` took ~60 ms
 *   a batch; together 1.0 s of a 1.1 s step of the benchmark CNN. All three run on Orchard's
 *   kernels (`kernels/conv-kernels.c`: im2col chunks through the SIMD products of the dense
 *   step): the step took 0.31 s.
 * - `Sum` over the leading axes (every layer's bias gradient) transposed its whole input first;
 *   it is a column sum on Orchard's kernels now. With a vectorised max-pool gradient the benchmark
 *   CNN's step is ~0.17 s on a quiet machine.
 *
 * All are kernel-level replacements: the engine, the gradients and every model are unchanged,
 * and the results equal the CPU backend's (tested in `wasm-kernels.test.ts`).
 */
import type { KernelBackend, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import {
  columnSums,
  convFilterGradient,
  convInputGradient,
  convKernelsAvailable,
  maxPoolGradient,
  type WindowShape,
} from './kernels/conv-kernels.js';
import type { Tf } from './tf-types.js';

type Conv2DInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>;

type KernelInputs = Record<string, TensorInfo>;
type KernelCall = (inputs: KernelInputs, attrs: NamedAttrMap) => TensorInfo;

const installed = new WeakSet<object>();

/** Installs the wasm training kernels into `tf`'s registry; a second call does nothing. */
export function installWasmTrainingKernels(tf: Tf): void {
  // The kernel registry is global to the engine, so remember per engine, not per module copy.
  const engine = tf.engine();
  if (installed.has(engine)) return;
  installed.add(engine);
  patchBatchMatMul(tf);
  if (convKernelsAvailable()) {
    patchColumnSum(tf);
    registerConvGradients(tf);
  }
}

function requireKernel(tf: Tf, name: string): KernelConfig {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`The wasm backend has no '${name}' kernel.`);
  return kernel;
}

/** Calls a kernel function directly on `backend` (no engine bookkeeping; the caller disposes). */
function kernelCaller(tf: Tf, name: string, backend: KernelBackend): KernelCall {
  const kernel = requireKernel(tf, name);
  return (inputs, attrs) => kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function patchBatchMatMul(tf: Tf): void {
  const original = requireKernel(tf, 'BatchMatMul');
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const backend = args.backend as KernelBackend;
      const transpose = kernelCaller(tf, 'Transpose', backend);
      const temporaries: TensorInfo[] = [];
      let a = args.inputs['a']!;
      let b = args.inputs['b']!;
      if (transposeA) {
        a = transpose({ x: a }, { perm: swapLastTwo(a.shape.length) });
        temporaries.push(a);
      }
      if (transposeB) {
        b = transpose({ x: b }, { perm: swapLastTwo(b.shape.length) });
        temporaries.push(b);
      }
      try {
        return original.kernelFunc({
          inputs: { a, b },
          backend,
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of temporaries) backend.disposeData(t.dataId);
      }
    },
  });
}

/**
 * `Sum` over every axis but the last of a float32 tensor — the bias gradient of every dense and
 * convolution layer — as column sums on Orchard's kernels (`columnSums`). tfjs-backend-wasm first
 * transposes the input so the reduced axes are innermost (a copy of the whole gradient, 16 MB for
 * the benchmark CNN's first layer), then reduces. Any other `Sum` goes to tfjs' kernel.
 */
function patchColumnSum(tf: Tf): void {
  const original = requireKernel(tf, 'Sum');
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs['x']!;
      const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
      const rank = x.shape.length;
      const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((a, b) => a - b);
      const leading = axes.length === rank - 1 && axes.every((a, i) => a === i);
      if (x.dtype !== 'float32' || rank < 2 || !leading) return original.kernelFunc(args);
      const columns = x.shape[rank - 1]!;
      const shape = keepDims ? [...(Array(rank - 1).fill(1) as number[]), columns] : [columns];
      return onHeap(args.backend as HeapBackend, 'Sum', shape, [x], ([values], sums) =>
        columnSums(values!, columns, sums),
      );
    },
  });
}

/** What the kernels below need of tfjs' wasm backend: outputs on its heap, and views of it. */
interface HeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

type Pad =
  'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs' window arithmetic for a convolution gradient (NHWC, dilation 1) of `inputShape` by `filterShape`. */
function convWindow(
  tf: Tf,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  { strides, pad, dimRoundingMode }: ConvGradientAttrs,
): { batch: number; shape: WindowShape } {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return { batch: info.batchSize, shape: windowShape(info) };
}

function windowShape(info: Conv2DInfo): WindowShape {
  return { ...info, padTop: info.padInfo.top, padLeft: info.padInfo.left };
}

function requireNhwc(dataFormat: string, kernel: string): void {
  if (dataFormat !== 'NHWC') throw new Error(`${kernel} on wasm supports NHWC only.`);
}

/**
 * Allocates `kernel`'s output on the wasm heap and runs `compute` on views of `inputs` and of the
 * output — taken after the allocation, which may move the heap. Frees the output and throws when
 * `compute` could not have the memory it needed.
 */
function onHeap(
  backend: HeapBackend,
  kernel: string,
  shape: number[],
  inputs: readonly TensorInfo[],
  compute: (inputs: Float32Array[], output: Float32Array) => boolean,
): TensorInfo {
  const output = backend.makeOutput(shape, 'float32');
  const views = inputs.map((t) => backend.typedArrayFromHeap(t));
  if (!compute(views, backend.typedArrayFromHeap(output))) {
    backend.disposeData(output.dataId);
    throw new Error(`${kernel}: out of memory for the wasm training kernels (failed to allocate).`);
  }
  return output;
}

/**
 * The convolution filter and input gradients and the max-pool gradient on Orchard's kernels
 * (`kernels/conv-kernels.ts`).
 */
function registerConvGradients(tf: Tf): void {
  // tfjs-backend-wasm 4.22 has none; a later version might.
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined)
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as HeapBackend;
      const x = inputs['x']!;
      const dy = inputs['dy']!;
      const conv = attrs as unknown as ConvGradientAttrs & {
        filterShape: [number, number, number, number];
      };
      requireNhwc(conv.dataFormat, 'Conv2DBackpropFilter');
      const { batch, shape } = convWindow(
        tf,
        x.shape as [number, number, number, number],
        conv.filterShape,
        conv,
      );
      return onHeap(backend, 'Conv2DBackpropFilter', conv.filterShape, [x, dy], ([xs, dys], dw) =>
        convFilterGradient(xs!, dys!, dw, batch, shape),
      );
    },
  });
  const originalInput = requireKernel(tf, 'Conv2DBackpropInput');
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    ...originalInput,
    kernelFunc: (args) => {
      const backend = args.backend as HeapBackend;
      const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      const conv = args.attrs as unknown as ConvGradientAttrs & {
        inputShape: [number, number, number, number];
      };
      if (conv.dataFormat !== 'NHWC') return originalInput.kernelFunc(args);
      const { batch, shape } = convWindow(
        tf,
        conv.inputShape,
        filter.shape as [number, number, number, number],
        conv,
      );
      return onHeap(backend, 'Conv2DBackpropInput', conv.inputShape, [dy, filter], ([dys, filters], dx) =>
        convInputGradient(dys!, filters!, dx, batch, shape),
      );
    },
  });
  const originalPool = requireKernel(tf, 'MaxPoolGrad');
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({
    ...originalPool,
    kernelFunc: (args) => {
      const backend = args.backend as HeapBackend;
      const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
      const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
        filterSize: [number, number] | number;
        strides: [number, number] | number;
        pad: Pad;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        filterSize,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      return onHeap(backend, 'MaxPoolGrad', input.shape, [input, dy], ([xs, dys], dx) =>
        maxPoolGradient(xs!, dys!, dx, info.batchSize, windowShape(info)),
      );
    },
  });
}
