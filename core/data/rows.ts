import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../contract/errors.js';
import { maxRowWindow } from '../contract/methods.js';
import type { Column, ColumnFilter, RowWindow, SortKey } from '../contract/schemas.js';
import { readerRowsToCells } from './cells.js';
import { storageKind } from './column-types.js';
import { withConnection } from './duck.js';
import { rowIdColumn } from './import-file.js';
import { quoteIdent } from './sql.js';

export interface RowWindowRequest {
  readonly offset: number;
  readonly limit: number;
  readonly sort?: readonly SortKey[] | undefined;
  readonly filters?: readonly ColumnFilter[] | undefined;
}

/** Sorted/filtered views kept per DuckDB instance; scrolling a sorted grid then reads a slice, not a sort. */
export const sortCacheSize = 4;

interface CachedView {
  readonly table: string;
  readonly total: number;
}

const viewCaches = new WeakMap<DuckDBInstance, Map<string, Promise<CachedView>>>();
let viewCounter = 0;

function viewCacheOf(db: DuckDBInstance): Map<string, Promise<CachedView>> {
  let cache = viewCaches.get(db);
  if (cache === undefined) {
    cache = new Map();
    viewCaches.set(db, cache);
  }
  return cache;
}

/** Drops every cached sorted view of `db` (e.g. before closing it, or in tests). */
export async function clearRowWindowCache(db: DuckDBInstance): Promise<void> {
  const cache = viewCacheOf(db);
  const views = [...cache.values()];
  cache.clear();
  await withConnection(db, async (connection) => {
    for (const view of views) {
      const settled = await view.catch(() => undefined);
      if (settled !== undefined) await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(settled.table)}`);
    }
  });
}

function columnByName(columns: readonly Column[], name: string, what: string): Column {
  if (name === rowIdColumn) return { name: rowIdColumn, type: 'integer', storageType: 'BIGINT' };
  const column = columns.find((candidate) => candidate.name === name);
  if (column === undefined) {
    throw new InvalidInputError(`Cannot ${what} by \`${name}\`: the dataset has no such column.`, {
      column: name,
    });
  }
  return column;
}

/** A filter value bound as the type its column compares with; a mismatch is the caller's error. */
function filterParam(column: Column, filter: ColumnFilter): DuckDBValue {
  const value = filter.value;
  if (value === undefined) {
    throw new InvalidInputError(`The \`${filter.op}\` filter on \`${column.name}\` needs a value.`, {
      column: column.name,
    });
  }
  if (filter.op === 'contains') return String(value);
  return typedParam(column, value);
}

/** One value converted to what `column` compares with: numbers for numeric columns, booleans, else text. */
function typedParam(column: Column, value: string | number | boolean): DuckDBValue {
  const kind = storageKind(column.storageType);
  if (kind === 'integer' || kind === 'float') {
    const number = typeof value === 'number' ? value : Number(value);
    if (
      typeof value === 'boolean' ||
      !Number.isFinite(number) ||
      (typeof value === 'string' && value.trim() === '')
    ) {
      throw new InvalidInputError(
        `Filter on \`${column.name}\` needs a number, got ${JSON.stringify(value)}.`,
        {
          column: column.name,
        },
      );
    }
    return number;
  }
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new InvalidInputError(
      `Filter on \`${column.name}\` needs true or false, got ${JSON.stringify(value)}.`,
      {
        column: column.name,
      },
    );
  }
  return String(value);
}

/** The right-hand side of a comparison with `param`: dates and timestamps arrive as ISO text and are cast. */
function comparedParam(column: Column, param: string): string {
  const kind = storageKind(column.storageType);
  return kind === 'date' || kind === 'timestamp' ? `CAST(${param} AS ${column.storageType})` : param;
}

/** `column IN (…)` with every value bound; e.g. `_row_id` in the example rows of a failed check. */
function inSql(column: Column, filter: ColumnFilter, params: DuckDBValue[]): string {
  const values = filter.values ?? [];
  if (values.length === 0) {
    throw new InvalidInputError(
      `The \`in\` filter on \`${column.name}\` needs a non-empty \`values\` list.`,
      {
        column: column.name,
      },
    );
  }
  const placeholders = values.map((value) => {
    params.push(typedParam(column, value));
    return comparedParam(column, `$${params.length}`);
  });
  return `${quoteIdent(column.name)} IN (${placeholders.join(', ')})`;
}

