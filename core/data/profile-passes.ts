import type { DuckDBConnection, DuckDBValue, JS } from '@duckdb/node-api';
import type { Histogram } from '../contract/schemas.js';
import { rowIdColumn } from './column-types.js';
import { binWidth, countedColumn, histogramOf } from './profile-numbers.js';
import type { CountedColumn } from './profile-numbers.js';
import { exactDistinctLimit, histogramBins, num, quantileLevels } from './profile-plan.js';
import type { Bounds, Plan, ProfileSource } from './profile-plan.js';
import { quoteIdent } from './sql.js';

/** Rows at the head of the relation that `probeHead` looks at. */
export const probeRows = 50_000;

/**
 * Share of distinct values among a numeric column's values in the head above which it is taken
 * for a many-valued (continuous) column. A column of d equally likely values shows about
 * (d / h)·(1 − e^(−h/d)) of h values as distinct: 0.79 for d = 100,000 and h = 50,000.
 */
const manyValuedShare = 0.8;

export interface HeadProbe {
  /** Numeric columns whose head follows `_row_id` one for one with no gap (maybe an id). */
  readonly sequenceCandidates: ReadonlySet<number>;
  /** Numeric columns whose head suggests at most `exactDistinctLimit` distinct values. */
  readonly fewValued: ReadonlySet<number>;
}

const signedIntegerType = /^(TINYINT|SMALLINT|INTEGER|BIGINT)$/i;

/** Integer columns that might follow `_row_id` one for one. */
function sequenceEligible(plan: Plan, source: ProfileSource): boolean {
  return (
    source.hasRowId === true && plan.kind === 'numeric' && signedIntegerType.test(plan.column.storageType)
  );
}

/** `value − _row_id` in DOUBLE: exact for the safe integers a sequence is accepted for, and never overflowing. */
function rowOffsetSql(plan: Plan): string {
  return `CAST(${plan.ident} AS DOUBLE) - ${quoteIdent(rowIdColumn)}`;
}

/**
 * One cheap query over the first `probeRows` rows deciding how each numeric column is profiled.
 * Both answers are guesses that only choose the cheaper way; a wrong guess costs time, never
 * exactness: a sequence is confirmed over all rows by the summary, and a column guessed few-valued
 * whose values turn out too many is profiled the general way (see `countValues`).
 */
export async function probeHead(
  connection: DuckDBConnection,
  source: ProfileSource,
  numeric: readonly Plan[],
): Promise<HeadProbe> {
  if (numeric.length === 0) return { sequenceCandidates: new Set(), fewValued: new Set() };
  const parts = ['count(*) AS rows'];
  for (const plan of numeric) {
    const i = plan.index;
    parts.push(`count(DISTINCT ${plan.valueSql}) AS hd${i}`, `count(${plan.valueSql}) AS hn${i}`);
    if (sequenceEligible(plan, source))
      parts.push(`min(${rowOffsetSql(plan)}) AS slo${i}`, `max(${rowOffsetSql(plan)}) AS shi${i}`);
  }
  const reader = await connection.runAndReadAll(
    `SELECT ${parts.join(', ')} FROM (SELECT * FROM ${source.fromSql} LIMIT ${probeRows})`,
    [...source.params],
  );
  const row = reader.getRowObjectsJS()[0] ?? {};
  const rows = Number(row['rows'] ?? 0);
  const sequenceCandidates = new Set<number>();
  const fewValued = new Set<number>();
  for (const plan of numeric) {
    const i = plan.index;
    const present = Number(row[`hn${i}`] ?? 0);
    const distinct = Number(row[`hd${i}`] ?? 0);
    if (sameOffset(row[`slo${i}`], row[`shi${i}`]) && present === rows && rows > 0) {
      sequenceCandidates.add(i);
      continue;
    }
    // The whole relation fits in the head: its distinct count is known, and below the limit.
    if (rows < probeRows || distinct <= manyValuedShare * present) fewValued.add(i);
  }
  return { sequenceCandidates, fewValued };
}

function sameOffset(lo: JS | undefined, hi: JS | undefined): boolean {
  return lo !== null && lo !== undefined && String(lo) === String(hi);
}

/** Statistics over all rows of one numeric or temporal column, from `summarise`. */
export interface ColumnSummary {
  readonly count: number;
  readonly bounds: Bounds | null;
  readonly mean: number | null;
  readonly std: number | null;
  /** HyperLogLog estimate; temporal columns only (numeric ones get theirs in `binAndSort`). */
  readonly approxDistinct: number | null;
  /** All values present and `value − _row_id` constant: min, min + 1, …, max (see `sequenceProfile`). */
  readonly isSequence: boolean;
}

