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
});
