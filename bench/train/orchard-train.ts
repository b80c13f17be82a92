/**
 * Orchard's side of the training benchmark, in its own process: `selectBackend` + `fitModel` on
 * the benchmark's data file, timed from the call to `fitModel` to its return (uploading the
 * rows, building the model and every epoch; module loading and backend start-up are not timed).
 *
 *   node --import tsx bench/train/orchard-train.ts <mlp|mlp-bn|cnn> <backend> <data.f32> <n> <d> <epochs> <batch>
 *
 * `mlp-bn` is the MLP with batch norm after each hidden layer (before its activation).
 */
import { readFileSync } from 'node:fs';
import { BackendName, TrainingConfig } from '../../core/contract/training.js';
import { fitModel } from '../../core/train/model/fit.js';
import { selectBackend } from '../../core/train/model/backend.js';
import { peakRssMb, reportResult } from '../lib/measure.js';

async function main(): Promise<void> {
  const [kind, backendArg, path, nArg, dArg, epochsArg, batchArg] = process.argv.slice(2);
  const n = Number(nArg);
  const d = Number(dArg);
  const epochs = Number(epochsArg);
  const batchSize = Number(batchArg);
  const backend = BackendName.parse(backendArg);
  const { tf, name, skipped } = await selectBackend(backend);

  const bytes = readFileSync(path!);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const xTrain = all.subarray(0, n * d);
  const yTrain = all.subarray(n * d, n * d + n);
  const config = TrainingConfig.parse({
    datasetVersionId: 'bench',
    target: { column: 'label' },
    task: kind === 'cnn' ? 'image_classification' : 'binary',
    model:
      kind === 'cnn'
        ? { kind: 'cnn', imageSize: 64, channels: 3, filters: [16, 32], dense: 64, dropout: 0.25 }
        : { kind: 'mlp', layers: [64, 64], activation: 'relu', batchNorm: kind === 'mlp-bn' },
    optimizer: { kind: 'adam', learningRate: 0.001 },
    batchSize,
    epochs,
    seed: 42,
    backend,
  });

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = await fitModel({
    tf,
    data: {
      xTrain,
      yTrain,
      xVal: new Float32Array(0),
      yVal: new Float32Array(0),
      nTrain: n,
      nVal: 0,
      d,
      classes: 2,
    },
    config,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const last = result.epochs[result.epochs.length - 1]!;
  result.model.dispose();
  reportResult({
    backend: name,
    skipped,
    seconds,
    samplesPerSecond: (n * epochs) / seconds,
    cpuSeconds,
    epochSamplesPerSecond: result.epochs.map((e) => e.samplesPerSecond),
    finalLoss: last.metrics['loss'] ?? null,
    finalAccuracy: last.metrics['accuracy'] ?? null,
    peakRssMb: peakRssMb(),
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error);
  reportResult({ error: message });
  process.exitCode = 1;
});
