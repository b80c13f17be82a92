import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Virtualizer } from '@tanstack/react-virtual';
import type { CellValue, Column, DatasetVersion } from '../../../core/contract/schemas.js';
import { useApp, useDeps } from '../store/app-store.js';
import { formatCount } from '../format.js';
import { buildFilters, isNumericType } from './filters.js';
import { GridHeader } from './grid-header.js';
import { RowCache } from './row-cache.js';
import type { RowQuery } from './row-cache.js';
import { scrollScale } from './scroll-scale.js';
import type { ScrollScale } from './scroll-scale.js';
import { useDebounced } from './use-debounced.js';

export const rowHeight = 28;
const rowIdWidth = 120;
const columnWidth = 168;

/** The row id first, then the columns in file order. */
function gridColumns(version: DatasetVersion): Column[] {
  const rest = version.columns.filter((column) => column.name !== version.rowIdColumn);
  return [{ name: version.rowIdColumn, type: 'integer', storageType: 'BIGINT' }, ...rest];
}

function cellText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * Reports scroll positions in content coordinates. The virtualizer then lays rows out as if the
 * spacer had its true height; we place them back into the (possibly scaled) scroll space.
 */
function observeContentOffset(scaleRef: { current: ScrollScale }) {
  return (
    instance: Virtualizer<HTMLDivElement, Element>,
    report: (offset: number, isScrolling: boolean) => void,
  ) => {
    const element = instance.scrollElement;
    if (!element) return undefined;
    const emit = (): void =>
      report(scaleRef.current.toContentOffset(element.scrollTop, element.clientHeight), false);
    emit();
    element.addEventListener('scroll', emit, { passive: true });
    return () => element.removeEventListener('scroll', emit);
  };
}

