import type { DuckDBConnection, DuckDBInstance, DuckDBValue, JS } from '@duckdb/node-api';
import type { Column, ColumnProfile, Histogram, TopValue } from '../contract/schemas.js';
import { finiteOrNull } from './cells.js';
import type { StringColumnStats } from './column-analysis.js';
import { rowIdColumn, storageKind } from './column-types.js';
import { withConnection } from './duck.js';
import { quoteIdent } from './sql.js';
import { timed } from './timings.js';

export interface SnapshotProfile {
  readonly rowCount: number;
  readonly columns: ColumnProfile[];
}

/** Equal-width bins per histogram. */
export const histogramBins = 30;
/** Most frequent values kept for categorical, text and boolean columns. */
export const topValueCount = 10;

type Kind = 'numeric' | 'temporal' | 'string' | 'boolean';

interface Plan {
  readonly column: Column;
  readonly kind: Kind;
  readonly ident: string;
  /** The value stats are computed on: DOUBLE for numbers (non-finite → NULL), epoch ms for dates. */
  readonly valueSql: string;
}

function kindOf(column: Column): Kind {
  switch (column.type) {
    case 'integer':
    case 'float':
      return 'numeric';
    case 'date':
    case 'timestamp':
      return 'temporal';
    case 'boolean':
      return 'boolean';
    case 'categorical':
    case 'text':
      return 'string';
  }
}

/**
 * The numeric value an aggregate reads. Integers are used as stored (no NaN or infinities, and
 * DuckDB's avg, stddev and quantile_cont of an integer are DOUBLE already): casting 5M integers to
 * DOUBLE made `quantile_cont` about 3× slower. DOUBLE only needs the non-finite values masked.
 */
function numericValueSql(column: Column, ident: string): string {
  const stored = storageKind(column.storageType);
  if (stored === 'integer') return ident;
  const asDouble = column.storageType.toUpperCase() === 'DOUBLE' ? ident : `CAST(${ident} AS DOUBLE)`;
  return `(CASE WHEN isfinite(${asDouble}) THEN ${asDouble} END)`;
}

function planColumn(column: Column): Plan {
  const ident = quoteIdent(column.name);
  const kind = kindOf(column);
  const valueSql =
    kind === 'numeric'
      ? numericValueSql(column, ident)
      : kind === 'temporal'
        ? column.type === 'date'
          ? `epoch_ms(CAST(${ident} AS TIMESTAMP))`
          : `epoch_ms(${ident})`
        : ident;
  return { column, kind, ident, valueSql };
}

function num(value: JS | undefined): number | null {
  if (value === null || value === undefined) return null;
  return finiteOrNull(Number(value));
}

function isoOf(ms: number | null, dateOnly: boolean): string | null {
  if (ms === null) return null;
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : iso;
}
/** Rows to profile: a relation (`read_parquet($1)`, a staging table, a subquery) and its bound parameters. */
export interface ProfileSource {
  readonly fromSql: string;
  /**
   * The relation has the `_row_id` column (file position), which lets an integer column that runs
   * 1, 2, 3… with the rows (an id) be profiled by arithmetic instead of a sort; see `sequenceProfile`.
   */
  readonly hasRowId?: boolean | undefined;
  readonly params: readonly DuckDBValue[];
}