const comparison: Readonly<Record<string, string>> = {
  eq: '=',
  neq: '<>',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

/** The WHERE clause for the filters; every value is a bound parameter numbered after `params`. */
function whereSql(
  columns: readonly Column[],
  filters: readonly ColumnFilter[],
  params: DuckDBValue[],
): string {
  const clauses = filters.map((filter) => {
    const column = columnByName(columns, filter.column, 'filter');
    const ident = quoteIdent(column.name);
    if (filter.op === 'is_null') return `${ident} IS NULL`;
    if (filter.op === 'not_null') return `${ident} IS NOT NULL`;
    if (filter.op === 'in') return inSql(column, filter, params);
    params.push(filterParam(column, filter));
    const param = `$${params.length}`;
    if (filter.op === 'contains') return `strpos(lower(CAST(${ident} AS VARCHAR)), lower(${param})) > 0`;
    // Dates and timestamps arrive as ISO text; cast it to the column's type so the comparison is by time.
    return `${ident} ${comparison[filter.op] ?? '='} ${comparedParam(column, param)}`;
  });
  return clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`;
}

function orderSql(columns: readonly Column[], sort: readonly SortKey[]): string {
  const keys = sort.map((key) => {
    const column = columnByName(columns, key.column, 'sort');
    return `${quoteIdent(column.name)} ${key.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`;
  });
  // `_row_id` last keeps ties in file order, so windows never shuffle between requests.
  keys.push(quoteIdent(rowIdColumn));
  return ` ORDER BY ${keys.join(', ')}`;
}

/** Builds (or finds) a table holding the filtered rows in sorted order; its rowid is the position. */
async function sortedView(
  db: DuckDBInstance,
  connection: DuckDBConnection,
  parquetPath: string,
  columns: readonly Column[],
  request: RowWindowRequest,
): Promise<CachedView> {
  const params: DuckDBValue[] = [parquetPath];
  const where = whereSql(columns, request.filters ?? [], params);
  const order = orderSql(columns, request.sort ?? []);
  const key = JSON.stringify([parquetPath, request.sort ?? [], request.filters ?? []]);
  const cache = viewCacheOf(db);
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Refresh its place in the LRU order (Map keeps insertion order).
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  viewCounter += 1;
  const table = `orchard_view_${process.pid}_${viewCounter}`;
  const building = (async (): Promise<CachedView> => {
    await connection.run(
      `CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_parquet($1)${where}${order}`,
      params,
    );
    const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(table)}`);
    return { table, total: Number(reader.getRowsJS()[0]?.[0] ?? 0) };
  })();
  cache.set(key, building);
  building.catch(() => cache.delete(key));
  while (cache.size > sortCacheSize) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, Promise<CachedView>];
    cache.delete(oldestKey);
    const evicted = await oldest.catch(() => undefined);
    if (evicted !== undefined) await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(evicted.table)}`);
  }
  return building;
}

/**
 * A window of rows of a snapshot: `_row_id` first, cells JSON-safe, `total` the rows matching the
 * filters. Without sort or filter it reads by `_row_id` range, which Parquet row-group statistics
 * prune to one row group; with them it reads a slice of a cached sorted copy.
 */
export async function readRowWindow(
  db: DuckDBInstance,
  parquetPath: string,
  columns: readonly Column[],
  request: RowWindowRequest,
): Promise<RowWindow> {
  const { offset, limit } = request;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidInputError(`Row offset must be a whole number ≥ 0, got ${offset}.`, { offset });
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxRowWindow) {
    throw new InvalidInputError(`Row limit must be between 1 and ${maxRowWindow}, got ${limit}.`, { limit });
  }
  const columnNames = [
    rowIdColumn,
    ...columns.filter((column) => column.name !== rowIdColumn).map((column) => column.name),
  ];
  const selectList = columnNames.map(quoteIdent).join(', ');
  return withConnection(db, async (connection) => {
    const plain = (request.sort ?? []).length === 0 && (request.filters ?? []).length === 0;
    if (plain) {
      // Row count comes from the Parquet footer; no data is read for it.
      const countReader = await connection.runAndReadAll('SELECT count(*) FROM read_parquet($1)', [
        parquetPath,
      ]);
      const total = Number(countReader.getRowsJS()[0]?.[0] ?? 0);
      const reader = await connection.runAndReadAll(
        `SELECT ${selectList} FROM read_parquet($1) WHERE ${quoteIdent(rowIdColumn)} >= $2 AND ${quoteIdent(rowIdColumn)} < $3 ORDER BY ${quoteIdent(rowIdColumn)}`,
        [parquetPath, offset, offset + limit],
      );
      return { columns: columnNames, rows: readerRowsToCells(reader), offset, total };
    }
    const view = await sortedView(db, connection, parquetPath, columns, request);
    const reader = await connection.runAndReadAll(
      `SELECT ${selectList} FROM ${quoteIdent(view.table)} WHERE rowid >= $1 AND rowid < $2 ORDER BY rowid`,
      [offset, offset + limit],
    );
    return { columns: columnNames, rows: readerRowsToCells(reader), offset, total: view.total };
  });
}
