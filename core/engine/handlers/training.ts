import { InvalidInputError } from '../../contract/index.js';
import type { Run, TrainingConfig } from '../../contract/index.js';
import { backendCandidates } from '../../train/model/backend.js';
import {
  attachRunJob,
  createRun,
  finishRun,
  getDataset,
  getModelVersion,
  getRun,
  getVersion,
  listModelVersions,
  listRuns,
} from '../../registry/index.js';
import { finalMetric, trainRun } from '../training-runs.js';
import { halvingRounds, isLowerBetter, proposeTrials } from '../hyperparameter-search.js';
import { predictFile } from '../predict-file.js';
import type { EngineParts, HandlerMap } from '../parts.js';
import { trainingLabels } from '../training-source.js';
import { checkTrainingGate } from '../validation-runs.js';

type TrainingMethods =
  | 'training.backends'
  | 'runs.start'
  | 'runs.search'
  | 'runs.list'
  | 'runs.get'
  | 'models.list'
  | 'models.get'
  | 'models.predictFile';

export function trainingHandlers(parts: EngineParts): HandlerMap<TrainingMethods> {
  /** The version to train on, after the validation gate let it through. */
  async function admit(config: TrainingConfig, gateOverride: { reason: string } | undefined) {
    const version = getVersion(parts.db, config.datasetVersionId);
    const isImages = version.source.format === 'images';
    if (config.task === 'image_classification' && !isImages) {
      throw new InvalidInputError(
        `Image classification needs an image dataset, and ${config.datasetVersionId} is a table. ` +
          'Import a folder of images, or train this table with task binary, multiclass or regression.',
      );
    }
    if (config.task !== 'image_classification' && config.model.kind === 'cnn') {
      throw new InvalidInputError(
        'A CNN learns from images; use task image_classification, or a linear or MLP model.',
      );
    }
    const labels = trainingLabels(parts, config, version);
    if (!labels && !version.columns.some((c) => c.name === config.target.column)) {
      throw new InvalidInputError(
        `The target column \`${config.target.column}\` is not in ${config.datasetVersionId}; its columns are ${version.columns.map((c) => c.name).join(', ')}.`,
      );
    }
    await checkTrainingGate(parts, version.id, gateOverride);
    const dataset = getDataset(parts.db, version.datasetId);
    return {
      version,
      projectId: dataset.projectId,
      datasetName: dataset.name,
      labelVersion: labels?.labelVersion,
    };
  }

  return {
    'training.backends': async () => {
      const candidates = [...(await backendCandidates())];
      const auto = candidates.find((c) => c.available)?.name ?? 'cpu';
      return { auto, candidates };
    },
    'runs.start': async ({ config, gateOverride }) => {
      const { version, projectId, datasetName, labelVersion } = await admit(config, gateOverride);
      const run = createRun(parts.db, {
        projectId,
        name: config.name ?? `${datasetName} v${version.number} → ${config.target.column}`,
        config,
        datasetVersionId: version.id,
        datasetSnapshotSha256: version.snapshotSha256,
        labelVersion,
        actor: parts.actor,
      });
      const job = parts.jobs.start('runs.start', { runId: run.id }, async (job) => {
        const { model } = await trainRun(parts, run, version, job);
        return {
          result: { runId: run.id, modelVersionId: model.id },
          message: `Trained ${model.name} v${model.number}.`,
        };
      });
      attachRunJob(parts.db, run.id, job.id);
      return { runId: run.id, jobId: job.id };
    },
    'runs.search': async ({ config, search, gateOverride }) => {
      const { version, projectId, datasetName, labelVersion } = await admit(config, gateOverride);
      const parent = createRun(parts.db, {
        projectId,
        name: `${config.name ?? `${datasetName} → ${config.target.column}`} (${search.strategy.replace('_', ' ')} search)`,
        config,
        datasetVersionId: version.id,
        datasetSnapshotSha256: version.snapshotSha256,
        labelVersion,
        actor: parts.actor,
      });
      const job = parts.jobs.start('runs.search', { runId: parent.id }, async (job) => {
        const lower = isLowerBetter(search.metric);
        let candidates = proposeTrials(config, search).map((trial) => ({
          trial,
          score: null as number | null,
          run: null as Run | null,
        }));
        const rounds =
          search.strategy === 'random'
            ? [{ keep: candidates.length, epochs: config.epochs }]
            : halvingRounds(candidates.length, config.epochs);
        let step = 0;
        const steps = rounds.reduce((s, r) => s + r.keep, 0);
        try {
          for (const round of rounds) {
            candidates = candidates.slice(0, round.keep);
            for (const candidate of candidates) {
              const trialConfig: TrainingConfig = { ...candidate.trial, epochs: round.epochs };
              const child = createRun(parts.db, {
                projectId,
                parentRunId: parent.id,
                name: `${candidate.trial.name ?? 'trial'} (${round.epochs} epochs)`,
                config: trialConfig,
                datasetVersionId: version.id,
                datasetSnapshotSha256: version.snapshotSha256,
                labelVersion,
                actor: parts.actor,
              });
              attachRunJob(parts.db, child.id, job.jobId);
              const { run } = await trainRun(parts, child, version, job, {
                from: step / steps,
                to: (step + 1) / steps,
              });
              step += 1;
              candidate.run = run;
              candidate.score = finalMetric(run.epochs, search.metric);
            }
            candidates.sort((a, b) => {
              if (a.score === null) return 1;
              if (b.score === null) return -1;
              return lower ? a.score - b.score : b.score - a.score;
            });
          }
          const best = candidates[0];
          const summary: Record<string, number> = { trials: step };
          if (best?.score !== null && best?.score !== undefined)
            summary[`best_${search.metric}`] = best.score;
          finishRun(parts.db, parent.id, { status: 'succeeded', summary });
          return {
            result: {
              runId: parent.id,
              bestRunId: best?.run?.id ?? null,
              bestModelVersionId: best?.run?.modelVersionId ?? null,
            },
            message: `Search done: ${step} trials; best ${search.metric} ${best?.score?.toPrecision(4) ?? 'n/a'}.`,
          };
        } catch (error) {
          finishRun(parts.db, parent.id, {
            status: job.signal.aborted ? 'cancelled' : 'failed',
            error: error instanceof Error ? error.message : String(error),
          });
          throw error;
        }
      });
      attachRunJob(parts.db, parent.id, job.id);
      return { runId: parent.id, jobId: job.id };
    },
    'runs.list': ({ projectId, parentRunId }) => listRuns(parts.db, projectId, parentRunId),
    'runs.get': ({ runId }) => getRun(parts.db, runId),
    'models.list': ({ projectId }) => listModelVersions(parts.db, projectId),
    'models.get': ({ modelVersionId }) => getModelVersion(parts.db, modelVersionId),
    'models.predictFile': ({ modelVersionId, path, outputPath }, context) => {
      const model = getModelVersion(parts.db, modelVersionId);
      const source = context.paths.check(path);
      const target = context.mode === 'in-process' ? outputPath : context.paths.check(outputPath);
      const job = parts.jobs.start(
        'models.predictFile',
        { modelVersionId, path: source, outputPath: target },
        (job) => predictFile(parts, model, source, target, job),
      );
      return { jobId: job.id };
    },
  };
}
