import { useEffect } from 'react';
import type { QueueOrder } from '../../../core/contract/labels.js';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import type { Run } from '../../../core/contract/training.js';
import { useApp } from '../store/app-store.js';

const noRuns: readonly Run[] = [];
const defaultSeed = 1;

function seedOf(order: QueueOrder): number {
  return order.kind === 'random' || order.kind === 'stratified' ? order.seed : defaultSeed;
}

/** The order items come in: sequential, random (seeded), stratified by a column, least-confident first. */
export function OrderPicker({ version }: { version: DatasetVersion }) {
  const order = useApp((state) => state.labelOrder);
  const setOrder = useApp((state) => state.setLabelOrder);
  const projectId = useApp((state) => state.selectedProjectId);
  const runs = useApp((state) => (projectId !== null ? state.runsByProject[projectId] : undefined));
  const loadRuns = useApp((state) => state.loadRuns);
  useEffect(() => {
    if (projectId !== null && runs === undefined) void loadRuns(projectId);
  }, [projectId, runs, loadRuns]);
  const hasModel = (runs ?? noRuns).some(
    (run) => run.datasetVersionId === version.id && run.modelVersionId !== null,
  );
  const strataColumns = version.columns.filter(
    (column) =>
      column.name !== version.rowIdColumn &&
      ['categorical', 'boolean', 'integer', 'text'].includes(column.type),
  );
  const firstStratum =
    strataColumns.find((column) => column.type === 'categorical' || column.type === 'boolean')?.name ??
    strataColumns[0]?.name;
  const seed = seedOf(order);

  const choose = (kind: QueueOrder['kind']): void => {
    if (kind === 'sequential') setOrder({ kind });
    else if (kind === 'random') setOrder({ kind, seed });
    else if (kind === 'stratified' && firstStratum) setOrder({ kind, column: firstStratum, seed });
    else if (kind === 'least-confident') setOrder({ kind });
  };

  return (
    <div className="order-picker" data-testid="label-order">
      <label className="inline-field">
        <span>Order</span>
        <select
          value={order.kind}
          data-testid="label-order-kind"
          onChange={(event) => choose(event.target.value as QueueOrder['kind'])}
        >
          <option value="sequential">Sequential</option>
          <option value="random">Random</option>
          <option value="stratified" disabled={!firstStratum}>
            Stratified by a column
          </option>
          <option
            value="least-confident"
            disabled={!hasModel}
            title={
              hasModel ? undefined : 'Train a model on this version first: it ranks items by its confidence.'
            }
          >
            {hasModel ? 'Least confident first' : 'Least confident (no model yet)'}
          </option>
        </select>
      </label>
      {order.kind === 'stratified' && (
        <select
          aria-label="Column to stratify by"
          value={order.column}
          data-testid="label-order-column"
          onChange={(event) => setOrder({ ...order, column: event.target.value })}
        >
          {strataColumns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name}
            </option>
          ))}
        </select>
      )}
      {(order.kind === 'random' || order.kind === 'stratified') && (
        <label className="inline-field">
          <span>Seed</span>
          <input
            type="number"
            className="number-field seed-field"
            min={0}
            value={order.seed}
            data-testid="label-order-seed"
            onChange={(event) => {
              const next = Math.max(0, Math.floor(Number(event.target.value) || 0));
              setOrder({ ...order, seed: next });
            }}
          />
        </label>
      )}
    </div>
  );
}
