import { writeFile } from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { CancelledError, InvalidInputError, toErrorShape } from '../contract/index.js';
import type {
  DatasetVersion,
  Evaluation,
  Metrics,
  ModelVersion,
  Run,
  TrainingConfig,
} from '../contract/index.js';
import { evaluate } from '../evaluate/evaluate.js';
import {
  appendRunEpoch,
  finishRun,
  getRun,
  markRunRunning,
  registerModelVersion,
} from '../registry/index.js';
import { packArtifact } from '../train/artifact.js';
import { prepareTrainingData } from '../train/data/index.js';
import type { PreparedData, SplitData } from '../train/data/index.js';
import { trainInWorker } from '../train/worker/run-in-worker.js';
import { prepareImageData } from '../train/data/image-data.js';
import { isImagePipeline } from '../train/data/pipeline.js';
import { trainingLabels } from './training-source.js';
import type { TrainedInWorker } from '../train/worker/run-in-worker.js';
import type { TrainingArrays } from '../train/worker/protocol.js';
import type { JobContext } from './job-runner.js';
import type { EngineParts } from './parts.js';

/** The headline numbers of an evaluation, for sorting and comparing runs. */
export function summarise(metrics: Metrics): Record<string, number> {
  if (metrics.kind === 'regression')
    return { test_mae: metrics.mae, test_rmse: metrics.rmse, test_r2: metrics.r2 };
  const summary: Record<string, number> = {
    test_accuracy: metrics.accuracy,
    test_balanced_accuracy: metrics.balancedAccuracy,
    test_f1_macro: metrics.macro.f1,
    test_log_loss: metrics.logLoss,
    test_ece: metrics.calibration.ece,
  };
  if (metrics.rocAuc !== null) summary['test_auc'] = metrics.rocAuc;
  if (metrics.prAuc !== null) summary['test_pr_auc'] = metrics.prAuc;
  return summary;
}

function gatherRows(source: Float32Array, d: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(source.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
  return out;
}

function gatherValues(source: Float32Array, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = source[rows[i]!]!;
  return out;
}

function concatSplits(a: SplitData, b: SplitData): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Float32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  return { x, y };
}

/** The arrays of one fit: the holdout split, or fold `k` of the non-test rows. */
function arraysFor(data: PreparedData, fold: number | null): TrainingArrays {
  const { train, validation, test } = data.splits;
  const classes = data.labels ? data.labels.length : null;
  const d = train.d;
  if (fold === null || !data.folds) {
    return {
      xTrain: train.x.slice(),
      yTrain: train.y.slice(),
      xVal: validation.x.slice(),
      yVal: validation.y.slice(),
      xTest: test.x.slice(),
      nTrain: train.n,
      nVal: validation.n,
      nTest: test.n,
      d,
      classes,
    };
  }
  const pool = concatSplits(train, validation);
  const { train: trainRows, validation: valRows } = data.folds[fold]!;
  return {
    xTrain: gatherRows(pool.x, d, trainRows),
    yTrain: gatherValues(pool.y, trainRows),
    xVal: gatherRows(pool.x, d, valRows),
    yVal: gatherValues(pool.y, valRows),
    xTest: test.x.slice(),
    nTrain: trainRows.length,
    nVal: valRows.length,
    nTest: test.n,
    d,
    classes,
  };
}

function evaluationOf(data: PreparedData, trained: TrainedInWorker): Evaluation {
  const test = data.splits.test;
  if (data.task === 'regression') {
    return evaluate({
      task: 'regression',
      labels: null,
      yTrue: test.y,
      predictions: trained.testOutput,
      slices: data.testSlices,
    });
  }
  return evaluate({
    task: data.task,
    labels: data.labels ?? [],
    yTrue: test.y,
    probabilities: trained.testOutput,
    slices: data.testSlices,
  });
}

const validationMetricLowerIsBetter = (metric: string) => metric.endsWith('loss') || metric.endsWith('rmse');