/** Pass 1: counts, approximate distinct, moments, ranges and text lengths for every column at once. */
function summarySql(
  plans: readonly Plan[],
  source: ProfileSource,
  countNumeric: ReadonlySet<string>,
): string {
  const parts = ['count(*) AS total'];
  plans.forEach((plan, i) => {
    const v = plan.valueSql;
    // "count" is values present; NaN/±Infinity are missing, like NULL, since no statistic can use them.
    parts.push(`count(${plan.kind === 'string' || plan.kind === 'boolean' ? plan.ident : v}) AS n${i}`);
    // HyperLogLog first; exact counts follow for the columns where that is cheap (see exactDistinctLimit).
    parts.push(`approx_count_distinct(${plan.ident}) AS d${i}`);
    if (sequenceCandidate(plan, source)) {
      // In DOUBLE, exact for the values accepted (min and max safe integers, see below) and never
      // overflowing as BIGINT or slow as HUGEINT arithmetic would.
      const offset = `CAST(${plan.ident} AS DOUBLE) - ${quoteIdent(rowIdColumn)}`;
      parts.push(`min(${offset}) AS slo${i}`, `max(${offset}) AS shi${i}`);
    }
    if (plan.kind === 'numeric') {
      parts.push(
        `min(${v}) AS min${i}`,
        `max(${v}) AS max${i}`,
        `avg(${v}) AS mean${i}`,
        `stddev_samp(${v}) AS std${i}`,
      );
    } else if (plan.kind === 'temporal') {
      parts.push(`min(${v}) AS min${i}`, `max(${v}) AS max${i}`);
    } else if (plan.kind === 'string') {
      const length = `length(${plan.ident})`;
      parts.push(`min(${length}) AS lmin${i}`, `avg(${length}) AS lmean${i}`, `max(${length}) AS lmax${i}`);
      if (countNumeric.has(plan.column.name)) parts.push(`count(TRY_CAST(${plan.ident} AS DOUBLE)) AS x${i}`);
    }
  });
  return `SELECT ${parts.join(', ')} FROM ${source.fromSql}`;
}

interface Bounds {
  readonly min: number;
  readonly max: number;
}

const signedIntegerType = /^(TINYINT|SMALLINT|INTEGER|BIGINT)$/i;

/** Integer columns whose values might follow `_row_id` one for one (checked in the summary pass). */
function sequenceCandidate(plan: Plan, source: ProfileSource): boolean {
  return (
    source.hasRowId === true && plan.kind === 'numeric' && signedIntegerType.test(plan.column.storageType)
  );
}

/**
 * A column with no missing value whose value minus `_row_id` is the same on every row holds
 * min, min + 1, …, max once each: its distinct count is the row count, and its quantiles and
 * histogram follow by arithmetic (exactly what `quantile_cont` and the binned count would give)
 * without sorting or binning millions of values.
 */
function sequenceProfile(
  bounds: Bounds,
  rows: number,
): { quantiles: Array<number | null>; histogram: Histogram } {
  const quantiles = quantileLevels.map((level) => {
    // As quantile_cont: order statistics ⌊h⌋ and ⌈h⌉ (here min + k), interpolated lo + (hi − lo)·(h − ⌊h⌋).
    const h = (rows - 1) * level;
    const lo = bounds.min + Math.floor(h);
    const hi = bounds.min + Math.ceil(h);
    return finiteOrNull(lo + (hi - lo) * (h - Math.floor(h)));
  });
  // The SQL binning is least(floor((v − min) / width), bins − 1) with v − min = k, an exact DOUBLE for
  // k = 0…rows − 1; `firstOf(b)` is the smallest k landing in bin b or later, found the same way.
  const width = binWidth(bounds);
  const binOf = (k: number): number => Math.min(Math.floor(k / width), histogramBins - 1);
  const firstOf = (bin: number): number => {
    let k = Math.min(rows, Math.max(0, Math.ceil(bin * width)));
    while (k > 0 && binOf(k - 1) >= bin) k -= 1;
    while (k < rows && binOf(k) < bin) k += 1;
    return k;
  };
  const binCounts: Record<string, number> = {};
  for (let bin = 0; bin < histogramBins; bin++) {
    const count = (bin === histogramBins - 1 ? rows : firstOf(bin + 1)) - firstOf(bin);
    if (count > 0) binCounts[bin] = count;
  }
  return { quantiles, histogram: histogramOf(bounds, binCounts) };
}

/**
 * Distinct counts are exact for columns with at most this many (approximately counted) distinct
 * values, and the HyperLogLog estimate (about 2% error) above it: exact `count(DISTINCT)` over every
 * column of a 5M-row file took 9.5 s of a 12 s profile, nearly all in the near-unique columns.
 */
export const exactDistinctLimit = 100_000;

const quantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

