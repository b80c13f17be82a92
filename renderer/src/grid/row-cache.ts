import type { CellValue, ColumnFilter, RowWindow, SortKey } from '../../../core/contract/schemas.js';

/** Rows asked for per request: small enough to answer fast, big enough to cover a few screens. */
export const rowWindowSize = 200;
const maxCachedWindows = 64;
const maxRequestsInFlight = 3;

export interface RowQuery {
  readonly versionId: string;
  readonly sort: readonly SortKey[];
  readonly filters: readonly ColumnFilter[];
}

export type FetchRows = (query: RowQuery, offset: number, limit: number) => Promise<RowWindow>;

interface CachedWindow {
  readonly rows: ReadonlyArray<ReadonlyArray<CellValue>>;
  readonly columnIndex: ReadonlyMap<string, number>;
}

/**
 * Rows of one grid fetched on demand in fixed windows, kept in a small LRU. Only windows the user
 * is looking at are requested (a fast scroll replaces the wish list, so skipped-over windows are
 * never fetched), and answers for an older sort or filter are dropped.
 */
export class RowCache {
  private readonly windows = new Map<number, CachedWindow>();
  private readonly inFlight = new Set<number>();
  private readonly failed = new Set<number>();
  private wanted: number[] = [];
  private generation = 0;
  private query: RowQuery | null = null;
  private queryKey = '';
  /** Rows matching the current query; null until the first answer when filters may change it. */
  total: number | null = null;

  constructor(
    private readonly fetchRows: FetchRows,
    private readonly onChange: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Switch to a new query; a no-op when it is the same as the current one. */
  setQuery(query: RowQuery, knownTotal: number | null): void {
    const key = JSON.stringify(query);
    if (key === this.queryKey) return;
    this.queryKey = key;
    this.query = query;
    this.generation += 1;
    this.windows.clear();
    this.inFlight.clear();
    this.failed.clear();
    this.wanted = [];
    this.total = knownTotal;
  }

  /** Ask for the rows `first..last` (inclusive) to be loaded. */
  request(first: number, last: number): void {
    const from = Math.floor(Math.max(first, 0) / rowWindowSize);
    const to = Math.floor(Math.max(last, first, 0) / rowWindowSize);
    const wanted: number[] = [];
    for (let index = from; index <= to; index++) {
      if (this.windows.has(index)) this.touch(index);
      else wanted.push(index);
    }
    this.wanted = wanted;
    this.pump();
  }

  /** A cell's value, or undefined while its window is loading. */
  cell(row: number, column: string): CellValue | undefined {
    const window = this.windows.get(Math.floor(row / rowWindowSize));
    if (!window) return undefined;
    const values = window.rows[row % rowWindowSize];
    const index = window.columnIndex.get(column);
    if (!values || index === undefined) return undefined;
    return values[index];
  }

  hasRow(row: number): boolean {
    const window = this.windows.get(Math.floor(row / rowWindowSize));
    return window !== undefined && window.rows[row % rowWindowSize] !== undefined;
  }

  private touch(index: number): void {
    const window = this.windows.get(index);
    if (!window) return;
    this.windows.delete(index);
    this.windows.set(index, window);
  }

  private pump(): void {
    const query = this.query;
    if (query === null) return;
    for (const index of this.wanted) {
      if (this.inFlight.size >= maxRequestsInFlight) return;
      if (this.windows.has(index) || this.inFlight.has(index) || this.failed.has(index)) continue;
      this.load(query, index);
    }
  }

  private load(query: RowQuery, index: number): void {
    const generation = this.generation;
    this.inFlight.add(index);
    this.fetchRows(query, index * rowWindowSize, rowWindowSize).then(
      (answer) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(index);
        this.windows.set(index, {
          rows: answer.rows,
          columnIndex: new Map(answer.columns.map((name, position) => [name, position])),
        });
        while (this.windows.size > maxCachedWindows) {
          const oldest = this.windows.keys().next().value;
          if (oldest === undefined) break;
          this.windows.delete(oldest);
        }
        this.total = answer.total;
        this.onChange();
        this.pump();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(index);
        // Not retried for this query: a bad filter would otherwise ask again on every scroll.
        this.failed.add(index);
        if (this.total === null) this.total = 0;
        this.onError(error);
        this.onChange();
        this.pump();
      },
    );
  }
}