/** The last epoch's value of `metric`, or the best one when early stopping restored the best weights. */
export function finalMetric(epochs: TrainedInWorker['epochs'], metric: string): number | null {
  const values = epochs
    .map((e) => e.metrics[metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return null;
  return validationMetricLowerIsBetter(metric) ? Math.min(...values) : Math.max(...values);
}

/**
 * One run from config to model version: prepare the data with DuckDB (pipeline fitted on the train
 * split), train in a worker thread (epochs recorded and pushed live), evaluate on the test split,
 * store the artifact (network + pipeline) in the object store, then register the model and finish
 * the run in one transaction. k-fold trains one model per fold, reports the folds' mean and spread,
 * and keeps the fold model that did best on its validation fold.
 */
export async function trainRun(
  parts: EngineParts,
  run: Run,
  version: DatasetVersion,
  job: JobContext,
  share: { from: number; to: number } = { from: 0, to: 1 },
): Promise<{ run: Run; model: ModelVersion }> {
  const config: TrainingConfig = run.config;
  const at = (fraction: number) => share.from + (share.to - share.from) * fraction;
  try {
    job.progress(at(0.01), `Preparing ${version.rowCount.toLocaleString('en-US')} rows`);
    const labels = trainingLabels(parts, config, version)?.column;
    const parquetPath = parts.store.pathOf(version.snapshotSha256);
    const data: PreparedData =
      config.task === 'image_classification'
        ? await prepareImageData({
            db: parts.duck,
            parquetPath,
            columns: version.columns,
            config,
            labels,
            imagePath: (sha256) => parts.store.pathOf(sha256),
            signal: job.signal,
            onProgress: (f) => job.progress(at(0.01 + 0.04 * f), 'Decoding images'),
          })
        : await prepareTrainingData({
            db: parts.duck,
            parquetPath,
            columns: version.columns,
            config,
            labels,
            signal: job.signal,
          });
    if (data.splits.train.n === 0 || data.splits.test.n === 0) {
      throw new InvalidInputError('Too few rows to train and test: each split needs at least one row.');
    }
    const folds = data.folds ? data.folds.map((_, k) => k) : [null];
    const outcomes: { trained: TrainedInWorker; foldMetric: number | null }[] = [];
    const metricName = config.earlyStopping?.metric ?? 'val_loss';
    for (const [index, fold] of folds.entries()) {
      let epochBase = index * config.epochs;
      const trained = await trainInWorker(config, arraysFor(data, fold), {
        signal: job.signal,
        onBackend: (backend, environment) => markRunRunning(parts.db, run.id, backend, environment),
        onEpoch: (epoch) => {
          const numbered = { ...epoch, epoch: epochBase + epoch.epoch };
          appendRunEpoch(parts.db, run.id, numbered);
          parts.emit('run.epoch', { runId: run.id, epoch: numbered });
          const done = (index + (epoch.epoch + 1) / config.epochs) / folds.length;
          job.progress(
            at(0.05 + 0.85 * done),
            `Epoch ${epoch.epoch + 1} of ${config.epochs}${fold === null ? '' : `, fold ${index + 1} of ${folds.length}`}`,
          );
        },
      });
      epochBase += trained.epochs.length;
      outcomes.push({ trained, foldMetric: finalMetric(trained.epochs, metricName) });
    }
    const lowerIsBetter = validationMetricLowerIsBetter(metricName);
    const best = outcomes.reduce((a, b) => {
      if (a.foldMetric === null) return b;
      if (b.foldMetric === null) return a;
      return (lowerIsBetter ? b.foldMetric < a.foldMetric : b.foldMetric > a.foldMetric) ? b : a;
    });
    job.progress(at(0.92), 'Evaluating on the test split');
    const evaluation = evaluationOf(data, best.trained);
    const summary = summarise(evaluation.overall);
    if (outcomes.length > 1) {
      const values = outcomes.map((o) => o.foldMetric).filter((v): v is number => v !== null);
      const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
      summary[`cv_${metricName}_mean`] = mean;
      summary[`cv_${metricName}_std`] = std;
    }
    job.progress(at(0.96), 'Saving the model');
    const staged = parts.store.stagingPath('.orchard-model');
    try {
      await writeFile(
        staged,
        packArtifact(
          {
            format: 'orchard-model/1',
            task: config.task,
            target: config.target.column,
            labels: data.labels,
            featureNames: data.featureNames,
            pipeline: data.pipeline,
          },
          best.trained.network,
        ),
      );
      const stored = await parts.store.commit(staged);
      const inputs = isImagePipeline(data.pipeline)
        ? [{ name: data.pipeline.column, type: 'text' as const }]
        : data.pipeline.steps.map((step) => ({ name: step.column, type: step.type }));
      const model = registerModelVersion(parts.db, {
        runId: run.id,
        name: config.name ?? `${config.target.column} ${config.model.kind}`,
        task: config.task,
        artifact: { sha256: stored.sha256, sizeBytes: stored.sizeBytes },
        signature: { inputs, output: { target: config.target.column, labels: data.labels } },
        evaluation,
        summary,
        actor: parts.actor,
      });
      return { run: getRun(parts.db, run.id), model };
    } finally {
      await rm(staged, { force: true });
    }
  } catch (error) {
    const cancelled = job.signal.aborted || error instanceof CancelledError;
    finishRun(parts.db, run.id, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? 'Cancelled.' : toErrorShape(error).message,
    });
    throw error;
  }
}
