/**
 * Two fixes to the WebAssembly backend of TensorFlow.js 4.22 that training needs, installed once
 * when the wasm backend is chosen (see `selectBackend`):
 *
 * - `BatchMatMul` with `transposeA` or `transposeB` falls back to a naive triple loop in the wasm
 *   build, about 6× slower than the XNNPACK path taken without transposes. Every dense layer's
 *   backward pass multiplies by a transpose (`dW = xᵀ·dy`, `dx = dy·Wᵀ`), so this one kernel was
 *   ~70 % of a training step. Transposing explicitly (a fast copy) and then multiplying without
 *   flags gives the same numbers at a fraction of the time.
 * - `Conv2DBackpropFilter` (the filter gradient of a convolution) is not implemented for wasm at
 *   all, so a CNN cannot train there. It is registered here as im2col + one matrix product, built
 *   from kernels the wasm backend does have (pad, slice, concat, transpose, matmul).
 *
 * Both are kernel-level replacements: the engine, the gradients and every model are unchanged,
 * and the results equal the CPU backend's (tested in `wasm-kernels.test.ts`).
 */
import type { KernelBackend, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from './tf-types.js';

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
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) registerConv2DBackpropFilter(tf);
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

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function registerConv2DBackpropFilter(tf: Tf): void {
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const x = inputs['x']!;
      const dy = inputs['dy']!;
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as BackpropFilterAttrs;
      if (dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only.');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth } = info;
      const { strideHeight, strideWidth, padInfo } = info;
      const call = (name: string): KernelCall => kernelCaller(tf, name, backend);
      const temporaries: TensorInfo[] = [];
      const keep = (t: TensorInfo): TensorInfo => {
        temporaries.push(t);
        return t;
      };
      try {
        const needsPad = padInfo.top > 0 || padInfo.bottom > 0 || padInfo.left > 0 || padInfo.right > 0;
        const padded = needsPad
          ? keep(
              call('PadV2')(
                { x },
                {
                  paddings: [
                    [0, 0],
                    [padInfo.top, Math.max(0, padInfo.bottom)],
                    [padInfo.left, Math.max(0, padInfo.right)],
                    [0, 0],
                  ],
                  constantValue: 0,
                },
              ),
            )
          : x;
        // im2col: one shifted view of the input per filter tap, side by side along channels, so
        // column (kh·W + kw)·Cin + c lines up with the filter's [kh, kw, c] layout.
        const patches: TensorInfo[] = [];
        const spanH = (outHeight - 1) * strideHeight + 1;
        const spanW = (outWidth - 1) * strideWidth + 1;
        for (let kh = 0; kh < filterHeight; kh++) {
          for (let kw = 0; kw < filterWidth; kw++) {
            const patch =
              strideHeight === 1 && strideWidth === 1
                ? call('Slice')(
                    { x: padded },
                    { begin: [0, kh, kw, 0], size: [batchSize, spanH, spanW, inChannels] },
                  )
                : call('StridedSlice')(
                    { x: padded },
                    {
                      begin: [0, kh, kw, 0],
                      end: [batchSize, kh + spanH, kw + spanW, inChannels],
                      strides: [1, strideHeight, strideWidth, 1],
                      beginMask: 0,
                      endMask: 0,
                      ellipsisMask: 0,
                      newAxisMask: 0,
                      shrinkAxisMask: 0,
                    },
                  );
            patches.push(keep(patch));
          }
        }
        const columns =
          patches.length === 1
            ? patches[0]! // Concat takes its inputs as an array.
            : keep(call('Concat')(patches as unknown as KernelInputs, { axis: 3 }));
        const rows = batchSize * outHeight * outWidth;
        const taps = filterHeight * filterWidth * inChannels;
        const columns2d = keep(call('Reshape')({ x: columns }, { shape: [rows, taps] }));
        const columnsT = keep(call('Transpose')({ x: columns2d }, { perm: [1, 0] }));
        const dy2d = keep(call('Reshape')({ x: dy }, { shape: [rows, outChannels] }));
        const product = keep(
          call('BatchMatMul')({ a: columnsT, b: dy2d }, { transposeA: false, transposeB: false }),
        );
        return call('Reshape')({ x: product }, { shape: filterShape });
      } finally {
        for (const t of temporaries) backend.disposeData(t.dataId);
      }
    },
  });
}