/**
 * One pass over all rows: the row count, and for the columns given, counts, ranges and moments;
 * sequence candidates are checked here (min and max of `value − _row_id` equal).
 */
export async function summarise(
  connection: DuckDBConnection,
  source: ProfileSource,
  plans: readonly Plan[],
  sequenceCandidates: ReadonlySet<number>,
): Promise<{ rowCount: number; columns: Map<number, ColumnSummary> }> {
  const parts = ['count(*) AS total'];
  for (const plan of plans) {
    const i = plan.index;
    const v = plan.valueSql;
    parts.push(`count(${v}) AS n${i}`, `min(${v}) AS min${i}`, `max(${v}) AS max${i}`);
    if (plan.kind === 'numeric') parts.push(`avg(${v}) AS mean${i}`, `stddev_samp(${v}) AS std${i}`);
    else parts.push(`approx_count_distinct(${plan.ident}) AS d${i}`);
    if (sequenceCandidates.has(i))
      parts.push(`min(${rowOffsetSql(plan)}) AS slo${i}`, `max(${rowOffsetSql(plan)}) AS shi${i}`);
  }
  const reader = await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${source.fromSql}`, [
    ...source.params,
  ]);
  const row = reader.getRowObjectsJS()[0] ?? {};
  const rowCount = Number(row['total'] ?? 0);
  const columns = new Map<number, ColumnSummary>();
  for (const plan of plans) {
    const i = plan.index;
    const min = num(row[`min${i}`]);
    const max = num(row[`max${i}`]);
    const count = Number(row[`n${i}`] ?? 0);
    const bounds = min !== null && max !== null ? { min, max } : null;
    columns.set(i, {
      count,
      bounds,
      mean: num(row[`mean${i}`]),
      std: num(row[`std${i}`]),
      approxDistinct: plan.kind === 'numeric' ? null : Number(row[`d${i}`] ?? 0),
      isSequence:
        bounds !== null &&
        sequenceCandidates.has(i) &&
        sameOffset(row[`slo${i}`], row[`shi${i}`]) &&
        count === rowCount &&
        Number.isSafeInteger(bounds.min) &&
        Number.isSafeInteger(bounds.max),
    });
  }
  return { rowCount, columns };
}

/**
 * One query: value counts of the numeric columns guessed few-valued, from which count, exact
 * distinct, range, mean, std, quantiles and histogram follow in JS (`countedColumn`). Grouping 5M
 * values into 70k counts costs a third of what `quantile_cont` (which sorts all 5M) does, and needs
 * no summary pass. A column with more than `exactDistinctLimit` values is reported in `overflowed`,
 * to be profiled the general way.
 */
export async function countValues(
  connection: DuckDBConnection,
  source: ProfileSource,
  plans: readonly Plan[],
): Promise<{ counted: Map<number, CountedColumn>; overflowed: Plan[] }> {
  const counted = new Map<number, CountedColumn>();
  if (plans.length === 0) return { counted, overflowed: [] };
  // Grouped before the cast, so distinct integers beyond 2^53 are still counted apart. Positions and
  // expressions, not aliases, inside: a source column named like an alias would win over it.
  const parts = plans.map((plan) => {
    // A DOUBLE column is grouped as stored and its non-finite groups dropped after: a quarter cheaper
    // than masking NaN and infinities on every row first (`valueSql`).
    const groups =
      plan.column.storageType.toUpperCase() === 'DOUBLE'
        ? `SELECT value, n FROM (SELECT ${plan.ident} AS value, count(*) AS n FROM ${source.fromSql} GROUP BY 1) WHERE isfinite(value)`
        : `SELECT ${plan.valueSql} AS value, count(*) AS n FROM ${source.fromSql} WHERE ${plan.valueSql} IS NOT NULL GROUP BY 1`;
    // DOUBLE counts: JS numbers straight away, not BigInts. One row past the limit is enough to tell
    // a column has too many, so the groups need no window (`count(*) OVER ()`) to be counted; a column
    // guessed few-valued by mistake sends 100,001 rows to JS (some 40 ms) instead of one.
    return `SELECT ${plan.index} AS c, CAST(value AS DOUBLE) AS v, CAST(n AS DOUBLE) AS n FROM (${groups}) LIMIT ${exactDistinctLimit + 1}`;
  });
  const reader = await connection.runAndReadAll(
    `${parts.map((part) => `(${part})`).join(' UNION ALL ')} ORDER BY c, v`,
    [...source.params],
  );
  // Read by column: up to 100,001 rows per column reach JS, and an array per row (`getRowsJS`) took
  // about three times as long (~90 ms for the benchmark's 72k rows in a fresh process).
  const [columnIds = [], values = [], counts = []] = reader.getColumnsJS();
  const pairs = new Map<number, { values: number[]; counts: number[] }>();
  for (const plan of plans) pairs.set(plan.index, { values: [], counts: [] });
  columnIds.forEach((id, row) => {
    const entry = pairs.get(Number(id));
    entry?.values.push(Number(values[row]));
    entry?.counts.push(Number(counts[row]));
  });
  const overflowed: Plan[] = [];
  for (const plan of plans) {
    const entry = pairs.get(plan.index);
    if (entry === undefined || entry.values.length > exactDistinctLimit) overflowed.push(plan);
    else counted.set(plan.index, countedColumn(entry.values, entry.counts));
  }
  return { counted, overflowed };
}

export interface BinnedColumns {
  readonly histograms: Map<number, Histogram>;
  readonly quantiles: Map<number, Array<number | null>>;
  /** HyperLogLog estimates of the numeric columns. */
  readonly approxDistinct: Map<number, number>;
  readonly exactDistinct: Map<number, number>;
}

/**
 * One scan for the many-valued columns: histograms (DuckDB's `histogram()` map of bin index →
 * count, bounds from the summary), exact quantiles and HyperLogLog distinct counts of numeric
 * columns, and exact distinct counts of the few-valued date and time columns (`exactTargets`).
 */
export async function binAndSort(
  connection: DuckDBConnection,
  source: ProfileSource,
  histogramTargets: ReadonlyArray<{ readonly plan: Plan; readonly bounds: Bounds }>,
  quantileTargets: readonly Plan[],
  exactTargets: readonly Plan[],
): Promise<BinnedColumns> {
  const binned: BinnedColumns = {
    histograms: new Map(),
    quantiles: new Map(),
    approxDistinct: new Map(),
    exactDistinct: new Map(),
  };
  if (histogramTargets.length + quantileTargets.length + exactTargets.length === 0) return binned;
  const params: DuckDBValue[] = [...source.params];
  const parts = histogramTargets.map(({ plan, bounds }) => {
    params.push(bounds.min, binWidth(bounds));
    const minParam = `$${params.length - 1}::DOUBLE`;
    const widthParam = `$${params.length}::DOUBLE`;
    const bin = `least(CAST(floor((${plan.valueSql} - ${minParam}) / ${widthParam}) AS INTEGER), ${histogramBins - 1})`;
    // The FILTER matters: DuckDB's least() skips NULLs, so a missing value would land in the last bin.
    return `CAST(to_json(histogram(${bin}) FILTER (WHERE ${plan.valueSql} IS NOT NULL)) AS VARCHAR) AS h${plan.index}`;
  });
  for (const plan of quantileTargets) {
    parts.push(`quantile_cont(${plan.valueSql}, [${quantileLevels.join(', ')}]) AS q${plan.index}`);
    parts.push(`approx_count_distinct(${plan.valueSql}) AS a${plan.index}`);
  }
  // The stored values, not epoch milliseconds: two timestamps within one millisecond are distinct.
  for (const plan of exactTargets) parts.push(`count(DISTINCT ${plan.ident}) AS d${plan.index}`);
  const reader = await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${source.fromSql}`, params);
  const row = reader.getRowObjectsJS()[0] ?? {};
  for (const plan of exactTargets) binned.exactDistinct.set(plan.index, Number(row[`d${plan.index}`] ?? 0));
  for (const plan of quantileTargets) {
    const values = row[`q${plan.index}`];
    binned.quantiles.set(plan.index, Array.isArray(values) ? values.map((value) => num(value)) : []);
    binned.approxDistinct.set(plan.index, Number(row[`a${plan.index}`] ?? 0));
  }
  for (const { plan, bounds } of histogramTargets) {
    const raw = row[`h${plan.index}`];
    const binCounts = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, number> | null) : null;
    binned.histograms.set(plan.index, histogramOf(bounds, binCounts ?? {}));
  }
  return binned;
}

/** Exact distinct counts of numeric columns' (finite) values, in one scan. */
export async function countDistinct(
  connection: DuckDBConnection,
  source: ProfileSource,
  plans: readonly Plan[],
): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (plans.length === 0) return result;
  const parts = plans.map((plan) => `count(DISTINCT ${plan.valueSql}) AS d${plan.index}`);
  const reader = await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${source.fromSql}`, [
    ...source.params,
  ]);
  const row = reader.getRowObjectsJS()[0] ?? {};
  for (const plan of plans) result.set(plan.index, Number(row[`d${plan.index}`] ?? 0));
  return result;
}
