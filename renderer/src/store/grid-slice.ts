import type { ColumnFilter, SortKey } from '../../../core/contract/schemas.js';
import type { SliceCreator } from './types.js';

export type FilterOp = ColumnFilter['op'];

/** What the user typed in a column's filter row; turned into a `ColumnFilter` when it is complete. */
export interface FilterDraft {
  readonly op: FilterOp;
  readonly value: string;
}

export interface GridSlice {
  /** One sort column at a time: header clicks cycle asc → desc → none. */
  sort: SortKey | null;
  filterDrafts: Readonly<Record<string, FilterDraft>>;
  /** Column whose chart is open on the Profile tab. */
  chartColumn: string | null;
  cycleSort(column: string): void;
  setFilterDraft(column: string, draft: FilterDraft): void;
  clearFilters(): void;
  resetGrid(): void;
  /** Show only these rows (e.g. a failed check's examples): an `in` filter on the row id column. */
  showRowIds(rowIdColumn: string, rowIds: readonly number[]): void;
  openChart(column: string | null): void;
}

export const createGridSlice: SliceCreator<GridSlice> = () => (set) => ({
  sort: null,
  filterDrafts: {},
  chartColumn: null,
  cycleSort: (column) =>
    set((state) => {
      if (state.sort?.column !== column) return { sort: { column, direction: 'asc' } };
      if (state.sort.direction === 'asc') return { sort: { column, direction: 'desc' } };
      return { sort: null };
    }),
  setFilterDraft: (column, draft) =>
    set((state) => ({ filterDrafts: { ...state.filterDrafts, [column]: draft } })),
  clearFilters: () => set({ filterDrafts: {} }),
  resetGrid: () => set({ sort: null, filterDrafts: {} }),
  showRowIds: (rowIdColumn, rowIds) =>
    set({ sort: null, filterDrafts: { [rowIdColumn]: { op: 'in', value: rowIds.join(', ') } } }),
  openChart: (column) => set({ chartColumn: column }),
});
