import { describe, expect, it } from 'vitest';
import { TrainingConfig } from '../contract/index.js';
import { halvingRounds, proposeTrials } from './hyperparameter-search.js';

const base = TrainingConfig.parse({
  datasetVersionId: 'dsv_x',
  target: { column: 'y' },
  task: 'binary',
  epochs: 16,
});

describe('hyperparameter search', () => {
  it('draws the same trials for the same seed, within the space, log-uniform learning rates', () => {
    const search = {
      strategy: 'random' as const,
      trials: 20,
      metric: 'val_loss' as const,
      seed: 5,
      space: {
        learningRate: { min: 1e-4, max: 1e-1, log: true },
        batchSize: [32, 64],
        layers: [[8], [16, 16]],
      },
    };
    const a = proposeTrials(base, search);
    expect(proposeTrials(base, search)).toEqual(a);
    expect(proposeTrials(base, { ...search, seed: 6 })).not.toEqual(a);
    for (const trial of a) {
      expect(trial.optimizer.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(trial.optimizer.learningRate).toBeLessThanOrEqual(1e-1);
      expect([32, 64]).toContain(trial.batchSize);
      expect(trial.model.kind === 'mlp' ? [[8], [16, 16]] : []).toContainEqual(
        trial.model.kind === 'mlp' ? trial.model.layers : null,
      );
    }
    // Log-uniform: about half the draws fall below the geometric middle (1e-2.5).
    const below = a.filter((t) => t.optimizer.learningRate < 10 ** -2.5).length;
    expect(below).toBeGreaterThan(4);
    expect(below).toBeLessThan(16);
  });

  it('halves the candidates and doubles the epochs each round, ending at the full budget', () => {
    expect(halvingRounds(8, 16)).toEqual([
      { keep: 8, epochs: 4 },
      { keep: 4, epochs: 8 },
      { keep: 2, epochs: 16 },
    ]);
    expect(halvingRounds(2, 10)).toEqual([{ keep: 2, epochs: 10 }]);
    expect(halvingRounds(5, 3).at(-1)?.epochs).toBe(3);
  });
});
