/**
 * The optimisers of `tf.train` (Adam, SGD, RMSProp) as one loop over a flat vector of every
 * trainable value, for the dense training step (`dense-step.ts`). tfjs runs an optimiser as a
 * chain of 8–12 kernels per variable per step; on wasm each launch costs more than the arithmetic
 * on a few thousand weights, so one JS pass is cheaper.
 *
 * The update rules are tfjs' own, term for term (see `adam_optimizer.ts`, `rmsprop_optimizer.ts`,
 * `sgd_optimizer.ts` in tfjs-core 4.22) — in particular Adam's epsilon is added to the square root
 * of the bias-corrected second moment, and the bias corrections use running powers of β₁, β₂
 * advanced after each step. `flat-optimizer.test.ts` checks them against `tf.train` step by step.
 */
import type { TrainingConfig } from '../../contract/training.js';

export interface FlatOptimizer {
  /** Updates `params` in place from `grads` (same length and order). */
  step(params: Float32Array, grads: Float32Array): void;
}

export interface FlatOptimizerOptions {
  readonly kind: TrainingConfig['optimizer']['kind'];
  readonly learningRate: number;
  /** Values per step; the optimiser's state is sized to it. */
  readonly size: number;
  /** The backend's epsilon (`tf.backend().epsilon()`), which tfjs uses when none is given. */
  readonly epsilon: number;
}

/** tfjs' defaults for `tf.train.adam` and `tf.train.rmsprop`. */
const adamBeta1 = 0.9;
const adamBeta2 = 0.999;
const rmspropDecay = 0.9;

export function createFlatOptimizer(options: FlatOptimizerOptions): FlatOptimizer {
  const { kind, learningRate, size, epsilon } = options;
  switch (kind) {
    case 'adam':
      return adam(learningRate, size, epsilon);
    case 'sgd':
      return {
        step(params, grads) {
          for (let i = 0; i < size; i++) params[i] = params[i]! - learningRate * grads[i]!;
        },
      };
    case 'rmsprop':
      return rmsprop(learningRate, size, epsilon);
  }
}

function adam(learningRate: number, size: number, epsilon: number): FlatOptimizer {
  const m = new Float32Array(size);
  const v = new Float32Array(size);
  // tfjs keeps β₁ᵗ and β₂ᵗ as float32 variables, starting at β (t = 1) and multiplied after a step.
  let accBeta1 = Math.fround(adamBeta1);
  let accBeta2 = Math.fround(adamBeta2);
  return {
    step(params, grads) {
      const correction1 = 1 - accBeta1;
      const correction2 = 1 - accBeta2;
      for (let i = 0; i < size; i++) {
        const g = grads[i]!;
        // Read back after storing so the update uses the float32 moments, as tfjs' does.
        m[i] = m[i]! * adamBeta1 + g * (1 - adamBeta1);
        v[i] = v[i]! * adamBeta2 + g * g * (1 - adamBeta2);
        const mi = m[i]!;
        const vi = v[i]!;
        params[i] =
          params[i]! - (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
      }
      accBeta1 = Math.fround(accBeta1 * adamBeta1);
      accBeta2 = Math.fround(accBeta2 * adamBeta2);
    },
  };
}

/** tfjs' RMSProp without momentum or centring (its defaults, and all `tf.train.rmsprop(lr)` sets). */
function rmsprop(learningRate: number, size: number, epsilon: number): FlatOptimizer {
  const meanSquare = new Float32Array(size);
  return {
    step(params, grads) {
      for (let i = 0; i < size; i++) {
        const g = grads[i]!;
        meanSquare[i] = meanSquare[i]! * rmspropDecay + g * g * (1 - rmspropDecay);
        params[i] = params[i]! - (g * learningRate) / Math.sqrt(meanSquare[i]! + epsilon);
      }
    },
  };
}
