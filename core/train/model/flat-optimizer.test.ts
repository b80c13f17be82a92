import type { Variable } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingConfig } from '../../contract/training.js';
import { selectBackend } from './backend.js';
import { createFlatOptimizer } from './flat-optimizer.js';
import { mulberry32 } from './prng.js';
import type { Tf } from './tf-types.js';

describe('flat optimisers', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await selectBackend('cpu'));
  });

  /**
   * Gradients over several orders of magnitude, zeros included: with |g| ~ 1e-6 Adam's update
   * depends on where epsilon (1e-7) goes, so a misplaced epsilon fails this.
   */
  function gradients(step: number, n: number): Float32Array {
    const random = mulberry32(100 + step);
    return new Float32Array(n).map((_, i) => {
      const scale = [1, 1e-2, 1e-4, 1e-6, 0][i % 5]!;
      return (random() * 2 - 1) * scale;
    });
  }

  it.each<TrainingConfig['optimizer']['kind']>(['adam', 'sgd', 'rmsprop'])(
    '%s updates a flat vector as tf.train does, step by step',
    (kind) => {
      const shapes = [[7, 3], [3], [3, 1]];
      const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
      const total = sizes.reduce((a, b) => a + b, 0);
      const random = mulberry32(9);
      const initial = new Float32Array(total).map(() => random() * 2 - 1);
      const learningRate = 0.01;
      const reference =
        kind === 'adam'
          ? tf.train.adam(learningRate)
          : kind === 'sgd'
            ? tf.train.sgd(learningRate)
            : tf.train.rmsprop(learningRate);
      let offset = 0;
      const variables = shapes.map((shape, i) => {
        const v = tf.variable(tf.tensor(initial.slice(offset, offset + sizes[i]!), shape)) as Variable;
        offset += sizes[i]!;
        return v;
      });
      const flat = initial.slice();
      const optimizer = createFlatOptimizer({
        kind,
        learningRate,
        size: total,
        epsilon: tf.backend().epsilon(),
      });

      for (let step = 0; step < 6; step++) {
        const g = gradients(step, total);
        let at = 0;
        const named = variables.map((v, i) => {
          const tensor = tf.tensor(g.slice(at, at + sizes[i]!), v.shape);
          at += sizes[i]!;
          return { name: v.name, tensor };
        });
        reference.applyGradients(named);
        for (const { tensor } of named) tensor.dispose();
        optimizer.step(flat, g);

        const expected = new Float32Array(total);
        let from = 0;
        for (const v of variables) {
          expected.set(v.dataSync(), from);
          from += v.size;
        }
        for (let i = 0; i < total; i++) {
          expect(Math.abs(flat[i]! - expected[i]!), `value ${i} after step ${step + 1}`).toBeLessThan(1e-6);
        }
      }
      reference.dispose();
      for (const v of variables) v.dispose();
    },
  );
});
