import { useRef, useState } from 'react';
import type { DragEvent, KeyboardEvent } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { formatBytes, formatCount } from '../format.js';
import { DataGrid } from '../grid/data-grid.js';
import { ProfileView } from '../profile/profile-view.js';
import { FolderImport } from './folder-import.js';
import { useApp, useDeps } from '../store/app-store.js';
import { selectedVersion } from '../store/datasets-slice.js';
import type { DataTab } from '../store/datasets-slice.js';
import { ValidationBadge } from '../validation/validation-badge.js';
import { ValidationView } from '../validation/validation-view.js';
import { LabelView } from '../labelling/label-view.js';

const acceptedFiles = '.csv,.tsv,.txt,.parquet,.json,.jsonl,.ndjson,.arrow,.feather';

function baseName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

/** The "Import data" button: a native dialog on the desktop, a file input in the browser (plus a folder path). */
export function ImportButton() {
  const { files } = useDeps();
  const projectId = useApp((state) => state.selectedProjectId);
  const importFile = useApp((state) => state.importFile);
  const importPickedFile = useApp((state) => state.importPickedFile);
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={projectId === null}
        title={projectId === null ? 'Create or select a project first' : undefined}
        data-testid="import-data"
        onClick={() => {
          if (files.mode === 'desktop') void importPickedFile();
          else inputRef.current?.click();
        }}
      >
        Import data
      </button>
      <input
        ref={inputRef}
        type="file"
        accept={acceptedFiles}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-file-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Reset so choosing the same file again still fires a change.
          event.target.value = '';
          if (file && projectId !== null) void importFile(file);
        }}
      />
      <FolderImport />
    </>
  );
}

const tabs: readonly { id: DataTab; label: string }[] = [
  { id: 'grid', label: 'Grid' },
  { id: 'profile', label: 'Profile' },
  { id: 'validation', label: 'Validation' },
  { id: 'label', label: 'Label' },
];

function VersionView({ version }: { version: DatasetVersion }) {
  const datasetName = useApp(
    (state) =>
      Object.values(state.datasetsByProject)
        .flat()
        .find((dataset) => dataset.id === version.datasetId)?.name ?? '',
  );
  const tab = useApp((state) => state.dataTab);
  const showPage = useApp((state) => state.showPage);
  const setTab = useApp((state) => state.setDataTab);

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = tabs.findIndex((entry) => entry.id === tab);
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    setTab(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };

  return (
    <>
      <header className="version-header" data-testid="version-header">
        <div>
          <h1 className="dataset-title">
            <span data-testid="version-dataset-name">{datasetName}</span>{' '}
            <span className="version-badge" data-testid="version-number">
              v{version.number}
            </span>{' '}
            <ValidationBadge version={version} testId="version-validation-status-header" />
          </h1>
          <p className="version-meta">
            <span data-testid="version-row-count">{formatCount(version.rowCount)} rows</span>
            <span aria-hidden="true"> · </span>
            <span>{version.columns.length} columns</span>
            <span aria-hidden="true"> · </span>
            <span data-testid="version-source" title={version.source.path}>
              {baseName(version.source.path)}
            </span>
            <span className="muted">
              {' '}
              ({version.source.format}, {formatBytes(version.source.sizeBytes)})
            </span>
          </p>
          {version.warnings.length > 0 && (
            <ul className="warnings" data-testid="version-warnings">
              {version.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
        </div>
        <div className="header-buttons">
          <button
            type="button"
            data-testid="train-model"
            onClick={() => showPage({ kind: 'train', versionId: version.id })}
          >
            Train a model
          </button>
          <ImportButton />
        </div>
      </header>
      <div className="tabs" role="tablist" aria-label="Views of this version" onKeyDown={onTabKey}>
        {tabs.map((entry) => (
          <button
            key={entry.id}
            id={`tab-${entry.id}`}
            type="button"
            role="tab"
            aria-selected={tab === entry.id}
            aria-controls={`panel-${entry.id}`}
            tabIndex={tab === entry.id ? 0 : -1}
            data-testid={`tab-${entry.id}`}
            onClick={() => setTab(entry.id)}
          >
            {entry.label}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={`panel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        data-testid={`panel-${tab}`}
      >
        {tab === 'grid' ? (
          <DataGrid key={version.id} version={version} />
        ) : tab === 'profile' ? (
          <ProfileView version={version} />
        ) : tab === 'validation' ? (
          <ValidationView version={version} />
        ) : (
          <LabelView version={version} />
        )}
      </div>
    </>
  );
}

/** The main area: the selected version, or what to do next. Files dropped anywhere here import. */
export function DataView() {
  const version = useApp(selectedVersion);
  const projectId = useApp((state) => state.selectedProjectId);
  const importFile = useApp((state) => state.importFile);
  const [dragging, setDragging] = useState(false);

  const hasFiles = (event: DragEvent): boolean => event.dataTransfer.types.includes('Files');
  return (
    <main
      className={`data-view${dragging ? ' dragging' : ''}`}
      data-testid="data-view"
      onDragOver={(event) => {
        if (!hasFiles(event) || projectId === null) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(false);
        const file = event.dataTransfer.files[0];
        if (file && projectId !== null) void importFile(file);
      }}
    >
      {version ? (
        <VersionView version={version} />
      ) : (
        <div className="empty-state" data-testid="empty-state">
          {projectId === null ? (
            <>
              <h1>Welcome to Orchard</h1>
              <p>Create a project in the sidebar to start.</p>
            </>
          ) : (
            <>
              <h1>No dataset selected</h1>
              <p>Import a CSV, TSV, Parquet, JSON or Arrow file, or drop one here.</p>
              <ImportButton />
            </>
          )}
        </div>
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the file to import it
        </div>
      )}
    </main>
  );
}