export function DataGrid({ version }: { version: DatasetVersion }) {
  const { api } = useDeps();
  const sort = useApp((state) => state.sort);
  const drafts = useApp((state) => state.filterDrafts);
  const cycleSort = useApp((state) => state.cycleSort);
  const setFilterDraft = useApp((state) => state.setFilterDraft);
  const clearFilters = useApp((state) => state.clearFilters);
  const reportError = useApp((state) => state.reportError);

  const columns = useMemo(() => gridColumns(version), [version]);
  const settledDrafts = useDebounced(drafts, 250);
  const { filters, invalid } = useMemo(() => buildFilters(settledDrafts, columns), [settledDrafts, columns]);

  const [, rowsArrived] = useReducer((count: number) => count + 1, 0);
  const [cache] = useState(
    () =>
      new RowCache(
        (query: RowQuery, offset, limit) =>
          api.datasets.rows({
            versionId: query.versionId,
            offset,
            limit,
            ...(query.sort.length > 0 ? { sort: [...query.sort] } : {}),
            ...(query.filters.length > 0 ? { filters: [...query.filters] } : {}),
          }),
        rowsArrived,
        reportError,
      ),
  );
  // Idempotent for an unchanged query, so safe to run during render.
  cache.setQuery(
    { versionId: version.id, sort: sort ? [sort] : [], filters },
    filters.length === 0 ? version.rowCount : null,
  );
  const total = cache.total ?? 0;

  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const scale = scrollScale(total * rowHeight);
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  const observeElementOffset = useMemo(() => observeContentOffset(scaleRef), []);

  const virtualizer = useVirtualizer<HTMLDivElement, Element>({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    observeElementOffset,
  });

  // A new sort or filter starts at the top.
  const queryKey = JSON.stringify([version.id, sort, filters]);
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [queryKey]);

  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    cache.request(firstIndex, lastIndex);
  }, [cache, firstIndex, lastIndex, queryKey]);

  const widthOf = useCallback(
    (column: string) => (column === version.rowIdColumn ? rowIdWidth : columnWidth),
    [version.rowIdColumn],
  );
  const totalWidth = columns.reduce((sum, column) => sum + widthOf(column.name), 0);

  const viewportHeight = scrollRef.current?.clientHeight ?? 0;
  const contentOffset = virtualizer.scrollOffset ?? 0;
  const scrollTop = scale.toScrollTop(contentOffset, viewportHeight);
  const contentHeight = total * rowHeight;

  const scrollContentTo = (offset: number): void => {
    const element = scrollRef.current;
    if (!element) return;
    const clamped = Math.min(Math.max(offset, 0), Math.max(contentHeight - element.clientHeight, 0));
    element.scrollTop = scale.toScrollTop(clamped, element.clientHeight);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(viewportHeight - rowHeight, rowHeight);
    const moves: Record<string, number> = {
      ArrowDown: rowHeight,
      ArrowUp: -rowHeight,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    const delta = moves[event.key];
    if (delta === undefined) return;
    event.preventDefault();
    if (delta === Infinity) scrollContentTo(contentHeight);
    else if (delta === -Infinity) scrollContentTo(0);
    else scrollContentTo(contentOffset + delta);
  };

  const loading = cache.total === null;
  const filtered = filters.length > 0;

  return (
    <div
      className="grid"
      role="grid"
      aria-rowcount={total + 1}
      aria-colcount={columns.length}
      data-testid="grid"
    >
      <div className="grid-toolbar">
        <span data-testid="grid-total" aria-live="polite">
          {loading
            ? 'Counting rows…'
            : filtered
              ? `${formatCount(total)} of ${formatCount(version.rowCount)} rows match`
              : `${formatCount(total)} rows`}
        </span>
        {Object.keys(drafts).length > 0 && (
          <button type="button" className="link-button" data-testid="clear-filters" onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </div>
      <div className="grid-header" ref={headerRef} role="rowgroup">
        <div style={{ width: totalWidth }}>
          <GridHeader
            columns={columns}
            rowIdColumn={version.rowIdColumn}
            widthOf={widthOf}
            sort={sort}
            drafts={drafts}
            invalid={invalid}
            onSort={cycleSort}
            onFilter={setFilterDraft}
          />
        </div>
      </div>
      <div
        className="grid-body"
        ref={scrollRef}
        role="rowgroup"
        tabIndex={0}
        aria-label={`Rows of ${version.source.path}`}
        data-testid="grid-body"
        onKeyDown={onKeyDown}
        onScroll={(event) => {
          if (headerRef.current) headerRef.current.scrollLeft = event.currentTarget.scrollLeft;
        }}
      >
        <div className="grid-spacer" style={{ height: scale.spacerHeight, width: totalWidth }}>
          {items.map((item) => {
            const loaded = cache.hasRow(item.index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`grid-row${loaded ? '' : ' grid-row-loading'}`}
                data-testid="grid-row"
                data-row-index={item.index}
                style={{
                  transform: `translateY(${scrollTop + item.start - contentOffset}px)`,
                  height: rowHeight,
                }}
              >
                {columns.map((column) => {
                  const value = loaded ? cache.cell(item.index, column.name) : undefined;
                  const isRowId = column.name === version.rowIdColumn;
                  const classes = ['grid-cell'];
                  if (isRowId) classes.push('row-id-cell');
                  if (isNumericType(column.type)) classes.push('numeric-cell');
                  if (value === null) classes.push('null-cell');
                  return (
                    <div
                      key={column.name}
                      role={isRowId ? 'rowheader' : 'gridcell'}
                      className={classes.join(' ')}
                      style={{ width: widthOf(column.name) }}
                      data-testid={isRowId ? 'grid-row-id' : undefined}
                      data-column={column.name}
                      title={value === undefined || value === null ? undefined : cellText(value)}
                    >
                      {value === undefined ? <span className="cell-placeholder" /> : cellText(value)}
                    </div>
                  );
                })}
              </div>
            );
          })}
          {!loading && total === 0 && (
            <div className="grid-empty" data-testid="grid-empty">
              {filtered ? 'No rows match these filters.' : 'This version has no rows.'}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
