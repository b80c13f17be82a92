import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBResultReader, JS } from '@duckdb/node-api';
import type { CellValue } from '../contract/schemas.js';

/** A JSON-safe number: NaN and ±Infinity have no JSON form, so they become null (missing). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** BigInt → number when exact, else its decimal string, so ids above 2^53 are not silently rounded. */
export function bigintCell(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** One value as DuckDB's JS conversion gives it → a grid cell (dates as ISO strings). */
export function toCell(value: JS, typeId: DuckDBTypeId): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return bigintCell(value);
  if (typeof value === 'number') return finiteOrNull(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return typeId === DuckDBTypeId.DATE ? iso.slice(0, 10) : iso;
  }
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? bigintCell(inner) : inner,
  );
}

/** All rows of a read result as arrays of cells, converted column-type aware. */
export function readerRowsToCells(reader: DuckDBResultReader): CellValue[][] {
  const typeIds = Array.from({ length: reader.columnCount }, (_unused, index) => reader.columnTypeId(index));
  return reader
    .getRowsJS()
    .map((row) => row.map((value, index) => toCell(value, typeIds[index] ?? DuckDBTypeId.VARCHAR)));
}
