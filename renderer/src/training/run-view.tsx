import { useEffect, useMemo } from 'react';
import type { EpochMetrics, Run, TrainingConfig } from '../../../core/contract/training.js';
import { formatCount, formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';
import { EpochCharts } from './epoch-charts.js';
import { EvaluationView } from './evaluation-view.js';
import { useLabelOrigin } from './label-source.js';
import { SearchTrials } from './search-trials.js';
import { describeModel, formatSeconds, isActive, mergedEpochs } from './run-format.js';
import { useVersionLabel } from './version-label.js';

const noEpochs: readonly EpochMetrics[] = [];
const noTrials: readonly Run[] = [];

export function RunStatus({ status }: { status: Run['status'] }) {
  const tone =
    status === 'succeeded'
      ? 'status-passed'
      : status === 'failed' || status === 'interrupted'
        ? 'status-failed'
        : 'status-warning';
  return (
    <span className={`status-pill ${tone}`} data-testid="run-status" data-status={status}>
      {status}
    </span>
  );
}

function Throughput({ epochs }: { epochs: readonly EpochMetrics[] }) {
  const last = epochs.at(-1);
  const meanSeconds = epochs.reduce((sum, epoch) => sum + epoch.seconds, 0) / Math.max(1, epochs.length);
  return (
    <dl className="run-stats">
      <div>
        <dt>Epochs done</dt>
        <dd data-testid="run-epoch-count">{epochs.length}</dd>
      </div>
      <div>
        <dt>Time per epoch</dt>
        <dd data-testid="run-epoch-seconds">
          {last ? `${formatSeconds(last.seconds)} (mean ${formatSeconds(meanSeconds)})` : '—'}
        </dd>
      </div>
      <div>
        <dt>Samples/s</dt>
        <dd data-testid="run-samples-per-second">
          {last ? formatCount(Math.round(last.samplesPerSecond)) : '—'}
        </dd>
      </div>
    </dl>
  );
}

/** What the run predicts and where that came from: a column, or a label set's frozen version. */
function RunTarget({ config }: { config: TrainingConfig }) {
  const labelVersionId = config.target.labelVersionId;
  const origin = useLabelOrigin(labelVersionId);
  return (
    <span
      data-testid="run-target"
      data-source={labelVersionId === undefined ? 'column' : 'labels'}
      data-column={config.target.column}
    >
      target <strong>{config.target.column}</strong>
      {labelVersionId !== undefined && (
        <>
          {' '}
          from labels{' '}
          <strong data-testid="run-label-source">
            {origin ? `${origin.setName} v${origin.number}` : labelVersionId.slice(0, 8)}
          </strong>
        </>
      )}{' '}
      ({config.task.replace('_', ' ')})
    </span>
  );
}

/** One run: live curves while it trains, then its model version's test evaluation. */
export function RunView({ runId }: { runId: string }) {
  const run = useApp((state) => state.runs[runId]);
  const live = useApp((state) => state.liveEpochs[runId] ?? noEpochs);
  const trials = useApp((state) => state.trialsByParent[runId] ?? noTrials);
  const model = useApp((state) => (run?.modelVersionId ? state.models[run.modelVersionId] : undefined));
  const loadRun = useApp((state) => state.loadRun);
  const loadTrials = useApp((state) => state.loadTrials);
  const loadModel = useApp((state) => state.loadModel);
  const cancelRun = useApp((state) => state.cancelRun);
  const showPage = useApp((state) => state.showPage);
  const versionLabel = useVersionLabel(run?.datasetVersionId ?? '');
  const epochs = useMemo(() => mergedEpochs(run, live), [run, live]);

  useEffect(() => {
    void loadRun(runId);
    void loadTrials(runId);
  }, [runId, loadRun, loadTrials]);
  const modelVersionId = run?.modelVersionId ?? null;
  useEffect(() => {
    if (modelVersionId !== null && !model) void loadModel(modelVersionId);
  }, [modelVersionId, model, loadModel]);

  if (!run) return <p className="muted training-page">Loading the run…</p>;
  const active = isActive(run);

  return (
    <div
      className="training-page run-view"
      data-testid="run-view"
      data-run-id={run.id}
      data-status={run.status}
    >
      <header className="training-header">
        <div>
          <h1 className="dataset-title">
            <span data-testid="run-name">{run.name}</span> <RunStatus status={run.status} />
          </h1>
          <p className="version-meta">
            <span>{versionLabel}</span>
            <span aria-hidden="true"> · </span>
            <span>{describeModel(run.config)}</span>
            <span aria-hidden="true"> · </span>
            <RunTarget config={run.config} />
            {run.config.model.kind === 'cnn' && (
              <>
                <span aria-hidden="true"> · </span>
                <span data-testid="run-image-size" data-size={run.config.model.imageSize}>
                  images {run.config.model.imageSize}×{run.config.model.imageSize}
                  {run.config.model.channels === 1 ? ', grey' : ''}
                </span>
              </>
            )}
            <span aria-hidden="true"> · </span>
            <span>
              lr {formatNumber(run.config.optimizer.learningRate)}, batch {run.config.batchSize},{' '}
              {run.config.epochs} epochs
            </span>
          </p>
          <p className="version-meta" data-testid="run-backend" data-backend={run.backend?.name ?? ''}>
            {run.backend ? (
              <>
                Backend <strong>{run.backend.name}</strong>
                {run.backend.skipped.length > 0 && (
                  <span className="muted"> — not used: {run.backend.skipped.join('; ')}</span>
                )}
              </>
            ) : (
              <span className="muted">Backend chosen when training starts ({run.config.backend}).</span>
            )}
          </p>
        </div>
        <div className="button-row">
          {active && run.jobId !== null && (
            <button type="button" data-testid="cancel-run" onClick={() => void cancelRun(run)}>
              Cancel
            </button>
          )}
          <button
            type="button"
            data-testid="train-again"
            onClick={() => showPage({ kind: 'train', versionId: run.datasetVersionId, fromRunId: run.id })}
          >
            Train again with changes
          </button>
        </div>
      </header>
      {run.error !== null && (
        <p className="error-message run-error" data-testid="run-error">
          {run.error}
        </p>
      )}
      <Throughput epochs={epochs} />
      {epochs.length > 0 ? (
        <EpochCharts epochs={epochs} />
      ) : (
        trials.length === 0 && (
          <p className="muted" data-testid="run-waiting">
            {active ? 'Waiting for the first epoch…' : 'This run recorded no epochs.'}
          </p>
        )
      )}
      {trials.length > 0 && <SearchTrials parent={run} trials={trials} />}
      {modelVersionId !== null && (
        <section className="model-section" data-testid="run-model" data-model-version-id={modelVersionId}>
          <h2>
            Model version{' '}
            {model ? (
              <button
                type="button"
                className="link-button"
                data-testid="open-model"
                onClick={() => showPage({ kind: 'model', modelVersionId })}
              >
                {model.name} v{model.number}
              </button>
            ) : (
              '…'
            )}
          </h2>
          {model && <EvaluationView evaluation={model.evaluation} />}
        </section>
      )}
    </div>
  );
}
