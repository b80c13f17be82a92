import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingConfig } from '../../contract/training.js';
import { createAutodiffStep } from './autodiff-step.js';
import { selectBackend } from './backend.js';
import { buildModel } from './build.js';
import { createDenseStep } from './dense-step.js';
import { mulberry32 } from './prng.js';
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
        ? createDenseStep({ tf, built, config: c.config, maxRows: rows })
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
    const configs = [
      config({ model: { kind: 'mlp', layers: [8], dropout: 0.2 } }),
      config({ model: { kind: 'mlp', layers: [8], batchNorm: true } }),
      config({ model: { kind: 'cnn', imageSize: 8, channels: 1, filters: [2], dense: 4 } }),
    ];
    for (const c of configs) {
      const built = buildModel(tf, c.model, shape, 1);
      expect(createDenseStep({ tf, built, config: c, maxRows: 8 })).toBeNull();
      built.model.dispose();
    }
  });

  it('leaves the CPU backend to the general path (it promises plain JavaScript)', async () => {
    const { tf: cpu } = await selectBackend('cpu');
    try {
      const c = cases[0]!.config;
      const built = buildModel(cpu, c.model, { d: 5, classes: 2 }, 1);
      expect(createDenseStep({ tf: cpu, built, config: c, maxRows: 8 })).toBeNull();
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
