import type { Column, SortKey } from '../../../core/contract/schemas.js';
import type { FilterDraft, FilterOp } from '../store/grid-slice.js';
import { filterOpLabels, filterOpOrder, isNumericType, opNeedsValue } from './filters.js';

export interface GridHeaderProps {
  readonly columns: readonly Column[];
  readonly rowIdColumn: string;
  readonly widthOf: (column: string) => number;
  readonly sort: SortKey | null;
  readonly drafts: Readonly<Record<string, FilterDraft>>;
  readonly invalid: ReadonlySet<string>;
  onSort(column: string): void;
  onFilter(column: string, draft: FilterDraft): void;
}

function ariaSort(sort: SortKey | null, column: string): 'ascending' | 'descending' | 'none' {
  if (sort?.column !== column) return 'none';
  return sort.direction === 'asc' ? 'ascending' : 'descending';
}

function sortMark(sort: SortKey | null, column: string): string {
  if (sort?.column !== column) return '';
  return sort.direction === 'asc' ? ' ▲' : ' ▼';
}

export function GridHeader(props: GridHeaderProps) {
  const { columns, sort, drafts, invalid } = props;
  return (
    <div role="row" className="grid-row grid-header-row" aria-rowindex={1}>
      {columns.map((column) => {
        const draft = drafts[column.name] ?? {
          op: isNumericType(column.type) ? 'eq' : 'contains',
          value: '',
        };
        const isRowId = column.name === props.rowIdColumn;
        return (
          <div
            key={column.name}
            role="columnheader"
            aria-sort={ariaSort(sort, column.name)}
            className="grid-header-cell"
            style={{ width: props.widthOf(column.name) }}
            data-testid={`column-header-${column.name}`}
          >
            <button
              type="button"
              className="sort-button"
              data-testid={`sort-${column.name}`}
              title={`Sort by ${column.name}`}
              onClick={() => props.onSort(column.name)}
            >
              <span className="column-name">{isRowId ? 'row' : column.name}</span>
              <span className="sort-mark" aria-hidden="true">
                {sortMark(sort, column.name)}
              </span>
              {!isRowId && <span className="column-type">{column.type}</span>}
            </button>
            <div className="filter-controls">
              <select
                aria-label={`Filter operator for ${column.name}`}
                data-testid={`filter-op-${column.name}`}
                value={draft.op}
                onChange={(event) =>
                  props.onFilter(column.name, { op: event.target.value as FilterOp, value: draft.value })
                }
              >
                {filterOpOrder.map((op) => (
                  <option key={op} value={op}>
                    {filterOpLabels[op]}
                  </option>
                ))}
              </select>
              <input
                type="text"
                aria-label={`Filter value for ${column.name}`}
                aria-invalid={invalid.has(column.name)}
                data-testid={`filter-value-${column.name}`}
                placeholder={draft.op === 'in' ? 'a, b, c' : opNeedsValue(draft.op) ? 'filter' : ''}
                title={draft.op === 'in' ? draft.value : undefined}
                disabled={!opNeedsValue(draft.op)}
                inputMode={isNumericType(column.type) ? 'decimal' : 'text'}
                value={opNeedsValue(draft.op) ? draft.value : ''}
                onChange={(event) => props.onFilter(column.name, { op: draft.op, value: event.target.value })}
              />
            </div>
          </div>
        );
      })}
    </div>
  );
}
