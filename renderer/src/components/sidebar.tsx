import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { Dataset } from '../../../core/contract/schemas.js';
import { formatCount } from '../format.js';
import { useApp } from '../store/app-store.js';
import { ValidationBadge } from '../validation/validation-badge.js';

const noDatasets: readonly Dataset[] = [];

function NewProjectForm() {
  const createProject = useApp((state) => state.createProject);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (name.trim() === '' || busy) return;
    setBusy(true);
    const created = await createProject(name.trim());
    setBusy(false);
    if (created) setName('');
  };
  return (
    <form className="new-project" onSubmit={(event) => void submit(event)}>
      <label htmlFor="new-project-name" className="visually-hidden">
        New project name
      </label>
      <input
        id="new-project-name"
        type="text"
        placeholder="New project name"
        maxLength={120}
        value={name}
        onChange={(event) => setName(event.target.value)}
        data-testid="new-project-name"
      />
      <button type="submit" disabled={name.trim() === '' || busy} data-testid="create-project">
        Create
      </button>
    </form>
  );
}

function DatasetList({ projectId }: { projectId: string }) {
  const datasets = useApp((state) => state.datasetsByProject[projectId] ?? noDatasets);
  const versionsByDataset = useApp((state) => state.versionsByDataset);
  const selectedVersionId = useApp((state) => state.selectedVersionId);
  const selectVersion = useApp((state) => state.selectVersion);
  const showPage = useApp((state) => state.showPage);
  const loadValidationStatus = useApp((state) => state.loadValidationStatus);
  const datasetIds = datasets.map((dataset) => dataset.id).join(',');
  useEffect(() => {
    for (const datasetId of datasetIds.split(',')) if (datasetId !== '') void loadValidationStatus(datasetId);
  }, [datasetIds, loadValidationStatus]);
  if (datasets.length === 0) {
    return (
      <p className="muted sidebar-note" data-testid="no-datasets">
        No datasets yet. Import a file to start.
      </p>
    );
  }
  return (
    <ul className="dataset-list" aria-label="Datasets" data-testid="dataset-list">
      {datasets.map((dataset) => (
        <li key={dataset.id} data-testid="dataset-item" data-dataset-name={dataset.name}>
          <div className="dataset-name" data-testid="dataset-name">
            {dataset.name}
          </div>
          <ul className="version-list" aria-label={`Versions of ${dataset.name}`}>
            {(versionsByDataset[dataset.id] ?? []).map((version) => (
              <li key={version.id}>
                <button
                  type="button"
                  className="version-button"
                  aria-current={version.id === selectedVersionId ? 'true' : undefined}
                  data-testid="version-item"
                  data-version-number={version.number}
                  onClick={() => {
                    showPage({ kind: 'data' });
                    selectVersion(version.id);
                  }}
                >
                  <span className="version-number">v{version.number}</span>
                  <ValidationBadge version={version} testId="version-validation-status" compact />
                  <span className="muted version-rows">{formatCount(version.rowCount)} rows</span>
                </button>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** Project-level pages: every run and every model version of the selected project. */
function TrainingLinks() {
  const page = useApp((state) => state.page.kind);
  const showPage = useApp((state) => state.showPage);
  const links = [
    { kind: 'runs', label: 'Runs', current: page === 'runs' || page === 'run' || page === 'compare' },
    { kind: 'models', label: 'Models', current: page === 'models' || page === 'model' },
  ] as const;
  return (
    <ul className="project-list training-links">
      {links.map((link) => (
        <li key={link.kind}>
          <button
            type="button"
            className="project-button"
            aria-current={link.current ? 'page' : undefined}
            data-testid={`nav-${link.kind}`}
            onClick={() => showPage({ kind: link.kind })}
          >
            {link.label}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function Sidebar() {
  const projects = useApp((state) => state.projects);
  const selectedProjectId = useApp((state) => state.selectedProjectId);
  const selectProject = useApp((state) => state.selectProject);
  return (
    <nav className="sidebar" aria-label="Projects and datasets" data-testid="sidebar">
      <div className="brand">Orchard</div>
      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading" className="sidebar-heading">
          Projects
        </h2>
        <NewProjectForm />
        <ul className="project-list" data-testid="project-list">
          {projects.map((project) => (
            <li key={project.id}>
              <button
                type="button"
                className="project-button"
                aria-current={project.id === selectedProjectId ? 'true' : undefined}
                data-testid="project-item"
                onClick={() => selectProject(project.id)}
              >
                {project.name}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {selectedProjectId !== null && (
        <section aria-labelledby="datasets-heading">
          <h2 id="datasets-heading" className="sidebar-heading">
            Datasets
          </h2>
          <DatasetList projectId={selectedProjectId} />
        </section>
      )}
      {selectedProjectId !== null && (
        <section aria-labelledby="training-heading">
          <h2 id="training-heading" className="sidebar-heading">
            Training
          </h2>
          <TrainingLinks />
        </section>
      )}
    </nav>
  );
}
