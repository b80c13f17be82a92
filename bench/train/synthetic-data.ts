/**
 * The training benchmark's data, written once to `.bench/` as raw little-endian float32 so that
 * Orchard and PyTorch read exactly the same rows: `features` (n × d, row-major) then `labels` (n).
 * Tabular: 30 standard-normal-ish features, a binary label from a fixed linear rule plus noise.
 * Images: 64×64×3 in [0, 1] (height, width, channels), the label says whether the left half is
 * brighter. Deterministic (mulberry32, seed 42).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../core/domain/prng.js';
import { benchCacheDir } from '../lib/synthetic-csv.js';

export interface SyntheticSet {
  readonly path: string;
  readonly n: number;
  readonly d: number;
}

export function ensureTabular(n: number, d: number): SyntheticSet {
  const path = join(benchCacheDir, `train-tabular-${n}x${d}-s42-v1.f32`);
  if (!existsSync(path)) {
    const random = mulberry32(42);
    const x = new Float32Array(n * d);
    const y = new Float32Array(n);
    const w = Array.from({ length: d }, () => random() * 2 - 1);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) {
        // Sum of three uniforms: roughly normal, cheap, deterministic.
        const v = (random() + random() + random() - 1.5) * 2;
        x[i * d + j] = v;
        z += v * w[j]!;
      }
      y[i] = z + (random() - 0.5) > 0 ? 1 : 0;
    }
    write(path, x, y);
  }
  return { path, n, d };
}

export function ensureImages(n: number, size: number, channels: number): SyntheticSet {
  const d = size * size * channels;
  const path = join(benchCacheDir, `train-images-${n}x${size}x${size}x${channels}-s42-v1.f32`);
  if (!existsSync(path)) {
    const random = mulberry32(42);
    const x = new Float32Array(n * d);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const label = random() < 0.5 ? 1 : 0;
      y[i] = label;
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          const bright = c < size / 2 === (label === 1) ? 0.2 : 0;
          for (let k = 0; k < channels; k++)
            x[i * d + (r * size + c) * channels + k] = random() * 0.8 + bright;
        }
      }
    }
    write(path, x, y);
  }
  return { path, n, d };
}

function write(path: string, x: Float32Array, y: Float32Array): void {
  mkdirSync(benchCacheDir, { recursive: true });
  const temporary = `${path}.partial`;
  const bytes = new Uint8Array(x.byteLength + y.byteLength);
  bytes.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), 0);
  bytes.set(new Uint8Array(y.buffer, y.byteOffset, y.byteLength), x.byteLength);
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
