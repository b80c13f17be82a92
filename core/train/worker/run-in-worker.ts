import { Worker } from 'node:worker_threads';
import { CancelledError, OrchardError } from '../../contract/index.js';
import type { BackendChoice, EpochMetrics, RunEnvironment, TrainingConfig } from '../../contract/index.js';
import type { FromWorker, ToWorker, TrainingArrays } from './protocol.js';

/**
 * Training and prediction run in a worker thread: tfjs (wasm or plain JS) keeps a thread busy, and the
 * engine's thread must keep answering the app. From sources (tsx, vitest) the worker loads through tsx.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./training-worker.js', import.meta.url));
  return new Worker(new URL('./dev-worker-bootstrap.mjs', import.meta.url), {
    workerData: { entry: new URL('./training-worker.ts', import.meta.url).href },
  });
}

/** Grace period for a cancelled worker to stop between batches before it is terminated. */
const cancelGraceMs = 2_000;

function converse<T>(
  message: ToWorker,
  transfer: ArrayBuffer[],
  signal: AbortSignal | undefined,
  onMessage: (message: FromWorker, settle: (value: T) => void) => void,
): Promise<T> {
  const worker = startWorker();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (error: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error) reject(error);
      else resolve(value as T);
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(() => finish(new CancelledError('The run was cancelled.')), cancelGraceMs);
    };
    if (signal?.aborted) return finish(new CancelledError('The run was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: FromWorker) => {
      if (reply.type === 'error')
        return finish(new OrchardError(reply.error.code, reply.error.message, reply.error.details));
      onMessage(reply, (value) => finish(undefined, value));
    });
    worker.on('error', (error) =>
      finish(new OrchardError('internal', `The training worker crashed: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      finish(new OrchardError('internal', `The training worker stopped unexpectedly (exit ${code}).`)),
    );
    worker.postMessage(message, transfer);
  });
}

export interface TrainedInWorker {
  readonly backend: BackendChoice;
  readonly environment: RunEnvironment;
  readonly network: Uint8Array;
  /** Test-split probabilities (n × classes) or predictions (n) for regression. */
  readonly testOutput: Float32Array;
  readonly epochs: EpochMetrics[];
  readonly stoppedEarly: boolean;
}

export function trainInWorker(
  config: TrainingConfig,
  arrays: TrainingArrays,
  hooks: {
    signal?: AbortSignal;
    onBackend?: (backend: BackendChoice, environment: RunEnvironment) => void;
    onEpoch?: (epoch: EpochMetrics) => void;
  } = {},
): Promise<TrainedInWorker> {
  let backend: { backend: BackendChoice; environment: RunEnvironment } | undefined;
  const transfer = [arrays.xTrain, arrays.yTrain, arrays.xVal, arrays.yVal, arrays.xTest].map(
    (a) => a.buffer as ArrayBuffer,
  );
  return converse<TrainedInWorker>(
    { type: 'train', config, arrays },
    [...new Set(transfer)],
    hooks.signal,
    (reply, settle) => {
      if (reply.type === 'backend') {
        backend = { backend: reply.backend, environment: reply.environment };
        hooks.onBackend?.(reply.backend, reply.environment);
      } else if (reply.type === 'epoch') {
        hooks.onEpoch?.(reply.epoch);
      } else if (reply.type === 'trained' && backend) {
        settle({
          ...backend,
          network: reply.network,
          testOutput: reply.testOutput,
          epochs: reply.epochs,
          stoppedEarly: reply.stoppedEarly,
        });
      }
    },
  );
}

export function predictInWorker(
  backendPreference: TrainingConfig['backend'],
  network: Uint8Array,
  x: Float32Array,
  n: number,
  d: number,
  signal?: AbortSignal,
): Promise<Float32Array> {
  return converse<Float32Array>(
    { type: 'predict', backend: backendPreference, network, x, n, d },
    [x.buffer as ArrayBuffer],
    signal,
    (reply, settle) => {
      if (reply.type === 'predicted') settle(reply.output);
    },
  );
}
