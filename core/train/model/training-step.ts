/**
 * One training step, as `fitModel` drives it: a batch in, the weights updated. Two kinds:
 * `autodiff-step.ts` (tfjs gradients and optimisers, any model on any backend) and
 * `dense-step.ts` (a hand-written backward pass for plain dense stacks on wasm).
 */

/** One batch, as contiguous rows of the epoch's shuffled copy. */
export interface Batch {
  /** rows × d input values. */
  readonly x: Float32Array;
  /** rows × width targets as the loss wants them (`targetRows`). */
  readonly y: Float32Array;
  /** Each row's class weight, or null when every class weighs 1. */
  readonly w: Float32Array | null;
  readonly rows: number;
}

/** The training loss and score summed over an epoch's batches. */
export interface EpochTotals {
  /** Σ over batches of (mean batch loss + penalties) × rows. */
  readonly loss: number;
  /** Correct predictions (classification) or the sum of squared errors (regression). */
  readonly score: number;
}

export interface TrainingStep {
  /** Trains on one batch: forward, backward, one optimiser update. */
  run(batch: Batch): void;
  /** The totals since the last call (or the start), and starts counting afresh. */
  takeEpochTotals(): Promise<EpochTotals>;
  /** Makes the model's variables hold the trained weights, before it is validated or returned. */
  syncModel(): void;
  /** Frees the step's tensors and optimiser state (not the model). */
  dispose(): void;
}
