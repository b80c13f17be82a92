/**
 * One training step of the benchmark MLP (30→64→64→1, Adam, batch 1024), profiled on each path
 * of `fitModel`: the autodiff step (tfjs gradients + `tf.train.adam`) and the dense step
 * (hand-written backward pass on Orchard's WebAssembly SIMD kernels + JS Adam). Prints, per
 * path, the step time (best and median of 15 runs of 20 steps: the machine is shared, the best is
 * the least disturbed) and one step's tfjs kernels from `tf.profile` (launches, time by kernel),
 * the rest of the step being JS (or, for the dense step, Orchard's kernels).
 *
 *   node --import tsx bench/train/profile-step.ts [wasm|cpu] [batch-norm]
 *
 * `batch-norm` profiles the same MLP with batch norm after each hidden layer.
 *
 * For a JS-level view add `--cpu-prof` to the node flags.
 */
import { readFileSync } from 'node:fs';
import { TrainingConfig } from '../../core/contract/training.js';
import { createAutodiffStep } from '../../core/train/model/autodiff-step.js';
import { selectBackend } from '../../core/train/model/backend.js';
import { buildModel } from '../../core/train/model/build.js';
import { createDenseStep } from '../../core/train/model/dense-step.js';
import { mulberry32 } from '../../core/train/model/prng.js';
import type { TrainingStep } from '../../core/train/model/training-step.js';
import { ensureTabular } from './synthetic-data.js';

const rows = 50_000;
const d = 30;
const batch = 1024;

async function main(): Promise<void> {
  const backend = process.argv[2] === 'cpu' ? 'cpu' : 'wasm';
  const batchNorm = process.argv[3] === 'batch-norm';
  const { tf } = await selectBackend(backend);
  const data = ensureTabular(rows, d);
  const bytes = readFileSync(data.path);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const x = all.subarray(0, rows * d);
  const y = all.subarray(rows * d, rows * d + rows);
  const config = TrainingConfig.parse({
    datasetVersionId: 'bench',
    target: { column: 'label' },
    task: 'binary',
    model: { kind: 'mlp', layers: [64, 64], activation: 'relu', batchNorm },
    optimizer: { kind: 'adam', learningRate: 0.001 },
    batchSize: batch,
    epochs: 1,
    seed: 42,
  });

  const paths: [string, (built: ReturnType<typeof buildModel>) => TrainingStep | null][] = [
    ['autodiff', (built) => createAutodiffStep({ tf, built, config, random: mulberry32(1) })],
    ['dense', (built) => createDenseStep({ tf, built, config, maxRows: batch, random: mulberry32(1) })],
  ];
  console.log(
    `backend ${tf.getBackend()}, MLP ${d}→64→64→1${batchNorm ? ' with batch norm' : ''}, batch ${batch}`,
  );
  for (const [name, create] of paths) {
    const built = buildModel(tf, config.model, { d, classes: 2 }, config.seed);
    const step = create(built);
    if (!step) {
      console.log(`\n${name}: not available here`);
      built.model.dispose();
      continue;
    }
    let next = 0;
    const run = () => {
      const start = next * batch;
      next = (next + 1) % Math.floor(rows / batch);
      step.run({
        x: x.subarray(start * d, (start + batch) * d),
        y: y.subarray(start, start + batch),
        w: null,
        rows: batch,
      });
    };
    for (let i = 0; i < 30; i++) run();
    const times: number[] = [];
    for (let r = 0; r < 15; r++) {
      const started = performance.now();
      for (let i = 0; i < 20; i++) run();
      await step.takeEpochTotals();
      times.push((performance.now() - started) / 20);
    }
    times.sort((a, b) => a - b);
    const profile = await tf.profile(() => run());
    const byKernel = new Map<string, { count: number; ms: number }>();
    for (const k of profile.kernels) {
      // `…__op` entries are op scopes around kernels listed separately; counting them would count twice.
      if (k.name.endsWith('__op')) continue;
      const entry = byKernel.get(k.name) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += k.kernelTimeMs as number;
      byKernel.set(k.name, entry);
    }
    const kernelMs = [...byKernel.values()].reduce((sum, k) => sum + k.ms, 0);
    if (byKernel.size === 0) {
      console.log(
        `\n${name}: ${times[0]!.toFixed(2)} ms/step best, ${times[7]!.toFixed(2)} median ` +
          `(${Math.round((batch / times[0]!) * 1000).toLocaleString('en')} samples/s at best); ` +
          "no tfjs kernels in a step (Orchard's WebAssembly SIMD kernels; profile with --cpu-prof)",
      );
      step.dispose();
      built.model.dispose();
      continue;
    }
    console.log(
      `\n${name}: ${times[0]!.toFixed(2)} ms/step best, ${times[7]!.toFixed(2)} median ` +
        `(${Math.round((batch / times[0]!) * 1000).toLocaleString('en')} samples/s at best); ` +
        `profiled step: ${[...byKernel.values()].reduce((n, k) => n + k.count, 0)} kernels, ${kernelMs.toFixed(2)} ms in kernels`,
    );
    for (const [kernel, { count, ms }] of [...byKernel.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 10)) {
      console.log(`  ${kernel.padEnd(20)} ${String(count).padStart(4)} × ${ms.toFixed(3).padStart(7)} ms`);
    }
    step.dispose();
    built.model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
