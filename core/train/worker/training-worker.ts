import { parentPort } from 'node:worker_threads';
import { CancelledError, toErrorShape } from '../../contract/index.js';
import {
  describeEnvironment,
  fitModel,
  loadModel,
  predictProbabilities,
  selectBackend,
  serializeModel,
} from '../model/index.js';
import type { FromWorker, ToWorker } from './protocol.js';

/**
 * The training worker: one conversation per thread. It picks the backend, trains (epochs stream back),
 * predicts the test split, and answers with the serialised network; or it loads a network and predicts.
 */
const port = parentPort;
if (!port) throw new Error('training-worker must run in a worker thread');

const cancel = new AbortController();
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancel.abort();
    return;
  }
  void handle(message).catch((error: unknown) => {
    const shape = cancel.signal.aborted
      ? new CancelledError('The run was cancelled.').toShape()
      : toErrorShape(error);
    send({ type: 'error', error: shape });
  });
});

async function handle(message: Exclude<ToWorker, { type: 'cancel' }>): Promise<void> {
  if (message.type === 'train') {
    const { config, arrays } = message;
    const { tf, name, skipped } = await selectBackend(config.backend);
    send({ type: 'backend', backend: { name, skipped }, environment: describeEnvironment(tf) });
    const { model, epochs, stoppedEarly } = await fitModel({
      tf,
      data: arrays,
      config,
      signal: cancel.signal,
      onEpoch: (epoch) => send({ type: 'epoch', epoch }),
    });
    try {
      const testOutput = predictProbabilities(tf, model, arrays.xTest, arrays.nTest, arrays.d);
      const network = await serializeModel(model);
      send({ type: 'trained', network, testOutput, epochs, stoppedEarly }, [
        testOutput.buffer as ArrayBuffer,
      ]);
    } finally {
      model.dispose();
    }
    return;
  }
  const { tf } = await selectBackend(message.backend);
  const model = await loadModel(tf, message.network);
  try {
    const output = predictProbabilities(tf, model, message.x, message.n, message.d);
    send({ type: 'predicted', output }, [output.buffer as ArrayBuffer]);
  } finally {
    model.dispose();
  }
}
