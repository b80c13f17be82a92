import type { Tensor4D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { mulberry32 } from './prng.js';

/** Runs `compute` on the CPU backend and on wasm (with Orchard's kernels) and returns both results. */
async function onBoth(compute: (tf: Awaited<ReturnType<typeof selectBackend>>['tf']) => Float32Array[]) {
  const cpu = compute((await selectBackend('cpu')).tf);
  const wasm = compute((await selectBackend('wasm')).tf);
  return { cpu, wasm };
}

function values(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return new Float32Array(n).map(() => random() * 2 - 1);
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 4);
}

describe('wasm training kernels', () => {
  it('multiplies with transposes as the CPU backend does', async () => {
    const { cpu, wasm } = await onBoth((tf) =>
      tf.tidy(() => {
        const a = tf.tensor2d(values(7 * 5, 1), [7, 5]);
        const b = tf.tensor2d(values(7 * 3, 2), [7, 3]);
        const c = tf.tensor3d(values(2 * 4 * 5, 3), [2, 4, 5]);
        return [
          tf.matMul(a, b, true, false),
          tf.matMul(b, a, true, false),
          tf.matMul(a, a, false, true),
          tf.matMul(c, c, false, true),
          tf.matMul(c, c, true, false),
        ].map((t) => t.dataSync() as Float32Array);
      }),
    );
    cpu.forEach((expected, i) => expectClose(wasm[i]!, expected));
  });

  it('sums over leading axes (bias gradients) and any other axes as the CPU backend does', async () => {
    const { cpu, wasm } = await onBoth((tf) =>
      tf.tidy(() => {
        const x4 = tf.tensor4d(values(2 * 5 * 6 * 7, 10), [2, 5, 6, 7]);
        const x2 = tf.tensor2d(values(33 * 9, 11), [33, 9]);
        const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
        return [
          tf.sum(x4, [0, 1, 2]),
          tf.sum(x4, [2, 0, 1], true),
          tf.sum(x4, [-4, -3, -2]),
          tf.sum(x2, 0),
          tf.sum(x2, 1),
          tf.sum(x4, [1, 2]),
          tf.sum(x4),
          tf.cast(tf.sum(ints, 0), 'float32'),
        ].map((t) => t.dataSync() as Float32Array);
      }),
    );
    cpu.forEach((expected, i) => expectClose(wasm[i]!, expected));
  });

  it('sums 300,000 rows in chunks and runs of rows without losing float32 precision', async () => {
    const { tf } = await selectBackend('wasm');
    const rows = 300_000;
    const x = values(rows * 4, 12);
    const expected = new Float64Array(4);
    x.forEach((v, i) => (expected[i % 4] = expected[i % 4]! + v));
    const sums = tf.tidy(() => tf.sum(tf.tensor2d(x, [rows, 4]), 0).dataSync());
    expected.forEach((v, j) => expect(Math.abs(sums[j]! - v)).toBeLessThan(1e-3));
  });

  it.each([
    ['same', 1],
    ['valid', 1],
    ['same', 2],
  ] as const)(
    'gives the conv2d filter gradient of the CPU backend (pad %s, stride %i)',
    async (pad, stride) => {
      const { cpu, wasm } = await onBoth((tf) =>
        tf.tidy(() => {
          const x = tf.tensor4d(values(2 * 9 * 9 * 3, 4), [2, 9, 9, 3]);
          const filter = tf.tensor4d(values(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
          const grads = tf.grads((input, f) =>
            tf.sum(tf.square(tf.conv2d(input as never, f as never, stride, pad))),
          );
          return grads([x, filter]).map((t) => t.dataSync() as Float32Array);
        }),
      );
      expectClose(wasm[1]!, cpu[1]!);
      expectClose(wasm[0]!, cpu[0]!);
    },
  );

  it.each([
    ['same', 1, 5, 5, 9, 3, 4],
    ['valid', 1, 3, 7, 5, 6, 8],
    ['same', 2, 3, 9, 9, 5, 2],
    // 2,500 output positions of 27 taps: more than one im2col chunk (65,536 values) per image.
    ['same', 1, 3, 50, 50, 3, 5],
  ] as const)(
    'gives the conv2d input and filter gradients of the CPU backend (pad %s, stride %i, filter %i, input %i×%i×%i, %i filters)',
    async (pad, stride, size, height, width, channels, out) => {
      const { cpu, wasm } = await onBoth((tf) =>
        tf.tidy(() => {
          const x = tf.tensor4d(values(2 * height * width * channels, 6), [2, height, width, channels]);
          const filter = tf.tensor4d(values(size * size * channels * out, 7), [size, size, channels, out]);
          const grads = tf.grads((input, f) =>
            tf.sum(tf.mul(tf.conv2d(input as never, f as never, stride, pad), 0.5)),
          );
          return grads([x, filter]).map((t) => t.dataSync() as Float32Array);
        }),
      );
      expectClose(wasm[0]!, cpu[0]!);
      expectClose(wasm[1]!, cpu[1]!);
    },
  );

  it.each([
    [2, 2, 'valid', 8, 8],
    [3, 2, 'same', 7, 9],
    [2, 1, 'valid', 5, 6],
  ] as const)(
    'routes the max-pool gradient as the CPU backend does (pool %i, stride %i, %s, %i×%i)',
    async (poolSize, stride, pad, height, width) => {
      const { cpu, wasm } = await onBoth((tf) =>
        tf.tidy(() => {
          // Ties (whole windows of one value) and a plateau of −∞ where nothing should pass.
          // Five channels: four through the vector path, one through the scalar one.
          const raw = values(2 * height * width * 5, 8).map((v, i) => (i % 7 === 0 ? 0.25 : v));
          raw.fill(-Infinity, 0, 10);
          const x = tf.tensor4d(raw, [2, height, width, 5]);
          const grad = tf.grad((input) => {
            const pooled = tf.maxPool(input as Tensor4D, poolSize, stride, pad);
            return tf.sum(tf.mul(pooled, tf.range(0, pooled.size).reshape(pooled.shape)));
          });
          return [grad(x).dataSync() as Float32Array];
        }),
      );
      expectClose(wasm[0]!, cpu[0]!);
    },
  );
});
