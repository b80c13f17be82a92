import { useEffect, useState } from 'react';
import type { Run } from '../../../core/contract/training.js';
import { formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';
import { RunStatus } from './run-view.js';
import { describeModel, lowerIsBetter, metricLabel, summaryKeys } from './run-format.js';
import { useVersionLabel } from './version-label.js';

const noRuns: readonly Run[] = [];

interface RunColumn {
  readonly key: string;
  readonly label: string;
  readonly numeric: boolean;
  value(run: Run): string | number | null;
}

const fixedColumns: readonly RunColumn[] = [
  { key: 'name', label: 'Name', numeric: false, value: (run) => run.name },
  { key: 'status', label: 'Status', numeric: false, value: (run) => run.status },
  {
    key: 'backend',
    label: 'Backend',
    numeric: false,
    value: (run) => run.backend?.name ?? run.config.backend,
  },
  { key: 'model', label: 'Model', numeric: false, value: (run) => describeModel(run.config) },
  { key: 'learningRate', label: 'LR', numeric: true, value: (run) => run.config.optimizer.learningRate },
  { key: 'batchSize', label: 'Batch', numeric: true, value: (run) => run.config.batchSize },
  { key: 'epochs', label: 'Epochs', numeric: true, value: (run) => run.epochs.length },
];

const startedColumn: RunColumn = {
  key: 'createdAt',
  label: 'Started',
  numeric: false,
  value: (run) => run.createdAt,
};

function metricColumn(key: string): RunColumn {
  return {
    key: `summary.${key}`,
    label: metricLabel(key),
    numeric: true,
    value: (run) => run.summary[key] ?? null,
  };
}

type FilterOp = 'contains' | '>=' | '<=' | '=';

interface RunFilter {
  readonly column: string;
  readonly op: FilterOp;
  readonly value: string;
}

function matches(run: Run, column: RunColumn | undefined, filter: RunFilter): boolean {
  if (!column || filter.value.trim() === '') return true;
  const value = column.value(run);
  if (filter.op === 'contains')
    return String(value ?? '')
      .toLowerCase()
      .includes(filter.value.trim().toLowerCase());
  const wanted = Number(filter.value);
  if (value === null || typeof value !== 'number' || !Number.isFinite(wanted)) return false;
  if (filter.op === '>=') return value >= wanted;
  if (filter.op === '<=') return value <= wanted;
  return value === wanted;
}

function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function VersionCell({ versionId }: { versionId: string }) {
  return <td>{useVersionLabel(versionId)}</td>;
}

/** Every run of the project: sort by any column, filter by params and metrics, tick 2–5 to compare. */
export function RunsTable({ projectId }: { projectId: string }) {
  const runs = useApp((state) => state.runsByProject[projectId] ?? noRuns);
  const loadRuns = useApp((state) => state.loadRuns);
  const selection = useApp((state) => state.compareSelection);
  const toggleCompare = useApp((state) => state.toggleCompare);
  const showPage = useApp((state) => state.showPage);
  const [sort, setSort] = useState<{ key: string; direction: 1 | -1 }>({ key: 'createdAt', direction: -1 });
  const [filter, setFilter] = useState<RunFilter>({ column: 'name', op: 'contains', value: '' });

  useEffect(() => {
    void loadRuns(projectId);
  }, [projectId, loadRuns]);

  // Metrics right after the params, where they are seen without scrolling; the start time last.
  const columns = [...fixedColumns, ...summaryKeys(runs).map(metricColumn), startedColumn];
  const filterColumn = columns.find((column) => column.key === filter.column);
  const sortColumn = columns.find((column) => column.key === sort.key);
  const shown = runs
    .filter((run) => matches(run, filterColumn, filter))
    .sort((a, b) =>
      sortColumn ? compareValues(sortColumn.value(a), sortColumn.value(b)) * sort.direction : 0,
    );
  const selected = selection.filter((id) => runs.some((run) => run.id === id));

  const clickHeader = (column: RunColumn): void =>
    setSort((old) =>
      old.key === column.key
        ? { key: column.key, direction: old.direction === 1 ? -1 : 1 }
        : // Metrics open best-first: highest accuracy, lowest loss.
          {
            key: column.key,
            direction: column.key.startsWith('summary.') && !lowerIsBetter(column.key) ? -1 : 1,
          },
    );

  return (
    <div className="runs-table-wrap" data-testid="runs-table-wrap">
      <div className="suite-toolbar-row runs-toolbar">
        <label className="inline-field">
          <span>Filter</span>
          <select
            value={filter.column}
            data-testid="runs-filter-column"
            onChange={(event) => {
              const column = columns.find((c) => c.key === event.target.value);
              setFilter({ column: event.target.value, op: column?.numeric ? '>=' : 'contains', value: '' });
            }}
          >
            {columns.map((column) => (
              <option key={column.key} value={column.key}>
                {column.label}
              </option>
            ))}
          </select>
        </label>
        <select
          aria-label="Filter operator"
          value={filter.op}
          data-testid="runs-filter-op"
          onChange={(event) => setFilter({ ...filter, op: event.target.value as FilterOp })}
        >
          {(filterColumn?.numeric ? (['>=', '<=', '='] as const) : (['contains'] as const)).map((op) => (
            <option key={op} value={op}>
              {op === 'contains' ? 'contains' : op === '>=' ? '≥' : op === '<=' ? '≤' : '='}
            </option>
          ))}
        </select>
        <input
          type="text"
          aria-label="Filter value"
          value={filter.value}
          data-testid="runs-filter-value"
          onChange={(event) => setFilter({ ...filter, value: event.target.value })}
        />
        <span className="muted" data-testid="runs-count">
          {shown.length} of {runs.length} runs
        </span>
        <button
          type="button"
          className="primary run-button"
          disabled={selected.length < 2}
          title={selected.length < 2 ? 'Tick 2 to 5 runs to compare' : undefined}
          data-testid="compare-runs"
          onClick={() => showPage({ kind: 'compare', runIds: selected })}
        >
          Compare {selected.length > 0 ? selected.length : ''} runs
        </button>
      </div>
      {runs.length === 0 ? (
        <p className="muted" data-testid="runs-empty">
          No runs yet. Open a dataset version and choose “Train a model”.
        </p>
      ) : (
        <div className="runs-scroll">
          <table className="report-table runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th>
                  <span className="visually-hidden">Compare</span>
                </th>
                {columns.map((column) => (
                  <th
                    key={column.key}
                    className={column.numeric ? 'numeric-cell' : undefined}
                    aria-sort={
                      sort.key === column.key
                        ? sort.direction === 1
                          ? 'ascending'
                          : 'descending'
                        : undefined
                    }
                  >
                    <button
                      type="button"
                      className="sort-header"
                      data-testid={`runs-sort-${column.key}`}
                      onClick={() => clickHeader(column)}
                    >
                      {column.label}
                      {sort.key === column.key ? (sort.direction === 1 ? ' ▲' : ' ▼') : ''}
                    </button>
                  </th>
                ))}
                <th>Dataset</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((run) => (
                <tr key={run.id} data-testid="run-row" data-run-id={run.id} data-run-name={run.name}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare ${run.name}`}
                      checked={selection.includes(run.id)}
                      disabled={!selection.includes(run.id) && selection.length >= 5}
                      data-testid="run-select"
                      onChange={() => toggleCompare(run.id)}
                    />
                  </td>
                  {columns.map((column) => {
                    const value = column.value(run);
                    if (column.key === 'name')
                      return (
                        <td key={column.key}>
                          <button
                            type="button"
                            className="link-button"
                            data-testid="open-run"
                            onClick={() => showPage({ kind: 'run', runId: run.id })}
                          >
                            {run.name}
                          </button>
                        </td>
                      );
                    if (column.key === 'status')
                      return (
                        <td key={column.key}>
                          <RunStatus status={run.status} />
                        </td>
                      );
                    if (column.key === 'createdAt')
                      return (
                        <td key={column.key} className="muted">
                          {new Date(run.createdAt).toLocaleString()}
                        </td>
                      );
                    return (
                      <td
                        key={column.key}
                        className={column.numeric ? 'numeric-cell' : undefined}
                        data-testid={`run-cell-${column.key}`}
                      >
                        {typeof value === 'number' ? formatNumber(value) : (value ?? '—')}
                      </td>
                    );
                  })}
                  <VersionCell versionId={run.datasetVersionId} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
