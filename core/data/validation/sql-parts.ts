import type { DuckDBValue, JS } from '@duckdb/node-api';
import type { Column } from '../../contract/schemas.js';
import { storageKind } from '../column-types.js';
import { quoteIdent } from '../sql.js';

/** Up to this many `_row_id`s of failing rows go into a result (the contract's limit). */
export const exampleRowLimit = 20;

/** Collects bound parameters; `bind(value)` returns its `$n` placeholder. */
export class Params {
  readonly values: DuckDBValue[];

  constructor(initial: readonly DuckDBValue[] = []) {
    this.values = [...initial];
  }

  bind(value: DuckDBValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function isFloat(column: Column): boolean {
  return storageKind(column.storageType) === 'float';
}

export function isTemporal(column: Column): boolean {
  const kind = storageKind(column.storageType);
  return kind === 'date' || kind === 'timestamp';
}

/**
 * A value counts as missing when it is NULL, or for floats NaN or ±Infinity: no statistic can use
 * those, and the profile counts them as missing too, so suggested thresholds line up.
 */
export function missingSql(column: Column): string {
  const ident = quoteIdent(column.name);
  return isFloat(column) ? `(${ident} IS NULL OR NOT isfinite(${ident}))` : `${ident} IS NULL`;
}

export function presentSql(column: Column): string {
  return `NOT ${missingSql(column)}`;
}

/** A check value bound as what `column` compares with (validated beforehand by `valueProblem`). */
export function valueSql(column: Column, value: string | number | boolean, params: Params): string {
  const kind = storageKind(column.storageType);
  if (kind === 'integer' || kind === 'float') return params.bind(Number(value));
  if (kind === 'boolean') return params.bind(value === true || value === 'true');
  if (kind === 'date' || kind === 'timestamp')
    return `CAST(${params.bind(String(value))} AS ${column.storageType})`;
  return params.bind(String(value));
}

/** The value as a DOUBLE for binning: numbers as they are, dates and timestamps as epoch milliseconds. */
export function numericSql(column: Column): string {
  const ident = quoteIdent(column.name);
  const kind = storageKind(column.storageType);
  if (kind === 'date') return `epoch_ms(CAST(${ident} AS TIMESTAMP))::DOUBLE`;
  if (kind === 'timestamp') return `epoch_ms(${ident})::DOUBLE`;
  return `CAST(${ident} AS DOUBLE)`;
}

export function toNumber(value: JS | undefined): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

/** A DuckDB list of `_row_id`s → sorted numbers. */
export function toRowIds(value: JS | undefined): number[] {
  if (!Array.isArray(value)) return [];
  return value.map((id) => Number(id)).sort((a, b) => a - b);
}

/** A value read back from DuckDB, for a sentence: dates as ISO, numbers as they are. */
export function displayValue(value: JS | undefined): string {
  if (value === null || value === undefined) return 'none';
  if (value instanceof Date)
    return value
      .toISOString()
      .replace(/T00:00:00\.000Z$/, '')
      .replace(/\.000Z$/, 'Z');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  return String(value);
}
