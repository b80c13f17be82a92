import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column } from '../../contract/schemas.js';
import type { Check } from '../../contract/validation.js';
import { storageKind } from '../column-types.js';
import { quoteIdent } from '../sql.js';
import type { Outcome } from './outcome.js';
import { exampleRowLimit, Params, presentSql, toNumber, toRowIds } from './sql-parts.js';
import { formatCount, formatShare, plural } from './words.js';

/** Rows of one snapshot: its Parquet file and columns (without `_row_id`). */
export interface Snapshot {
  readonly parquetPath: string;
  readonly columns: readonly Column[];
}

/** More categories than this and a category-count check refuses (chi2 or class balance on an id column). */
export const maxCategories = 10_000;

async function firstRow(
  connection: DuckDBConnection,
  sql: string,
  params: Params,
): Promise<Record<string, unknown>> {
  const reader = await connection.runAndReadAll(sql, params.values);
  return (reader.getRowObjectsJS()[0] ?? {}) as Record<string, unknown>;
}

/**
 * Integer columns spanning at most this many values are checked for distinctness with one bit per
 * value (`bitstring_agg`, 8 MB at the limit) instead of a hash group-by: on 10M ids 0.25 s of CPU
 * instead of 2.4 s.
 */
export const bitmapRangeLimit = 2 ** 26;

/**
 * Whether the present values of the integer column `column` are all distinct, answered cheaply by a
 * bitmap over [min, max] when that range is small; `undefined` when it cannot be answered that way.
 * Exact: the bitmap's set bits are the distinct values.
 */
async function integerValuesDistinct(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  column: Column,
): Promise<{ distinct: boolean; present: number; missing: number } | undefined> {
  if (storageKind(column.storageType) !== 'integer') return undefined;
  const ident = quoteIdent(column.name);
  // From the Parquet footer's statistics when DuckDB can, so nearly free.
  const range = await firstRow(
    connection,
    `SELECT min(${ident}) AS lo, max(${ident}) AS hi, count(${ident}) AS present, count(*) AS total FROM read_parquet($1)`,
    new Params([snapshot.parquetPath]),
  );
  const present = toNumber(range['present'] as never);
  const missing = toNumber(range['total'] as never) - present;
  if (present === 0) return { distinct: true, present, missing };
  const lo = BigInt(range['lo'] as never);
  const hi = BigInt(range['hi'] as never);
  if (hi - lo + 1n > BigInt(bitmapRangeLimit)) return undefined;
  const counted = await firstRow(
    connection,
    `SELECT bit_count(bitstring_agg(${ident}::BIGINT, $2::BIGINT, $3::BIGINT)) AS distinct_values FROM read_parquet($1) WHERE ${ident} IS NOT NULL`,
    new Params([snapshot.parquetPath, lo, hi]),
  );
  return { distinct: toNumber(counted['distinct_values'] as never) === present, present, missing };
}

/**
 * unique: rows whose key (all of `columns`, none missing) appears more than once. Like a SQL UNIQUE
 * constraint, rows with a missing key part are not compared. Every row of a duplicated key fails
 * (no occurrence is "the right one").
 */
export async function runUnique(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  keyColumns: readonly Column[],
): Promise<Outcome> {
  const what = keyColumns.length === 1 ? 'value' : 'key';
  const passed: Outcome = {
    passed: true,
    observed: `every ${what} is unique`,
    observedValue: 0,
    failingRows: 0,
    exampleRowIds: [],
    error: null,
  };
  const [only] = keyColumns;
  if (keyColumns.length === 1 && only !== undefined) {
    const bitmap = await integerValuesDistinct(connection, snapshot, only);
    if (bitmap?.distinct === true) return passed;
  }
  const params = new Params([snapshot.parquetPath]);
  const keys = keyColumns.map((column) => quoteIdent(column.name));
  const present = keyColumns.map(presentSql).join(' AND ');
  // Grouping by one 64-bit hash of the key is cheaper than by the key itself (two strings, say); the
  // rare rows whose hash repeats are then grouped by their real key, so a collision cannot miscount.
  const keyHash = `hash(${keys.join(', ')})`;
  const candidates = `SELECT * FROM read_parquet($1) WHERE ${present} AND ${keyHash} IN (SELECT h FROM (SELECT ${keyHash} AS h FROM read_parquet($1) WHERE ${present}) GROUP BY h HAVING count(*) > 1)`;
  const grouped = `SELECT "_row_id", count(*) OVER (PARTITION BY ${keys.join(', ')}) AS n, row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY "_row_id") AS k FROM (${candidates})`;
  const counted = await firstRow(
    connection,
    `WITH g AS (${grouped}) SELECT count(*) FILTER (WHERE n > 1) AS rows, count(*) FILTER (WHERE n > 1 AND k = 1) AS keys, min("_row_id", ${exampleRowLimit}) FILTER (WHERE n > 1) AS ids FROM g`,
    params,
  );
  const duplicateKeys = toNumber(counted['keys'] as never);
  const failing = toNumber(counted['rows'] as never);
  if (failing === 0) return passed;
  return {
    passed: false,
    observed: `${plural(failing, 'row')} share ${duplicateKeys === 1 ? `one duplicated ${what}` : `${formatCount(duplicateKeys)} duplicated ${what}s`}`,
    observedValue: failing,
    failingRows: failing,
    exampleRowIds: toRowIds(counted['ids'] as never),
    error: null,
  };
}