interface SecondPass {
  readonly histograms: Map<number, Histogram>;
  readonly exactDistinct: Map<number, number>;
  readonly quantiles: Map<number, Array<number | null>>;
}

/** Equal-width bins over `bounds`, from per-bin counts (bin index → count). */
function histogramOf(bounds: Bounds, binCounts: Readonly<Record<string, number>>): Histogram {
  const counts = new Array<number>(histogramBins).fill(0);
  for (const [bin, count] of Object.entries(binCounts)) counts[Number(bin)] = Number(count);
  if (bounds.max === bounds.min) {
    // One value only: a single bin holding it, so edges still bracket the data.
    return { edges: [bounds.min, bounds.max], counts: [counts.reduce((a, b) => a + b, 0)] };
  }
  const width = (bounds.max - bounds.min) / histogramBins;
  const edges = Array.from({ length: histogramBins + 1 }, (_unused, i) =>
    i === histogramBins ? bounds.max : bounds.min + i * width,
  );
  return { edges, counts };
}

/** Bin width as bound into SQL (and used by the JS binning of value counts, so both agree). */
function binWidth(bounds: Bounds): number {
  const width = (bounds.max - bounds.min) / histogramBins;
  return width > 0 ? width : 1;
}

/**
 * Pass 2, one scan: histograms (DuckDB's `histogram()` map of bin index → count, bounds from
 * pass 1), exact quantiles of the many-valued numeric columns, and exact distinct counts of the
 * low-cardinality date and time columns (text and booleans get theirs from `topValues`).
 */
