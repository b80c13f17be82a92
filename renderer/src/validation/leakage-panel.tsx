import { useState } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { formatCount } from '../format.js';
import { useApp } from '../store/app-store.js';

interface VersionChoice {
  readonly id: string;
  readonly label: string;
}

/** Versions of every dataset in the open project except `version`, labelled "name vN". */
function useOtherVersions(version: DatasetVersion): VersionChoice[] {
  const projectId = useApp((state) => state.selectedProjectId);
  const datasetsByProject = useApp((state) => state.datasetsByProject);
  const versionsByDataset = useApp((state) => state.versionsByDataset);
  const datasets = projectId === null ? [] : (datasetsByProject[projectId] ?? []);
  return datasets.flatMap((dataset) =>
    (versionsByDataset[dataset.id] ?? [])
      .filter((other) => other.id !== version.id)
      .map((other) => ({ id: other.id, label: `${dataset.name} v${other.number}` })),
  );
}

/** Rows (and ids) this version shares with another: a train/test split that leaks. */
export function LeakagePanel({ version }: { version: DatasetVersion }) {
  const others = useOtherVersions(version);
  const report = useApp((state) => state.leakageReport);
  const checking = useApp((state) => state.checkingLeakage);
  const checkLeakage = useApp((state) => state.checkLeakage);
  const [otherId, setOtherId] = useState('');
  const [idColumn, setIdColumn] = useState('');
  const rightId = others.some((other) => other.id === otherId) ? otherId : (others[0]?.id ?? '');
  const shown = report?.leftVersionId === version.id && report.rightVersionId === rightId ? report : null;
  const columns = version.columns.filter((column) => column.name !== version.rowIdColumn);

  return (
    <details className="leakage-panel" data-testid="leakage-panel">
      <summary>Leakage between versions</summary>
      {others.length === 0 ? (
        <p className="muted">Import another file or version into this project to compare it with this one.</p>
      ) : (
        <form
          className="leakage-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (rightId !== '') void checkLeakage(version.id, rightId, idColumn === '' ? null : idColumn);
          }}
        >
          <label className="field">
            <span>Compare with</span>
            <select
              data-testid="leakage-other-version"
              value={rightId}
              onChange={(event) => setOtherId(event.target.value)}
            >
              {others.map((other) => (
                <option key={other.id} value={other.id}>
                  {other.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Id column (optional)</span>
            <select
              data-testid="leakage-id-column"
              value={idColumn}
              onChange={(event) => setIdColumn(event.target.value)}
            >
              <option value="">None</option>
              {columns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={checking} data-testid="leakage-run">
            {checking ? 'Comparing…' : 'Compare'}
          </button>
        </form>
      )}
      {shown && (
        <dl className="leakage-report" data-testid="leakage-report">
          <div>
            <dt>Identical rows in both</dt>
            <dd data-testid="leakage-identical-rows">{formatCount(shown.identicalRows)}</dd>
          </div>
          {shown.identicalRowExamples.length > 0 && (
            <div>
              <dt>e.g. rows (this → other)</dt>
              <dd>
                {shown.identicalRowExamples
                  .slice(0, 8)
                  .map((pair) => `${pair.left} → ${pair.right}`)
                  .join(', ')}
              </dd>
            </div>
          )}
          {shown.idColumn !== null && (
            <div>
              <dt>
                Shared values of <code>{shown.idColumn}</code>
              </dt>
              <dd data-testid="leakage-shared-ids">
                {formatCount(shown.sharedIds ?? 0)}
                {shown.sharedIdExamples.length > 0 && (
                  <span className="muted"> (e.g. {shown.sharedIdExamples.slice(0, 8).join(', ')})</span>
                )}
              </dd>
            </div>
          )}
        </dl>
      )}
    </details>
  );
}
