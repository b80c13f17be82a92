import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import { createDenseKernels } from './dense-kernels.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Shapes that reach every block and tail of the kernels: 4-row and 8/4-column blocks, and the rest. */
const shapes: [m: number, k: number, n: number][] = [
  [1, 1, 1],
  [5, 3, 7],
  [13, 9, 1],
  [32, 5, 8],
  [7, 30, 64],
  [33, 64, 3],
  [9, 10, 12],
  [1024, 64, 1],
  [6, 7, 5],
  [64, 30, 64],
];

function filled(values: Float32Array, random: () => number): void {
  for (let i = 0; i < values.length; i++) values[i] = random() - 0.5;
}

/** The largest difference, relative to the largest magnitude of the expected values (at least 1). */
function worstError(actual: Float32Array, expected: Float64Array): number {
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst / scale;
}

describe('training kernels (WebAssembly SIMD): the dense products', () => {
  it.each(shapes)(
    'matmul %i×%i · %i wide, with bias, relu and a mask, equals the plain product',
    (m, k, n) => {
      const random = mulberry32(m * 1000 + k * 10 + n);
      const created = createDenseKernels([m * k, k * n, m * n, n, m * n, m * n, m * n]);
      expect(created).not.toBeNull();
      const { kernels, slots } = created!;
      const [a, b, c, bias, mask, plain, masked] = slots as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      for (const [slot, size] of [
        [a, m * k],
        [b, k * n],
        [bias, n],
        [mask, m * n],
      ] as const)
        filled(kernels.view(slot, size), random);
      const av = kernels.view(a, m * k);
      const bv = kernels.view(b, k * n);
      const biasView = kernels.view(bias, n);
      const maskView = kernels.view(mask, m * n);
      const product = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += av[i * k + p]! * bv[p * n + j]!;
          product[i * n + j] = sum;
        }

      kernels.matmul(a, b, plain, m, k, n);
      expect(worstError(kernels.view(plain, m * n), product)).toBeLessThan(1e-6);

      kernels.matmul(a, b, c, m, k, n, { bias, relu: true });
      const activated = product.map((v, i) => Math.max(0, v + biasView[i % n]!));
      expect(worstError(kernels.view(c, m * n), activated)).toBeLessThan(1e-6);

      kernels.matmul(a, b, masked, m, k, n, { mask });
      const kept = product.map((v, i) => (maskView[i]! > 0 ? v : 0));
      const maskedView = kernels.view(masked, m * n);
      expect(worstError(maskedView, kept)).toBeLessThan(1e-6);
      // Masked-out values are exactly zero, not just small.
      maskView.forEach((v, i) => {
        if (!(v > 0)) expect(maskedView[i]).toBe(0);
      });
    },
  );

  it.each(shapes)('matmulTransposedA over %i rows, %i × %i, and the column sums', (m, k, n) => {
    const random = mulberry32(m + k * 7 + n * 13);
    const created = createDenseKernels([m * k, m * n, k * n, n]);
    const { kernels, slots } = created!;
    const [a, b, c, sums] = slots as [number, number, number, number];
    filled(kernels.view(a, m * k), random);
    filled(kernels.view(b, m * n), random);
    const av = kernels.view(a, m * k);
    const bv = kernels.view(b, m * n);
    const expected = new Float64Array(k * n);
    const columnSums = new Float64Array(n);
    for (let r = 0; r < m; r++)
      for (let j = 0; j < n; j++) {
        columnSums[j] = columnSums[j]! + bv[r * n + j]!;
        for (let i = 0; i < k; i++)
          expected[i * n + j] = expected[i * n + j]! + av[r * k + i]! * bv[r * n + j]!;
      }
    kernels.matmulTransposedA(a, b, c, m, k, n, sums);
    expect(worstError(kernels.view(c, k * n), expected)).toBeLessThan(1e-6);
    expect(worstError(kernels.view(sums, n), columnSums)).toBeLessThan(1e-6);
  });

  it('drops out with the domain generator: kept where the draw of mulberry32(seed) is at least the rate', () => {
    const n = 1001;
    const rate = 0.3;
    const { kernels, slots } = createDenseKernels([n, n, n, n])!;
    const [a, out, mask, g] = slots as [number, number, number, number];
    filled(kernels.view(a, n), mulberry32(5));
    kernels.view(g, n).fill(2);
    kernels.dropout(a, out, mask, n, rate, 1234);
    kernels.multiply(g, mask, n);
    const draw = mulberry32(1234);
    const scale = Math.fround(1 / (1 - rate));
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const factor = draw() >= rate ? scale : 0;
      kept += factor > 0 ? 1 : 0;
      expect(kernels.view(mask, n)[i]).toBe(factor);
      expect(kernels.view(out, n)[i]).toBe(Math.fround(kernels.view(a, n)[i]! * factor));
      expect(kernels.view(g, n)[i]).toBe(Math.fround(2 * factor));
    }
    expect(kept / n).toBeGreaterThan(0.6);
    expect(kept / n).toBeLessThan(0.8);
  });

  it('lays slots out apart from each other and from address 0 (which the kernels read as "none")', () => {
    const { kernels, slots } = createDenseKernels([3, 5, 8])!;
    expect(slots[0]).toBeGreaterThan(0);
    expect(slots[1]! - slots[0]!).toBeGreaterThanOrEqual(3);
    expect(slots[2]! - slots[1]!).toBeGreaterThanOrEqual(5);
    expect(kernels.heap.length).toBeGreaterThanOrEqual(slots[2]! + 8);
    // Each step has memory of its own.
    const other = createDenseKernels([3])!;
    other.kernels.view(other.slots[0]!, 3).fill(7);
    expect(kernels.view(slots[0]!, 3).every((v) => v === 0)).toBe(true);
  });

  it.each([
    [1, 1],
    [37, 7],
    [64, 13],
    [1024, 64],
  ] as const)(
    'batch norm: moments, apply and both gradient passes equal plain loops (%i rows × %i columns)',
    (rows, cols) => {
      const n = rows * cols;
      const created = createDenseKernels([
        n,
        n,
        cols,
        cols,
        cols,
        cols,
        2 * cols,
        2 * cols,
        n,
        cols,
        cols,
        cols,
      ])!;
      const { kernels } = created;
      const [z, xhat, mean, invStd, gamma, beta, sums, squares, g, scale, shift, slope] =
        created.slots as number[];
      const random = mulberry32(rows * 31 + cols);
      const view = (slot: number, length: number) => kernels.view(slot!, length);
      // Values around a large mean, where E[x²] − E[x]² in float32 would lose the variance.
      const input = view(z!, n);
      for (let i = 0; i < n; i++) input[i] = 40 + (random() - 0.5) * 0.2;
      filled(view(gamma!, cols), random);
      filled(view(beta!, cols), random);
      filled(view(g!, n), random);
      const zIn = Float64Array.from(input);
      const gIn = Float64Array.from(view(g!, n));

      kernels.columnMoments(z!, sums!, squares!, rows, cols);
      const expectedSums = new Float64Array(cols);
      const expectedSquares = new Float64Array(cols);
      for (let i = 0; i < n; i++) {
        expectedSums[i % cols] += zIn[i]!;
        expectedSquares[i % cols] += zIn[i]! * zIn[i]!;
      }
      const gotSums = kernels.doubles(sums!, cols);
      const gotSquares = kernels.doubles(squares!, cols);
      for (let j = 0; j < cols; j++) {
        expect(gotSums[j]).toBeCloseTo(expectedSums[j]!, 6);
        expect(gotSquares[j]! / expectedSquares[j]! - 1).toBeLessThan(1e-12);
        // The variance survives: float64 sums of float32 values.
        const variance = gotSquares[j]! / rows - (gotSums[j]! / rows) ** 2;
        let exact = 0;
        for (let r = 0; r < rows; r++) exact += (zIn[r * cols + j]! - expectedSums[j]! / rows) ** 2;
        expect(Math.abs(variance - exact / rows)).toBeLessThan(1e-9);
      }

      for (let j = 0; j < cols; j++) {
        view(mean!, cols)[j] = expectedSums[j]! / rows;
        view(invStd!, cols)[j] = 1 / Math.sqrt(0.003 + j / 10);
      }
      const m = view(mean!, cols).slice();
      const inv = view(invStd!, cols).slice();
      const gam = view(gamma!, cols).slice();
      const bet = view(beta!, cols).slice();
      for (const relu of [false, true]) {
        view(z!, n).set(zIn);
        kernels.batchNormApply(
          z!,
          xhat!,
          { mean: mean!, invStd: invStd!, gamma: gamma!, beta: beta! },
          rows,
          cols,
          relu,
        );
        const expectedX = new Float64Array(n);
        const expectedY = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const j = i % cols;
          expectedX[i] = Math.fround(Math.fround(zIn[i]! - m[j]!) * inv[j]!);
          const y = gam[j]! * expectedX[i]! + bet[j]!;
          expectedY[i] = relu ? Math.max(0, y) : y;
        }
        expect(worstError(view(xhat!, n), expectedX)).toBeLessThan(1e-6);
        expect(worstError(view(z!, n), expectedY)).toBeLessThan(1e-6);
      }

      kernels.batchNormGradSums(g!, xhat!, sums!, squares!, rows, cols);
      const x = Float64Array.from(view(xhat!, n));
      const dBeta = new Float64Array(cols);
      const dGamma = new Float64Array(cols);
      for (let i = 0; i < n; i++) {
        dBeta[i % cols] += gIn[i]!;
        dGamma[i % cols] += gIn[i]! * x[i]!;
      }
      for (let j = 0; j < cols; j++) {
        expect(kernels.doubles(sums!, cols)[j]).toBeCloseTo(dBeta[j]!, 5);
        expect(kernels.doubles(squares!, cols)[j]).toBeCloseTo(dGamma[j]!, 4);
      }
      filled(view(scale!, cols), random);
      filled(view(shift!, cols), random);
      filled(view(slope!, cols), random);
      const [sc, sh, sl] = [
        view(scale!, cols).slice(),
        view(shift!, cols).slice(),
        view(slope!, cols).slice(),
      ];
      kernels.batchNormGradApply(g!, xhat!, { scale: scale!, shift: shift!, slope: slope! }, rows, cols);
      const expectedG = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const j = i % cols;
        expectedG[i] = sc[j]! * (gIn[i]! - sh[j]! - x[i]! * sl[j]!);
      }
      expect(worstError(view(g!, n), expectedG)).toBeLessThan(1e-6);
    },
  );

  const clang = (() => {
    try {
      execFileSync('clang', ['--version'], { stdio: 'ignore' });
      execFileSync('wasm-ld', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!clang)(
    'the committed module is the one the C sources build to (skipped without clang and lld: apt-get install clang lld)',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'orchard-kernels-'));
      try {
        const out = path.join(dir, 'built.ts');
        execFileSync('sh', [path.join(here, 'build-kernels.sh'), out]);
        expect(readFileSync(out, 'utf8')).toBe(readFileSync(path.join(here, 'kernels-wasm.ts'), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