/**
 * no_duplicate_rows: rows equal in every column but `_row_id` (missing values equal each other, as in
 * pandas' `duplicated`). If some integer column has every value present and distinct (an id), no two
 * rows can be equal, which a bitmap answers far faster than grouping all rows. Otherwise hashing all
 * columns into one UBIGINT first keeps the big group-by narrow; only rows whose hash repeats are
 * then compared column by column, so collisions cannot miscount.
 */
export async function runNoDuplicateRows(connection: DuckDBConnection, snapshot: Snapshot): Promise<Outcome> {
  const passed: Outcome = {
    passed: true,
    observed: 'no duplicate rows',
    observedValue: 0,
    failingRows: 0,
    exampleRowIds: [],
    error: null,
  };
  for (const column of snapshot.columns) {
    const bitmap = await integerValuesDistinct(connection, snapshot, column);
    if (bitmap?.distinct === true && bitmap.missing === 0 && bitmap.present > 0) return passed;
  }
  const params = new Params([snapshot.parquetPath]);
  const idents = snapshot.columns.map((column) => quoteIdent(column.name));
  const hash = `hash(${idents.join(', ')})`;
  const candidates = `SELECT * FROM read_parquet($1) WHERE ${hash} IN (SELECT h FROM (SELECT ${hash} AS h FROM read_parquet($1)) GROUP BY h HAVING count(*) > 1)`;
  const grouped = `SELECT "_row_id", count(*) OVER (PARTITION BY ${idents.join(', ')}) AS n, row_number() OVER (PARTITION BY ${idents.join(', ')} ORDER BY "_row_id") AS k FROM (${candidates})`;
  const row = await firstRow(
    connection,
    `WITH g AS (${grouped}) SELECT count(*) FILTER (WHERE n > 1) AS rows, count(*) FILTER (WHERE n > 1 AND k = 1) AS groups, min("_row_id", ${exampleRowLimit}) FILTER (WHERE n > 1) AS ids FROM g`,
    params,
  );
  const failing = toNumber(row['rows'] as never);
  const groups = toNumber(row['groups'] as never);
  if (failing === 0) return passed;
  return {
    passed: false,
    observed: `${plural(failing, 'row')} in ${plural(groups, 'group')} of identical rows`,
    observedValue: failing,
    failingRows: failing,
    exampleRowIds: toRowIds(row['ids'] as never),
    error: null,
  };
}

/** Counts of each present value of `column` as text (booleans `true`/`false`), most frequent first. */
export async function categoryCounts(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  column: Column,
): Promise<Map<string, number>> {
  const ident = quoteIdent(column.name);
  const reader = await connection.runAndReadAll(
    `SELECT CAST(${ident} AS VARCHAR) AS k, count(*) AS n FROM read_parquet($1) WHERE ${presentSql(column)} GROUP BY k ORDER BY n DESC, k LIMIT ${maxCategories + 1}`,
    [snapshot.parquetPath],
  );
  const rows = reader.getRowsJS();
  if (rows.length > maxCategories) {
    throw new Error(
      `\`${column.name}\` has more than ${formatCount(maxCategories)} distinct values, too many to compare as categories.`,
    );
  }
  return new Map(rows.map(([key, count]) => [String(key), Number(count)]));
}

/**
 * class_balance over the labelled (present) rows: every class's share within [minShare, maxShare].
 * observedValue is the share of the class furthest outside the bounds, or of the smallest class (the
 * largest when only maxShare is set) when all are inside. No labelled rows fails: balance is undefined.
 */
export function classBalanceOutcome(
  check: Extract<Check, { kind: 'class_balance' }>,
  counts: ReadonlyMap<string, number>,
): Outcome {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const base = { failingRows: 0, exampleRowIds: [], error: null };
  if (total === 0) return { ...base, passed: false, observed: 'no labelled rows', observedValue: null };
  const classes = [...counts.entries()].map(([name, count]) => ({ name, share: count / total }));
  classes.sort((a, b) => a.share - b.share || (a.name < b.name ? -1 : 1));
  const smallest = classes[0] ?? { name: '', share: 0 };
  const largest = classes[classes.length - 1] ?? smallest;
  const tooSmall = check.minShare !== undefined && smallest.share < check.minShare;
  const tooLarge = check.maxShare !== undefined && largest.share > check.maxShare;
  const of = `${formatCount(classes.length)} classes, ${plural(total, 'labelled row')}`;
  if (tooSmall) {
    return {
      ...base,
      passed: false,
      observed: `class '${smallest.name}' holds ${formatShare(smallest.share)} (at least ${formatShare(check.minShare ?? 0)} required; ${of})`,
      observedValue: smallest.share,
    };
  }
  if (tooLarge) {
    return {
      ...base,
      passed: false,
      observed: `class '${largest.name}' holds ${formatShare(largest.share)} (at most ${formatShare(check.maxShare ?? 1)} allowed; ${of})`,
      observedValue: largest.share,
    };
  }
  const shown = check.minShare !== undefined ? smallest : largest;
  return {
    ...base,
    passed: true,
    observed: `${check.minShare !== undefined ? 'smallest' : 'largest'} class '${shown.name}' holds ${formatShare(shown.share)} (${of})`,
    observedValue: shown.share,
  };
}
