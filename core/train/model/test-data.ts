/** Small deterministic data sets and configs for the model tests. */
import { TrainingConfig, type TrainingConfigInput } from '../../contract/training.js';
import type { TrainingData } from './fit.js';
import { mulberry32 } from './prng.js';

export function config(overrides: Partial<TrainingConfigInput> = {}): TrainingConfig {
  return TrainingConfig.parse({
    datasetVersionId: 'test',
    target: { column: 'y' },
    task: 'binary',
    batchSize: 32,
    epochs: 10,
    optimizer: { kind: 'adam', learningRate: 0.01 },
    ...overrides,
  });
}

function split(
  x: Float32Array,
  y: Float32Array,
  n: number,
  d: number,
  classes: number | null,
  nVal: number,
): TrainingData {
  const nTrain = n - nVal;
  return {
    xTrain: x.slice(0, nTrain * d),
    yTrain: y.slice(0, nTrain),
    xVal: x.slice(nTrain * d),
    yVal: y.slice(nTrain),
    nTrain,
    nVal,
    d,
    classes,
  };
}

/** Two classes on either side of a hyperplane with a margin: linearly separable. */
export function separableBinary(n = 400, d = 4, seed = 1): TrainingData {
  const random = mulberry32(seed);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    y[i] = label;
    for (let j = 0; j < d; j++) x[i * d + j] = random() * 2 - 1;
    x[i * d] = (label === 1 ? 0.3 : -0.3) + (random() * 2 - 1) * 0.25;
  }
  return split(x, y, n, d, 2, Math.floor(n / 4));
}

/** Three well-separated blobs. */
export function blobs(n = 300, seed = 2): TrainingData {
  const random = mulberry32(seed);
  const centres = [
    [2, 0],
    [-2, 2],
    [-2, -2],
  ];
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[i * 2] = centres[c]![0]! + (random() - 0.5);
    x[i * 2 + 1] = centres[c]![1]! + (random() - 0.5);
  }
  return split(x, y, n, 2, 3, 60);
}

/** y = 2·x₀ − x₁ + 0.5 with a little noise. */
export function linearRegression(n = 400, seed = 3): TrainingData {
  const random = mulberry32(seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    x[i * 2] = a;
    x[i * 2 + 1] = b;
    y[i] = 2 * a - b + 0.5 + (random() - 0.5) * 0.02;
  }
  return split(x, y, n, 2, null, 80);
}

/** Labels that are coin flips: any model overfits, so the validation loss rises. */
export function noise(n = 300, d = 8, seed = 4): TrainingData {
  const random = mulberry32(seed);
  const x = new Float32Array(n * d).map(() => random() * 2 - 1);
  const y = new Float32Array(n).map(() => (random() < 0.5 ? 0 : 1));
  return split(x, y, n, d, 2, 100);
}

/** size × size × 1 images, label 1 when the left half is the bright one. */
export function images(n = 160, size = 8, seed = 5): TrainingData {
  const random = mulberry32(seed);
  const d = size * size;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    y[i] = label;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const bright = c < size / 2 === (label === 1);
        x[i * d + r * size + c] = random() * 0.3 + (bright ? 0.7 : 0);
      }
    }
  }
  return split(x, y, n, d, 2, 40);
}

/** Epoch metrics without the timings, for comparing runs. */
export function metricsOnly(epochs: readonly { epoch: number; metrics: Record<string, number> }[]) {
  return epochs.map((e) => ({ epoch: e.epoch, metrics: e.metrics }));
}
