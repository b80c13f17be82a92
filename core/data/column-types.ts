import type { ColumnType } from '../contract/schemas.js';

/** The stable row id every snapshot carries first: the record's 0-based position in the source. */
export const rowIdColumn = '_row_id';

/** The DuckDB type a snapshot stores for a type the user chose. Categories stay VARCHAR in Parquet
 * (dictionary-encoded there anyway), so `categorical` is a label, not an ENUM. */
export const storageTypeFor: Readonly<Record<ColumnType, string>> = {
  integer: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  categorical: 'VARCHAR',
  text: 'VARCHAR',
};

const integerTypes =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const floatTypes = /^(FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;

/** What kind of storage a DuckDB type is, before the text/categorical decision. */
export type StorageKind = 'integer' | 'float' | 'boolean' | 'date' | 'timestamp' | 'string' | 'other';

export function storageKind(duckType: string): StorageKind {
  const type = duckType.toUpperCase();
  if (integerTypes.test(type)) return 'integer';
  if (floatTypes.test(type)) return 'float';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  if (type === 'VARCHAR') return 'string';
  return 'other';
}

/**
 * The rule for `categorical` vs `text` on a string column with `nonNull` values of which
 * `distinct` differ: categorical when there are at most max(50, 1% of the values) distinct ones,
 * never more than 1000, and values repeat on average (distinct ≤ half the values). So 5 colours in
 * 5M rows or 40 cities are categories; free text, ids and a 10-row column of unique names are text.
 */
export function isCategorical(distinct: number, nonNull: number): boolean {
  if (nonNull === 0) return false;
  const limit = Math.min(1000, Math.max(50, Math.floor(nonNull / 100)));
  return distinct <= limit && distinct * 2 <= nonNull;
}

/** The logical type of a stored column; strings need the cardinality rule, everything else is fixed. */
export function logicalTypeOf(
  duckType: string,
  cardinality?: { distinct: number; nonNull: number },
): ColumnType {
  const kind = storageKind(duckType);
  switch (kind) {
    case 'integer':
    case 'float':
    case 'boolean':
    case 'date':
    case 'timestamp':
      return kind;
    case 'string':
      return cardinality !== undefined && isCategorical(cardinality.distinct, cardinality.nonNull)
        ? 'categorical'
        : 'text';
    case 'other':
      return 'text';
  }
}

/** The type a staged column is stored as in the snapshot: the user's choice, else its own type, with
 * anything outside the simple kinds (times, nested values, blobs) stored as VARCHAR. */
export function snapshotStorageType(duckType: string, override: ColumnType | undefined): string {
  if (override !== undefined) {
    const target = storageTypeFor[override];
    return storageKind(duckType) === storageKind(target) ? duckType : target;
  }
  return storageKind(duckType) === 'other' ? 'VARCHAR' : duckType;
}
