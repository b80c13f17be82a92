import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column } from '../../contract/schemas.js';
import type { Check } from '../../contract/validation.js';
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
 * unique: rows whose key (all of `columns`, none missing) appears more than once. Like a SQL UNIQUE
 * constraint, rows with a missing key part are not compared. Every row of a duplicated key fails
 * (no occurrence is "the right one").
 */
export async function runUnique(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  keyColumns: readonly Column[],
): Promise<Outcome> {
  const params = new Params([snapshot.parquetPath]);
  const keys = keyColumns.map((column) => quoteIdent(column.name));
  const present = keyColumns.map(presentSql).join(' AND ');
  const duplicates = `SELECT ${keys.join(', ')} FROM read_parquet($1) WHERE ${present} GROUP BY ${keys.join(', ')} HAVING count(*) > 1`;
  const counted = await firstRow(
    connection,
    `SELECT count(*) AS keys, coalesce(sum(n), 0) AS rows FROM (SELECT count(*) AS n FROM read_parquet($1) WHERE ${present} GROUP BY ${keys.join(', ')} HAVING count(*) > 1)`,
    params,
  );
  const duplicateKeys = toNumber(counted['keys'] as never);
  const failing = toNumber(counted['rows'] as never);
  let ids: number[] = [];
  if (failing > 0) {
    const join = keys.map((key) => `t.${key} = d.${key}`).join(' AND ');
    const reader = await connection.runAndReadAll(
      `WITH d AS (${duplicates}) SELECT t."_row_id" FROM read_parquet($1) t JOIN d ON ${join} ORDER BY t."_row_id" LIMIT ${exampleRowLimit}`,
      params.values,
    );
    ids = reader.getRowsJS().map((row) => Number(row[0]));
  }
  const what = keyColumns.length === 1 ? 'value' : 'key';
  return {
    passed: failing === 0,
    observed:
      failing === 0
        ? `every ${what} is unique`
        : `${plural(failing, 'row')} share ${duplicateKeys === 1 ? `one duplicated ${what}` : `${formatCount(duplicateKeys)} duplicated ${what}s`}`,
    observedValue: failing,
    failingRows: failing,
    exampleRowIds: ids,
    error: null,
  };
}

/**
 * no_duplicate_rows: rows equal in every column but `_row_id` (missing values equal each other, as in
 * pandas' `duplicated`). Hashing all columns into one UBIGINT first keeps the big group-by narrow;
 * only rows whose hash repeats are then compared column by column, so collisions cannot miscount.
 */
export async function runNoDuplicateRows(connection: DuckDBConnection, snapshot: Snapshot): Promise<Outcome> {
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
  return {
    passed: failing === 0,
    observed:
      failing === 0
        ? 'no duplicate rows'
        : `${plural(failing, 'row')} in ${plural(groups, 'group')} of identical rows`,
    observedValue: failing,
    failingRows: failing,
    exampleRowIds: failing > 0 ? toRowIds(row['ids'] as never) : [],
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
