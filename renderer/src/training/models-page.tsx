import { useEffect } from 'react';
import type { ModelVersion } from '../../../core/contract/training.js';
import { formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';
import { EvaluationView } from './evaluation-view.js';

const noModels: readonly ModelVersion[] = [];

/** The headline test number of a model: ROC AUC (or accuracy) for classifiers, RMSE for regression. */
function headline(model: ModelVersion): { name: string; value: number | null } {
  const overall = model.evaluation.overall;
  if (overall.kind === 'regression') return { name: 'RMSE', value: overall.rmse };
  return overall.rocAuc !== null
    ? { name: 'ROC AUC', value: overall.rocAuc }
    : { name: 'accuracy', value: overall.accuracy };
}

/** Model versions of the project, newest first. */
export function ModelsPage({ projectId }: { projectId: string }) {
  const models = useApp((state) => state.modelsByProject[projectId] ?? noModels);
  const loadModels = useApp((state) => state.loadModels);
  const showPage = useApp((state) => state.showPage);
  useEffect(() => {
    void loadModels(projectId);
  }, [projectId, loadModels]);
  return (
    <div className="training-page" data-testid="models-page">
      <header className="training-header">
        <h1 className="dataset-title">Models</h1>
      </header>
      {models.length === 0 ? (
        <p className="muted" data-testid="models-empty">
          No model versions yet. A run that finishes makes one.
        </p>
      ) : (
        <table className="report-table runs-table" data-testid="models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Task</th>
              <th>Target</th>
              <th className="numeric-cell">Test metric</th>
              <th>Created</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => {
              const { name, value } = headline(model);
              return (
                <tr key={model.id} data-testid="model-row" data-model-version-id={model.id}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      data-testid="open-model"
                      onClick={() => showPage({ kind: 'model', modelVersionId: model.id })}
                    >
                      {model.name} v{model.number}
                    </button>
                  </td>
                  <td>{model.task}</td>
                  <td>{model.signature.output.target}</td>
                  <td className="numeric-cell" data-testid="model-headline">
                    {formatNumber(value)} <span className="muted">{name}</span>
                  </td>
                  <td className="muted">{new Date(model.createdAt).toLocaleString()}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => showPage({ kind: 'run', runId: model.runId })}
                    >
                      open run
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** One model version: its signature and test evaluation. */
export function ModelView({ modelVersionId }: { modelVersionId: string }) {
  const model = useApp((state) => state.models[modelVersionId]);
  const loadModel = useApp((state) => state.loadModel);
  const showPage = useApp((state) => state.showPage);
  useEffect(() => {
    void loadModel(modelVersionId);
  }, [modelVersionId, loadModel]);
  if (!model) return <p className="muted training-page">Loading the model…</p>;
  return (
    <div className="training-page" data-testid="model-view" data-model-version-id={model.id}>
      <header className="training-header">
        <div>
          <h1 className="dataset-title">
            {model.name} <span className="version-badge">v{model.number}</span>
          </h1>
          <p className="version-meta">
            {model.task} on <strong>{model.signature.output.target}</strong> from{' '}
            {model.signature.inputs.length} inputs
            {model.signature.output.labels ? ` · labels ${model.signature.output.labels.join(', ')}` : ''}
            <span className="muted"> · artifact {model.artifactSha256.slice(0, 12)}</span>
          </p>
        </div>
        <div className="button-row">
          <button type="button" onClick={() => showPage({ kind: 'run', runId: model.runId })}>
            Open run
          </button>
          <button type="button" onClick={() => showPage({ kind: 'models' })}>
            All models
          </button>
        </div>
      </header>
      <EvaluationView evaluation={model.evaluation} />
    </div>
  );
}
