import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column, ColumnType } from '../contract/schemas.js';
import { logicalTypeOf, storageKind } from './column-types.js';
import { quoteIdent } from './sql.js';

/** A column as DuckDB staged it, before we decide its logical type. */
export interface StagedColumn {
  readonly name: string;
  readonly duckType: string;
}

/** Names and DuckDB types of a table or query, in order. */
export async function describeColumns(
  connection: DuckDBConnection,
  relationSql: string,
): Promise<StagedColumn[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${relationSql}`);
  return reader
    .getRowObjectsJS()
    .map((row) => ({ name: String(row['column_name']), duckType: String(row['column_type']) }));
}

/** Rows looked at to decide whether a string column might be numbers with a few typos. */
const headSampleRows = 20_000;

export interface StringColumnStats {
  /**
   * Distinct values: exact when the profile answers (it groups text values anyway), a HyperLogLog
   * estimate from `analyseStringColumns` (compared against thresholds only).
   */
  readonly distinct: number;
  readonly nonNull: number;
  /** Values that parse as a number (`TRY_CAST(… AS DOUBLE)` succeeds). */
  readonly numeric: number;
}

/**
 * String columns whose first rows are at least half numbers. TRY_CAST over millions of strings is
 * the slow part of `analyseStringColumns`, so numeric-looking values are counted in full only for
 * these; the others report 0.
 */
export async function numericLookingColumns(
  connection: DuckDBConnection,
  table: string,
  columns: readonly StagedColumn[],
): Promise<Set<string>> {
  const strings = columns.filter((column) => storageKind(column.duckType) === 'string');
  if (strings.length === 0) return new Set();
  const headSelects = strings.map(
    (column, index) =>
      `count(TRY_CAST(${quoteIdent(column.name)} AS DOUBLE)) * 2 >= count(${quoteIdent(column.name)}) AND count(${quoteIdent(column.name)}) > 0 AS h${index}`,
  );
  const headReader = await connection.runAndReadAll(
    `SELECT ${headSelects.join(', ')} FROM (SELECT * FROM ${quoteIdent(table)} WHERE rowid < ${headSampleRows})`,
  );
  const headRow = headReader.getRowObjectsJS()[0] ?? {};
  return new Set(strings.filter((_column, index) => headRow[`h${index}`] === true).map((c) => c.name));
}

/** One pass over `table` for every string column: cardinality and how many values look numeric. */
export async function analyseStringColumns(
  connection: DuckDBConnection,
  table: string,
  columns: readonly StagedColumn[],
): Promise<Map<string, StringColumnStats>> {
  const strings = columns.filter((column) => storageKind(column.duckType) === 'string');
  const stats = new Map<string, StringColumnStats>();
  if (strings.length === 0) return stats;
  const numericLooking = await numericLookingColumns(connection, table, strings);
  const selects = strings.flatMap((column, index) => {
    const ident = quoteIdent(column.name);
    return [
      `approx_count_distinct(${ident}) AS d${index}`,
      `count(${ident}) AS n${index}`,
      numericLooking.has(column.name) ? `count(TRY_CAST(${ident} AS DOUBLE)) AS x${index}` : `0 AS x${index}`,
    ];
  });
  const reader = await connection.runAndReadAll(`SELECT ${selects.join(', ')} FROM ${quoteIdent(table)}`);
  const row = reader.getRowObjectsJS()[0] ?? {};
  strings.forEach((column, index) => {
    stats.set(column.name, {
      distinct: Number(row[`d${index}`] ?? 0),
      nonNull: Number(row[`n${index}`] ?? 0),
      numeric: Number(row[`x${index}`] ?? 0),
    });
  });
  return stats;
}

/** Share of numeric-looking values above which a text column is probably a number column with typos. */
export const mostlyNumericShare = 0.9;

/**
 * Warnings for text columns whose values are mostly numbers: the user likely wants a number column
 * and a few values ('n/a', '?') stopped it. Names the count and the first offending row (`_row_id`).
 */
export async function mostlyNumericWarnings(
  connection: DuckDBConnection,
  table: string,
  stats: ReadonlyMap<string, StringColumnStats>,
  skip: ReadonlySet<string>,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const [name, stat] of stats) {
    if (skip.has(name) || stat.nonNull === 0 || stat.numeric === stat.nonNull) continue;
    if (stat.numeric / stat.nonNull < mostlyNumericShare) continue;
    const ident = quoteIdent(name);
    const reader = await connection.runAndReadAll(
      `SELECT rowid, ${ident} FROM ${quoteIdent(table)} WHERE ${ident} IS NOT NULL AND TRY_CAST(${ident} AS DOUBLE) IS NULL ORDER BY rowid LIMIT 1`,
    );
    const example = reader.getRowsJS()[0];
    const bad = stat.nonNull - stat.numeric;
    const where = example === undefined ? '' : `, e.g. row ${String(example[0])}: '${String(example[1])}'`;
    warnings.push(
      `column \`${name}\` is text because ${bad} value${bad === 1 ? ' is' : 's are'} not numbers${where}. ` +
        'To get a number column, fix those values (leave a missing value empty) and import again.',
    );
  }
  return warnings;
}

/** The contract's `Column` for each staged column, honouring the user's chosen types. */
export function toColumns(
  staged: readonly StagedColumn[],
  stats: ReadonlyMap<string, StringColumnStats>,
  overrides: Readonly<Record<string, ColumnType>>,
  storageOf: (column: StagedColumn) => string,
): Column[] {
  return staged.map((column) => {
    const storageType = storageOf(column);
    const stat = stats.get(column.name);
    const type =
      overrides[column.name] ??
      logicalTypeOf(
        storageType,
        stat === undefined ? undefined : { distinct: stat.distinct, nonNull: stat.nonNull },
      );
    return { name: column.name, type, storageType };
  });
}
