import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingConfig } from '../../contract/training.js';
import { createAutodiffStep } from './autodiff-step.js';
import { selectBackend } from './backend.js';
import { buildModel } from './build.js';
import { createDenseStep } from './dense-step.js';
import { mulberry32, nextSeed } from './prng.js';
import { blobs, config, linearRegression, separableBinary } from './test-data.js';
import type { Tf } from './tf-types.js';
import { classWeightsOf, targetRows, weightPerRow, type TrainingData } from './training-data.js';
import type { TrainingStep } from './training-step.js';

interface Case {
  readonly name: string;
  readonly data: () => TrainingData;
  readonly config: TrainingConfig;
}

const sgd = { kind: 'sgd', learningRate: 1 } as const;

/**
 * With SGD at learning rate 1 a step moves each weight by exactly its gradient, so equal weights
 * after a step mean equal gradients — of the kernels and biases of every layer, penalties included.
 */
const cases: Case[] = [
  {
    name: 'binary MLP (relu, l2, class weights)',
    data: () => separableBinary(120, 5, 3),
    config: config({
      model: { kind: 'mlp', layers: [8, 6], l2: 0.01 },
      optimizer: sgd,
      classWeights: { '0': 1, '1': 2.5 },
    }),
  },
  {
    name: 'three classes (tanh, softmax)',
    data: () => blobs(150, 4),
    config: config({
      task: 'multiclass',
      model: { kind: 'mlp', layers: [7], activation: 'tanh' },
      optimizer: sgd,
    }),
  },
  {
    name: 'regression MLP (elu)',
    data: () => linearRegression(180, 6),
    config: config({
      task: 'regression',
      model: { kind: 'mlp', layers: [5, 4], activation: 'elu' },
      optimizer: sgd,
    }),
  },
  {
    name: 'logistic regression (l2)',
    data: () => separableBinary(120, 4, 7),
    config: config({ model: { kind: 'linear', l2: 0.1 }, optimizer: sgd }),
  },
  {
    name: 'binary MLP with Adam',
    data: () => separableBinary(120, 5, 11),
    config: config({
      model: { kind: 'mlp', layers: [8, 6] },
      optimizer: { kind: 'adam', learningRate: 0.01 },
    }),
  },
  // Batch norm: gamma and beta are trainable weights here, and the moving mean and variance are
  // weights of the model too, so every snapshot compares them as well.
  {
    name: 'binary MLP with batch norm (relu, l2)',
    data: () => separableBinary(120, 5, 13),
    config: config({ model: { kind: 'mlp', layers: [8, 6], batchNorm: true, l2: 0.01 }, optimizer: sgd }),
  },
  {
    name: 'three classes with batch norm (tanh, Adam)',
    data: () => blobs(150, 4),
    config: config({
      task: 'multiclass',
      model: { kind: 'mlp', layers: [7], activation: 'tanh', batchNorm: true },
      optimizer: { kind: 'adam', learningRate: 0.05 },
    }),
  },
  {
    name: 'regression with batch norm (elu)',
    data: () => linearRegression(180, 6),
    config: config({
      task: 'regression',
      model: { kind: 'mlp', layers: [5, 4], activation: 'elu', batchNorm: true },
      optimizer: { kind: 'sgd', learningRate: 0.1 },
    }),
  },
];

