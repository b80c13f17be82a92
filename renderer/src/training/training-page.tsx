import { useApp } from '../store/app-store.js';
import { CompareView } from './compare-view.js';
import { ModelView, ModelsPage } from './models-page.js';
import { RunView } from './run-view.js';
import { RunsTable } from './runs-table.js';
import { TrainForm } from './train-form.js';
import { useVersionLabel } from './version-label.js';

function TrainPage({ versionId, fromRunId }: { versionId: string; fromRunId?: string }) {
  const version = useApp((state) =>
    Object.values(state.versionsByDataset)
      .flat()
      .find((candidate) => candidate.id === versionId),
  );
  const label = useVersionLabel(versionId);
  const showPage = useApp((state) => state.showPage);
  if (!version) return <p className="muted training-page">Loading the dataset version…</p>;
  return (
    <div className="training-page" data-testid="train-page">
      <header className="training-header">
        <h1 className="dataset-title">
          Train a model on <span data-testid="train-version">{label}</span>
        </h1>
        <button type="button" data-testid="back-to-data" onClick={() => showPage({ kind: 'data' })}>
          Back to the data
        </button>
      </header>
      <TrainForm
        key={`${versionId}:${fromRunId ?? ''}`}
        version={version}
        {...(fromRunId ? { fromRunId } : {})}
      />
    </div>
  );
}

/** The main area when it shows a training page rather than the open dataset version. */
export function TrainingPage() {
  const page = useApp((state) => state.page);
  const projectId = useApp((state) => state.selectedProjectId);
  switch (page.kind) {
    case 'train':
      return (
        <TrainPage versionId={page.versionId} {...(page.fromRunId ? { fromRunId: page.fromRunId } : {})} />
      );
    case 'run':
      return <RunView key={page.runId} runId={page.runId} />;
    case 'compare':
      return <CompareView runIds={page.runIds} />;
    case 'model':
      return <ModelView modelVersionId={page.modelVersionId} />;
    case 'runs':
      return projectId === null ? null : (
        <div className="training-page" data-testid="runs-page">
          <header className="training-header">
            <h1 className="dataset-title">Runs</h1>
          </header>
          <RunsTable projectId={projectId} />
        </div>
      );
    case 'models':
      return projectId === null ? null : <ModelsPage projectId={projectId} />;
    case 'data':
      return null;
  }
}
