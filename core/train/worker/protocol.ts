import type {
  BackendChoice,
  EpochMetrics,
  RpcErrorShape,
  RunEnvironment,
  TrainingConfig,
} from '../../contract/index.js';

/** Arrays the worker trains on; their buffers are transferred, not copied. */
export interface TrainingArrays {
  readonly xTrain: Float32Array;
  readonly yTrain: Float32Array;
  readonly xVal: Float32Array;
  readonly yVal: Float32Array;
  readonly xTest: Float32Array;
  readonly nTrain: number;
  readonly nVal: number;
  readonly nTest: number;
  readonly d: number;
  /** Number of classes; null for regression. */
  readonly classes: number | null;
}

export type ToWorker =
  | { type: 'train'; config: TrainingConfig; arrays: TrainingArrays }
  | {
      type: 'predict';
      backend: TrainingConfig['backend'];
      network: Uint8Array;
      x: Float32Array;
      n: number;
      d: number;
    }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'backend'; backend: BackendChoice; environment: RunEnvironment }
  | { type: 'epoch'; epoch: EpochMetrics }
  | {
      type: 'trained';
      network: Uint8Array;
      testOutput: Float32Array;
      epochs: EpochMetrics[];
      stoppedEarly: boolean;
    }
  | { type: 'predicted'; output: Float32Array }
  | { type: 'error'; error: RpcErrorShape };