async function histogramsAndDistincts(
  connection: DuckDBConnection,
  source: ProfileSource,
  histogramTargets: ReadonlyArray<{ readonly index: number; readonly plan: Plan; readonly bounds: Bounds }>,
  quantileTargets: ReadonlyArray<{ readonly index: number; readonly plan: Plan }>,
  distinctTargets: ReadonlyArray<{ readonly index: number; readonly plan: Plan }>,
): Promise<SecondPass> {
  const histograms = new Map<number, Histogram>();
  const exactDistinct = new Map<number, number>();
  const quantiles = new Map<number, Array<number | null>>();
  if (histogramTargets.length + quantileTargets.length + distinctTargets.length === 0)
    return { histograms, exactDistinct, quantiles };
  const params: DuckDBValue[] = [...source.params];
  const parts = histogramTargets.map(({ index, plan, bounds }) => {
    params.push(bounds.min, binWidth(bounds));
    const minParam = `$${params.length - 1}::DOUBLE`;
    const widthParam = `$${params.length}::DOUBLE`;
    const bin = `least(CAST(floor((${plan.valueSql} - ${minParam}) / ${widthParam}) AS INTEGER), ${histogramBins - 1})`;
    // The FILTER matters: DuckDB's least() skips NULLs, so a missing value would land in the last bin.
    return `CAST(to_json(histogram(${bin}) FILTER (WHERE ${plan.valueSql} IS NOT NULL)) AS VARCHAR) AS h${index}`;
  });
  for (const { index, plan } of quantileTargets)
    parts.push(`quantile_cont(${plan.valueSql}, [${quantileLevels.join(', ')}]) AS q${index}`);
  for (const { index, plan } of distinctTargets) parts.push(`count(DISTINCT ${plan.ident}) AS d${index}`);
  const reader = await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${source.fromSql}`, params);
  const row = reader.getRowObjectsJS()[0] ?? {};
  for (const { index } of distinctTargets) exactDistinct.set(index, Number(row[`d${index}`] ?? 0));
  for (const { index } of quantileTargets) {
    const values = row[`q${index}`];
    quantiles.set(index, Array.isArray(values) ? values.map((value) => num(value)) : []);
  }
  for (const { index, bounds } of histogramTargets) {
    const raw = row[`h${index}`];
    const binCounts = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, number> | null) : null;
    histograms.set(index, histogramOf(bounds, binCounts ?? {}));
  }
  return { histograms, exactDistinct, quantiles };
}

interface CountedColumn {
  readonly distinct: number;
  readonly quantiles: Array<number | null>;
  readonly histogram: Histogram | null;
}

/**
 * `quantile_cont` on sorted (value, count) pairs: position h = (n − 1)·p between the order
 * statistics ⌊h⌋ and ⌈h⌉, interpolated as DuckDB does (lo + (hi − lo)·(h − ⌊h⌋)).
 */
export function quantilesOfCounts(
  values: readonly number[],
  counts: readonly number[],
  levels: readonly number[],
): Array<number | null> {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return levels.map(() => null);
  // Cumulative count up to and including each value: order statistic k is values[first i with cumulative > k].
  const cumulative: number[] = [];
  let running = 0;
  for (const count of counts) cumulative.push((running += count));
  const orderStatistic = (k: number): number => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) > k) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] ?? Number.NaN;
  };
  return levels.map((level) => {
    const h = (total - 1) * level;
    const floor = Math.floor(h);
    const lo = orderStatistic(floor);
    if (h === floor) return finiteOrNull(lo);
    const hi = orderStatistic(Math.ceil(h));
    return finiteOrNull(lo + (hi - lo) * (h - floor));
  });
}

/**
 * Pass 2b, one query: value counts of the numeric columns with few distinct values, from which
 * their exact distinct count, exact quantiles and histogram follow in JS. Grouping 5M values
 * into 70k counts costs a third of what `quantile_cont` (which sorts all 5M) does.
 */
async function valueCounts(
  connection: DuckDBConnection,
  source: ProfileSource,
  targets: ReadonlyArray<{ readonly index: number; readonly plan: Plan; readonly bounds: Bounds | null }>,
): Promise<Map<number, CountedColumn>> {
  const result = new Map<number, CountedColumn>();
  if (targets.length === 0) return result;
  // Grouped before the cast, so distinct integers beyond 2^53 are still counted apart. Positions and
  // expressions, not aliases, inside: a source column named like an alias would win over it.
  const parts = targets.map(
    ({ index, plan }) =>
      `SELECT ${index} AS c, CAST(value AS DOUBLE) AS v, n FROM (SELECT ${plan.valueSql} AS value, count(*) AS n FROM ${source.fromSql} WHERE ${plan.valueSql} IS NOT NULL GROUP BY 1)`,
  );
  const reader = await connection.runAndReadAll(
    `${parts.map((part) => `(${part})`).join(' UNION ALL ')} ORDER BY c, v`,
    [...source.params],
  );
  const pairs = new Map<number, { values: number[]; counts: number[] }>();
  for (const { index } of targets) pairs.set(index, { values: [], counts: [] });
  for (const [c, v, n] of reader.getRowsJS()) {
    const entry = pairs.get(Number(c));
    entry?.values.push(Number(v));
    entry?.counts.push(Number(n));
  }
  for (const { index, bounds } of targets) {
    const { values, counts } = pairs.get(index) ?? { values: [], counts: [] };
    let histogram: Histogram | null = null;
    if (bounds !== null) {
      const width = binWidth(bounds);
      const bins: Record<string, number> = {};
      values.forEach((value, i) => {
        const bin = Math.min(Math.floor((value - bounds.min) / width), histogramBins - 1);
        bins[bin] = (bins[bin] ?? 0) + (counts[i] ?? 0);
      });
      histogram = histogramOf(bounds, bins);
    }
    result.set(index, {
      distinct: values.length,
      quantiles: quantilesOfCounts(values, counts, quantileLevels),
      histogram,
    });
  }
  return result;
}

/**
 * Pass 3: the most frequent values of each string and boolean column (ties broken by value), and
 * the exact number of distinct values, counted over the same groups (`count(*) OVER ()` runs after
 * the GROUP BY and before the LIMIT), so no separate `count(DISTINCT …)` pass is needed.
 */
async function topValues(
  connection: DuckDBConnection,
  source: ProfileSource,
  targets: ReadonlyArray<{ readonly index: number; readonly plan: Plan }>,
): Promise<Map<number, { readonly values: TopValue[]; distinct: number }>> {
  const result = new Map<number, { readonly values: TopValue[]; distinct: number }>();
  if (targets.length === 0) return result;
  const parts = targets.map(({ index, plan }) => {
    const text = `CAST(${plan.ident} AS VARCHAR)`;
    const counted = `SELECT ${text} AS v, count(*) AS n, count(*) OVER () AS d FROM ${source.fromSql} WHERE ${plan.ident} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${topValueCount}`;
    return `SELECT ${index} AS c, v, n, d FROM (${counted})`;
  });
  const reader = await connection.runAndReadAll(`${parts.map((part) => `(${part})`).join(' UNION ALL ')}`, [
    ...source.params,
  ]);
  for (const target of targets) result.set(target.index, { values: [], distinct: 0 });
  for (const [c, v, n, d] of reader.getRowsJS()) {
    const entry = result.get(Number(c));
    if (entry === undefined) continue;
    entry.values.push({ value: String(v), count: Number(n) });
    entry.distinct = Number(d);
  }
  for (const { values } of result.values())
    values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return result;
}

/**
 * Profiles the rows of `source` (whose columns are named as in `columns`) in at most four queries:
 * summary; histograms, quantiles and exact distincts; value counts of few-valued numeric columns;
 * top values (with the exact distinct counts of text and booleans). An integer column that follows
 * `_row_id` one for one needs none after the summary (see `sequenceProfile`). Only aggregates reach JS (at most `exactDistinctLimit` value counts per column).
 * `_row_id` is not profiled. Quantiles are exact (`quantile_cont`, or the same interpolation over
 * value counts: linear, like numpy's default), std is the sample std (n − 1).
 */
export async function profileRelation(
  connection: DuckDBConnection,
  source: ProfileSource,
  columns: readonly Column[],
): Promise<SnapshotProfile> {
  return (await profileWithTextStats(connection, source, columns)).profile;
}

export interface TextStatsRequest {
  /** Text columns to report `StringColumnStats` for (the import's categorical-vs-text rule). */
  readonly columns: ReadonlySet<string>;
  /** Those of them whose numeric-looking values are counted in full (see `analyseStringColumns`). */
  readonly countNumeric: ReadonlySet<string>;
}

/**
 * `profileRelation`, also answering what `analyseStringColumns` would for the requested text
 * columns from the same summary pass: an import then reads its rows once less and computes each
 * approximate distinct count once.
 */
export async function profileWithTextStats(
  connection: DuckDBConnection,
  source: ProfileSource,
  columns: readonly Column[],
  request: TextStatsRequest = { columns: new Set(), countNumeric: new Set() },
): Promise<{ profile: SnapshotProfile; textStats: Map<string, StringColumnStats> }> {
  const plans = columns.filter((column) => column.name !== rowIdColumn).map(planColumn);
  const summaryReader = await timed('profile: summary', () =>
    connection.runAndReadAll(summarySql(plans, source, request.countNumeric), [...source.params]),
  );
  const row = summaryReader.getRowObjectsJS()[0] ?? {};
  const rowCount = Number(row['total'] ?? 0);
  const histogramTargets: Array<{ index: number; plan: Plan; bounds: Bounds }> = [];
  const quantileTargets: Array<{ index: number; plan: Plan }> = [];
  const countedTargets: Array<{ index: number; plan: Plan; bounds: Bounds | null }> = [];
  const topTargets: Array<{ index: number; plan: Plan }> = [];
  const exactTargets: Array<{ index: number; plan: Plan }> = [];
  const sequences = new Map<number, ReturnType<typeof sequenceProfile>>();
  plans.forEach((plan, index) => {
    const min = num(row[`min${index}`]);
    const max = num(row[`max${index}`]);
    const bounds = min !== null && max !== null ? { min, max } : null;
    const offsetLo = row[`slo${index}`];
    if (
      bounds !== null &&
      offsetLo !== null &&
      offsetLo !== undefined &&
      String(offsetLo) === String(row[`shi${index}`]) &&
      Number(row[`n${index}`] ?? 0) === rowCount &&
      Number.isSafeInteger(bounds.min) &&
      Number.isSafeInteger(bounds.max)
    ) {
      sequences.set(index, sequenceProfile(bounds, rowCount));
      return;
    }
    const fewValues = Number(row[`d${index}`] ?? 0) <= exactDistinctLimit;
    if (plan.kind === 'numeric' && fewValues) {
      countedTargets.push({ index, plan, bounds });
      return;
    }
    if ((plan.kind === 'numeric' || plan.kind === 'temporal') && bounds !== null)
      histogramTargets.push({ index, plan, bounds });
    if (plan.kind === 'numeric') quantileTargets.push({ index, plan });
    if (plan.kind === 'string' || plan.kind === 'boolean') topTargets.push({ index, plan });
    else if (fewValues) exactTargets.push({ index, plan });
  });
  const second = await timed('profile: histograms + quantiles + exact distincts', () =>
    histogramsAndDistincts(connection, source, histogramTargets, quantileTargets, exactTargets),
  );
  const counted = await timed('profile: value counts of few-valued numbers', () =>
    valueCounts(connection, source, countedTargets),
  );
  const topByColumn = await timed('profile: top values', () => topValues(connection, source, topTargets));
  // Exact distinct counts are reported up to `exactDistinctLimit` (by the estimate), as for other kinds.
  const fewValued = (index: number): boolean => Number(row[`d${index}`] ?? 0) <= exactDistinctLimit;

  const profiles = plans.map((plan, index): ColumnProfile => {
    const count = Number(row[`n${index}`] ?? 0);
    const sequence = sequences.get(index);
    const q = sequence?.quantiles ?? counted.get(index)?.quantiles ?? second.quantiles.get(index) ?? [];
    return {
      name: plan.column.name,
      type: plan.column.type,
      count,
      missing: rowCount - count,
      distinct:
        (sequence === undefined ? undefined : rowCount) ??
        counted.get(index)?.distinct ??
        second.exactDistinct.get(index) ??
        (fewValued(index) ? topByColumn.get(index)?.distinct : undefined) ??
        Number(row[`d${index}`] ?? 0),
      numeric:
        plan.kind === 'numeric'
          ? {
              min: num(row[`min${index}`]),
              max: num(row[`max${index}`]),
              mean: num(row[`mean${index}`]),
              std: num(row[`std${index}`]),
              quantiles: {
                p05: q[0] ?? null,
                p25: q[1] ?? null,
                p50: q[2] ?? null,
                p75: q[3] ?? null,
                p95: q[4] ?? null,
              },
            }
          : null,
      range:
        plan.kind === 'temporal'
          ? {
              min: isoOf(num(row[`min${index}`]), plan.column.type === 'date'),
              max: isoOf(num(row[`max${index}`]), plan.column.type === 'date'),
            }
          : null,
      histogram: sequence?.histogram ?? counted.get(index)?.histogram ?? second.histograms.get(index) ?? null,
      topValues: topByColumn.get(index)?.values ?? null,
      textLength:
        plan.kind === 'string'
          ? { min: num(row[`lmin${index}`]), mean: num(row[`lmean${index}`]), max: num(row[`lmax${index}`]) }
          : null,
    };
  });
  const textStats = new Map<string, StringColumnStats>();
  plans.forEach((plan, index) => {
    if (plan.kind !== 'string' || !request.columns.has(plan.column.name)) return;
    textStats.set(plan.column.name, {
      distinct: Number(row[`d${index}`] ?? 0),
      nonNull: Number(row[`n${index}`] ?? 0),
      numeric: Number(row[`x${index}`] ?? 0),
    });
  });
  return { profile: { rowCount, columns: profiles }, textStats };
}

/** Profiles a Parquet snapshot (see `profileRelation`). */
export async function profileSnapshot(
  db: DuckDBInstance,
  parquetPath: string,
  columns: readonly Column[],
): Promise<SnapshotProfile> {
  return withConnection(db, (connection) =>
    profileRelation(
      connection,
      { fromSql: 'read_parquet($1)', params: [parquetPath], hasRowId: true },
      columns,
    ),
  );
}