describe('dense step on wasm', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await selectBackend('wasm'));
  });

  /** Runs three batches on one path and returns the weights after each, and the epoch's totals. */
  async function train(c: Case, kind: 'dense' | 'autodiff') {
    const data = c.data();
    const built = buildModel(tf, c.config.model, { d: data.d, classes: data.classes }, c.config.seed);
    const rows = 32;
    const step: TrainingStep | null =
      kind === 'dense'
        ? createDenseStep({ tf, built, config: c.config, maxRows: rows, random: mulberry32(1) })
        : createAutodiffStep({ tf, built, config: c.config, random: mulberry32(1) });
    if (!step) throw new Error(`no ${kind} step for ${c.name}`);
    const targets = targetRows(data.yTrain, data.nTrain, data.classes);
    const weights = classWeightsOf(data, c.config.classWeights);
    const rowWeights = weights ? weightPerRow(data.yTrain, data.nTrain, weights) : null;
    const snapshots: Float32Array[][] = [];
    // The last batch is short, as an epoch's last batch usually is.
    for (const [start, size] of [
      [0, rows],
      [rows, rows],
      [2 * rows, 20],
    ] as const) {
      step.run({
        x: data.xTrain.subarray(start * data.d, (start + size) * data.d),
        y: targets.values.subarray(start * targets.width, (start + size) * targets.width),
        w: rowWeights ? rowWeights.subarray(start, start + size) : null,
        rows: size,
      });
      step.syncModel();
      snapshots.push(built.model.getWeights().map((w) => w.dataSync().slice() as Float32Array));
    }
    const totals = await step.takeEpochTotals();
    step.dispose();
    built.model.dispose();
    return { snapshots, totals };
  }

  it.each(cases)('updates the weights as the general path does: $name', async (c) => {
    const dense = await train(c, 'dense');
    const general = await train(c, 'autodiff');
    dense.snapshots.forEach((weights, step) => {
      weights.forEach((values, w) => {
        const expected = general.snapshots[step]![w]!;
        let worst = 0;
        for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - expected[i]!));
        expect(worst, `weight ${w} after step ${step + 1}`).toBeLessThan(1e-5);
      });
    });
    expect(dense.totals.loss).toBeCloseTo(general.totals.loss, 4);
    expect(dense.totals.score).toBeCloseTo(general.totals.score, 3);
  });

  it('leaves the model to the general path when it is not a plain dense stack', () => {
    const shape = { d: 64, classes: 2 };
    const configs = [config({ model: { kind: 'cnn', imageSize: 8, channels: 1, filters: [2], dense: 4 } })];
    for (const c of configs) {
      const built = buildModel(tf, c.model, shape, 1);
      expect(createDenseStep({ tf, built, config: c, maxRows: 8, random: mulberry32(1) })).toBeNull();
      built.model.dispose();
    }
  });

  it.each(['relu', 'tanh', 'elu'] as const)(
    'drops out as tfjs does and back-propagates through the same masks (%s, checked by finite differences)',
    (activation) => {
      const rows = 6;
      const d = 3;
      const hidden = [4, 3];
      const rate = 0.4;
      const c = config({
        model: { kind: 'mlp', layers: hidden, activation, dropout: rate },
        optimizer: sgd,
      });
      const data = separableBinary(40, d, 5);
      const built = buildModel(tf, c.model, { d, classes: 2 }, 3);
      // Biases off zero: a row whose inputs were all dropped would otherwise sit on relu's kink,
      // where a finite difference and relu′(0) = 0 disagree.
      const start = built.model
        .getWeights()
        .map((w, i) => (i % 2 === 1 ? tf.fill(w.shape, 0.05 + 0.01 * i) : w));
      built.model.setWeights(start);
      start.forEach((w, i) => {
        if (i % 2 === 1) w.dispose();
      });
      const before = built.model.getWeights().map((w) => Float64Array.from(w.dataSync()));
      const step = createDenseStep({ tf, built, config: c, maxRows: rows, random: mulberry32(99) });
      expect(step, 'a dropout MLP takes the dense step').not.toBeNull();
      step!.run({ x: data.xTrain.subarray(0, rows * d), y: data.yTrain.subarray(0, rows), w: null, rows });
      step!.syncModel();
      const after = built.model.getWeights().map((w) => w.dataSync());
      // SGD at learning rate 1: the step moved each weight by minus its gradient.
      const gradients = before.map((w, i) => w.map((v, j) => v - after[i]![j]!));

      // The same masks: per layer, one draw of the run's stream seeds mulberry32, whose draws
      // (row-major) keep a value when ≥ rate.
      const draw = mulberry32(99);
      const masks = hidden.map((units) => {
        const layerDraw = mulberry32(nextSeed(draw));
        return Array.from({ length: rows * units }, () => (layerDraw() >= rate ? 1 / (1 - rate) : 0));
      });
      const act = (v: number) =>
        activation === 'relu'
          ? Math.max(0, v)
          : activation === 'tanh'
            ? Math.tanh(v)
            : v >= 0
              ? v
              : Math.expm1(v);
      /** Mean sigmoid cross-entropy of the batch in float64, weights as [kernel, bias] per layer. */
      const loss = (weights: Float64Array[]) => {
        let a = Array.from(data.xTrain.subarray(0, rows * d), Number);
        let width = d;
        const sizes = [...hidden, 1];
        sizes.forEach((units, l) => {
          const [kernel, bias] = [weights[2 * l]!, weights[2 * l + 1]!];
          const next: number[] = [];
          for (let r = 0; r < rows; r++)
            for (let u = 0; u < units; u++) {
              let z = bias[u]!;
              for (let k = 0; k < width; k++) z += a[r * width + k]! * kernel[k * units + u]!;
              next.push(l < hidden.length ? act(z) * masks[l]![r * units + u]! : z);
            }
          a = next;
          width = units;
        });
        let total = 0;
        for (let r = 0; r < rows; r++) {
          const z = a[r]!;
          total += Math.max(z, 0) - z * data.yTrain[r]! + Math.log1p(Math.exp(-Math.abs(z)));
        }
        return total / rows;
      };
      const h = 1e-4;
      let worst = 0;
      before.forEach((w, i) =>
        w.forEach((v, j) => {
          const up = before.map((x) => x.slice());
          const down = before.map((x) => x.slice());
          up[i]![j] = v + h;
          down[i]![j] = v - h;
          const numeric = (loss(up) - loss(down)) / (2 * h);
          worst = Math.max(worst, Math.abs(numeric - gradients[i]![j]!));
        }),
      );
      expect(worst).toBeLessThan(1e-3);
      step!.dispose();
      built.model.dispose();
    },
  );

  it('leaves the CPU backend to the general path (it promises plain JavaScript)', async () => {
    const { tf: cpu } = await selectBackend('cpu');
    try {
      const c = cases[0]!.config;
      const built = buildModel(cpu, c.model, { d: 5, classes: 2 }, 1);
      expect(createDenseStep({ tf: cpu, built, config: c, maxRows: 8, random: mulberry32(1) })).toBeNull();
      built.model.dispose();
    } finally {
      await selectBackend('wasm');
    }
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await train(cases[0]!, 'dense');
    expect(tf.memory().numTensors).toBe(before);
  });
});
