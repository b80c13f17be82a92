import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import { loadModel, predictProbabilities, serializeModel } from './artifact.js';
import { selectBackend } from './backend.js';
import { fitModel } from './fit.js';
import { blobs, config, linearRegression, separableBinary } from './test-data.js';
import type { Tf } from './tf-types.js';

describe('model artifacts', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await selectBackend('wasm'));
  });

  it.each([
    [
      'binary MLP',
      separableBinary(),
      config({ model: { kind: 'mlp', layers: [8], batchNorm: true, dropout: 0.2 }, epochs: 3 }),
      2,
    ],
    [
      'multiclass',
      blobs(),
      config({ task: 'multiclass', model: { kind: 'mlp', layers: [8] }, epochs: 3 }),
      3,
    ],
    [
      'regression',
      linearRegression(),
      config({ task: 'regression', model: { kind: 'linear' }, epochs: 3 }),
      1,
    ],
  ] as const)('%s: serialize → load gives identical predictions', async (_, data, c, width) => {
    const { model } = await fitModel({ tf, data, config: c });
    const before = predictProbabilities(tf, model, data.xVal, data.nVal, data.d);
    expect(before.length).toBe(data.nVal * width);
    const bytes = await serializeModel(model);
    model.dispose();
    const loaded = await loadModel(tf, bytes);
    expect(predictProbabilities(tf, loaded, data.xVal, data.nVal, data.d)).toEqual(before);
    // Serialising the loaded model gives the same bytes.
    expect(await serializeModel(loaded)).toEqual(bytes);
    loaded.dispose();
  });

  it('gives binary probabilities as n × 2 rows summing to one, in batches, without leaks', async () => {
    const data = separableBinary();
    const { model } = await fitModel({ tf, data, config: config({ epochs: 2 }) });
    const before = tf.memory().numTensors;
    const rows = 5000;
    const x = new Float32Array(rows * data.d).map((_, i) => Math.sin(i));
    const p = predictProbabilities(tf, model, x, rows, data.d);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.length).toBe(rows * 2);
    for (let i = 0; i < rows; i += 97) expect(p[i * 2]! + p[i * 2 + 1]!).toBeCloseTo(1, 6);
    expect(() => predictProbabilities(tf, model, x, rows, data.d + 1)).toThrow(InvalidInputError);
    model.dispose();
  });

  it('refuses bytes that are not an artifact', async () => {
    await expect(loadModel(tf, new TextEncoder().encode('not a model at all'))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});
