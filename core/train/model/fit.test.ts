import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError } from '../../contract/errors.js';
import type { BackendName } from '../../contract/training.js';
import { predictProbabilities } from './artifact.js';
import { selectBackend } from './backend.js';
import { fitModel } from './fit.js';
import { blobs, config, images, linearRegression, metricsOnly, noise, separableBinary } from './test-data.js';
import type { Tf } from './tf-types.js';

describe.each<BackendName>(['wasm', 'cpu'])('fitModel on %s', (backend) => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await selectBackend(backend));
  });
  afterAll(() => {
    expect(tf.getBackend()).toBe(backend);
  });

  it('learns a separable binary problem to ~100 % validation accuracy, with AUC', async () => {
    const data = separableBinary();
    const { model, epochs } = await fitModel({
      tf,
      data,
      config: config({ model: { kind: 'linear' }, epochs: 30 }),
    });
    const last = epochs[epochs.length - 1]!;
    expect(Object.keys(last.metrics).sort()).toEqual([
      'accuracy',
      'loss',
      'val_accuracy',
      'val_auc',
      'val_loss',
    ]);
    expect(last.metrics['val_accuracy']).toBeGreaterThanOrEqual(0.98);
    expect(last.metrics['val_auc']).toBeGreaterThanOrEqual(0.99);
    expect(last.metrics['loss']!).toBeLessThan(epochs[0]!.metrics['loss']!);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    model.dispose();
  });

  it('learns three classes with an MLP (softmax, dropout, batch norm, l2)', async () => {
    const data = blobs();
    const { model, epochs } = await fitModel({
      tf,
      data,
      config: config({
        task: 'multiclass',
        model: { kind: 'mlp', layers: [16], dropout: 0.1, batchNorm: true, l2: 0.001 },
        epochs: 25,
      }),
    });
    expect(epochs[epochs.length - 1]!.metrics['val_accuracy']).toBeGreaterThanOrEqual(0.95);
    const p = predictProbabilities(tf, model, data.xVal, data.nVal, data.d);
    expect(p.length).toBe(data.nVal * 3);
    for (let i = 0; i < data.nVal; i++) expect(p[i * 3]! + p[i * 3 + 1]! + p[i * 3 + 2]!).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('fits a linear regression with rmse', async () => {
    const { model, epochs } = await fitModel({
      tf,
      data: linearRegression(),
      config: config({
        task: 'regression',
        model: { kind: 'linear' },
        epochs: 60,
        optimizer: { kind: 'adam', learningRate: 0.05 },
      }),
    });
    const last = epochs[epochs.length - 1]!;
    expect(last.metrics['rmse']).toBeDefined();
    expect(last.metrics['val_rmse']).toBeLessThan(0.05);
    model.dispose();
  });

  it('trains a small CNN with flip and shift augmentation', async () => {
    const { model, epochs } = await fitModel({
      tf,
      data: images(),
      config: config({
        task: 'image_classification',
        model: {
          kind: 'cnn',
          imageSize: 8,
          channels: 1,
          filters: [4],
          dense: 8,
          dropout: 0.1,
          augmentation: { flipHorizontal: false, maxShiftPixels: 1 },
        },
        epochs: 15,
        batchSize: 16,
      }),
    });
    expect(epochs[epochs.length - 1]!.metrics['val_accuracy']).toBeGreaterThanOrEqual(0.9);
    model.dispose();
  });

  it('stops early on a rising validation loss and restores the best weights', async () => {
    const data = noise();
    const { model, epochs, stoppedEarly } = await fitModel({
      tf,
      data,
      config: config({
        model: { kind: 'mlp', layers: [64, 64] },
        optimizer: { kind: 'adam', learningRate: 0.01 },
        epochs: 60,
        earlyStopping: { metric: 'val_loss', patience: 3 },
      }),
    });
    expect(stoppedEarly).toBe(true);
    expect(epochs.length).toBeLessThan(60);
    const losses = epochs.map((e) => e.metrics['val_loss']!);
    const bestEpoch = losses.indexOf(Math.min(...losses));
    expect(epochs.length).toBe(bestEpoch + 1 + 3);
    // The returned model's validation log loss is the best epoch's, not the last one's.
    const p = predictProbabilities(tf, model, data.xVal, data.nVal, data.d);
    let logLoss = 0;
    for (let i = 0; i < data.nVal; i++) logLoss -= Math.log(Math.max(p[i * 2 + data.yVal[i]!]!, 1e-7));
    expect(logLoss / data.nVal).toBeCloseTo(losses[bestEpoch]!, 3);
    expect(logLoss / data.nVal).not.toBeCloseTo(losses[losses.length - 1]!, 3);
    model.dispose();
  });

  it('reproduces every metric with the same seed (shuffle, dropout, initial weights)', async () => {
    const data = separableBinary(300, 6, 9);
    const run = async (seed: number) => {
      const c = config({
        model: { kind: 'mlp', layers: [12, 8], dropout: 0.3 },
        epochs: 4,
        seed,
        classWeights: 'balanced',
      });
      const { model, epochs } = await fitModel({ tf, data, config: c });
      model.dispose();
      return metricsOnly(epochs);
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('reproduces every metric with the same seed on the dense step (plain MLP, Adam)', async () => {
    const data = separableBinary(300, 6, 9);
    const run = async (seed: number) => {
      const c = config({ model: { kind: 'mlp', layers: [12, 8], l2: 0.001 }, epochs: 4, seed });
      const { model, epochs } = await fitModel({ tf, data, config: c });
      model.dispose();
      return metricsOnly(epochs);
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it.each([
    ['autodiff', { kind: 'mlp', layers: [8], dropout: 0.2, batchNorm: true, l2: 0.01 }],
    ['dense', { kind: 'mlp', layers: [8], l2: 0.01 }],
  ] as const)('leaks no tensors through fit, predict and dispose (%s step)', async (_, model) => {
    const data = separableBinary(200, 4);
    const before = tf.memory().numTensors;
    const { model: trained } = await fitModel({
      tf,
      data,
      config: config({
        model: { ...model, layers: [...model.layers] },
        epochs: 3,
        earlyStopping: { metric: 'val_auc', patience: 5 },
        classWeights: { '0': 1, '1': 2 },
      }),
    });
    predictProbabilities(tf, trained, data.xVal, data.nVal, data.d);
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors through a CNN fit (its gradients on the wasm kernels)', async () => {
    const data = separableBinary(120, 64);
    const before = tf.memory().numTensors;
    const { model: trained } = await fitModel({
      tf,
      data,
      config: config({
        task: 'image_classification',
        model: { kind: 'cnn', imageSize: 8, channels: 1, filters: [2, 4], dense: 4, dropout: 0.25 },
        epochs: 2,
      }),
    });
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels between batches with CancelledError and cleans up', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const epochsSeen: number[] = [];
    const run = fitModel({
      tf,
      data: separableBinary(),
      config: config({ epochs: 50 }),
      signal: controller.signal,
      onEpoch: (e) => {
        epochsSeen.push(e.epoch);
        if (e.epoch === 1) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(epochsSeen).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad input with a message that says what is wrong', async () => {
    const data = separableBinary(40, 2);
    await expect(
      fitModel({ tf, data: { ...data, yTrain: data.yTrain.map(() => 3) }, config: config() }),
    ).rejects.toThrow(/not a class index from 0 to 1/);
    await expect(fitModel({ tf, data, config: config({ classWeights: { yes: 2 } }) })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(
      fitModel({ tf, data, config: config({ earlyStopping: { metric: 'val_rmse', patience: 2 } }) }),
    ).rejects.toThrow(/val_rmse is not available/);
  });
});
