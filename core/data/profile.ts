import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Column, ColumnProfile } from '../contract/schemas.js';
import type { StringColumnStats } from './column-analysis.js';
import { rowIdColumn } from './column-types.js';
import { withConnection } from './duck.js';
import { sequenceProfile } from './profile-numbers.js';
import { binAndSort, countDistinct, countValues, probeHead, summarise } from './profile-passes.js';
import type { ColumnSummary } from './profile-passes.js';
import { exactDistinctLimit, isoOf, planColumn } from './profile-plan.js';
import type { Bounds, Plan, ProfileSource } from './profile-plan.js';
import { groupTextColumns } from './profile-text.js';
import { timed } from './timings.js';

export { exactDistinctLimit, histogramBins, topValueCount } from './profile-plan.js';
export type { ProfileSource } from './profile-plan.js';
export { quantilesOfCounts } from './profile-numbers.js';

const noSummary: ColumnSummary = {
  count: 0,
  bounds: null,
  mean: null,
  std: null,
  approxDistinct: 0,
  isSequence: false,
};

export interface SnapshotProfile {
  readonly rowCount: number;
  readonly columns: ColumnProfile[];
}

export interface TextStatsRequest {
  /** Text columns to report `StringColumnStats` for (the import's categorical-vs-text rule). */
  readonly columns: ReadonlySet<string>;
  /** Those of them whose numeric-looking values are counted in full (see `analyseStringColumns`). */
  readonly countNumeric: ReadonlySet<string>;
}

/**
 * Profiles the rows of `source` (whose columns are named as in `columns`); `_row_id` is not
 * profiled. Quantiles are exact (`quantile_cont`, or the same interpolation over value counts:
 * linear, like numpy's default), std is the sample std (n − 1). See `profileWithTextStats`.
 */
export async function profileRelation(
  connection: DuckDBConnection,
  source: ProfileSource,
  columns: readonly Column[],
): Promise<SnapshotProfile> {
  return (await profileWithTextStats(connection, source, columns)).profile;
}

/**
 * `profileRelation`, also answering what `analyseStringColumns` would for the requested text
 * columns (with exact distinct counts), so an import reads its rows once less.
 *
 * Each column takes the cheapest way that is still exact (only aggregates reach JS, and at most
 * `exactDistinctLimit` value counts per column):
 * - text and booleans: their values grouped once (`groupTextColumns`);
 * - numbers with few distinct values (guessed from the head, `probeHead`): value counts
 *   (`countValues`), no other pass;
 * - an integer column following `_row_id` one for one (an id): the summary, then arithmetic;
 * - other numbers, dates and times: the summary, then histograms and quantiles (`binAndSort`).
 */
export async function profileWithTextStats(
  connection: DuckDBConnection,
  source: ProfileSource,
  columns: readonly Column[],
  request: TextStatsRequest = { columns: new Set(), countNumeric: new Set() },
): Promise<{ profile: SnapshotProfile; textStats: Map<string, StringColumnStats> }> {
  const plans = columns.filter((column) => column.name !== rowIdColumn).map(planColumn);
  const numeric = plans.filter((plan) => plan.kind === 'numeric');
  const temporal = plans.filter((plan) => plan.kind === 'temporal');
  const grouped = plans.filter((plan) => plan.kind === 'string' || plan.kind === 'boolean');

  const probe = await timed('profile: head probe', () => probeHead(connection, source, numeric));
  const guessedFew = numeric.filter((plan) => probe.fewValued.has(plan.index));
  const summarised = [...numeric.filter((plan) => !probe.fewValued.has(plan.index)), ...temporal];
  const summary = await timed('profile: summary', () =>
    summarise(connection, source, summarised, probe.sequenceCandidates),
  );
  const { counted, overflowed } = await timed('profile: value counts of few-valued numbers', () =>
    countValues(connection, source, guessedFew),
  );
  const groups = await timed('profile: text and boolean groups', () =>
    groupTextColumns(connection, source, grouped, request.countNumeric),
  );
  const summaries = new Map(summary.columns);
  if (overflowed.length > 0) {
    const late = await timed('profile: summary of numbers with more values than guessed', () =>
      summarise(connection, source, overflowed, new Set()),
    );
    for (const [index, columnSummary] of late.columns) summaries.set(index, columnSummary);
  }
  const rowCount = summary.rowCount;

  // Many-valued numbers (and sequence candidates that were not sequences), dates and times.
  const general = numeric.filter(
    (plan) => !counted.has(plan.index) && !summaries.get(plan.index)?.isSequence,
  );
  const withBounds = (plan: Plan): { plan: Plan; bounds: Bounds }[] => {
    const bounds = summaries.get(plan.index)?.bounds;
    return bounds === null || bounds === undefined ? [] : [{ plan, bounds }];
  };
  const binned = await timed('profile: histograms, quantiles, distincts', () =>
    binAndSort(
      connection,
      source,
      [...general, ...temporal].flatMap(withBounds),
      general,
      temporal.filter((plan) => (summaries.get(plan.index)?.approxDistinct ?? 0) <= exactDistinctLimit),
    ),
  );
  // Guessed many-valued but within the limit after all: exact distinct counts take one more scan.
  const exact = await timed('profile: exact distincts', () =>
    countDistinct(
      connection,
      source,
      general.filter((plan) => (binned.approxDistinct.get(plan.index) ?? 0) <= exactDistinctLimit),
    ),
  );

  const profiles = plans.map((plan): ColumnProfile => {
    const base = { name: plan.column.name, type: plan.column.type };
    const empty = { numeric: null, range: null, histogram: null, topValues: null, textLength: null };
    const group = groups.get(plan.index);
    if (group !== undefined) {
      return {
        ...base,
        ...empty,
        count: group.count,
        missing: rowCount - group.count,
        distinct: group.distinct,
        topValues: group.topValues,
        textLength: group.textLength,
      };
    }
    const counts = counted.get(plan.index);
    if (counts !== undefined) {
      return {
        ...base,
        ...empty,
        count: counts.count,
        missing: rowCount - counts.count,
        distinct: counts.distinct,
        numeric: {
          min: counts.min,
          max: counts.max,
          mean: counts.mean,
          std: counts.std,
          quantiles: profileQuantiles(counts.quantiles),
        },
        histogram: counts.histogram,
      };
    }
    const stats: ColumnSummary = summaries.get(plan.index) ?? noSummary;
    const sequence =
      stats.isSequence && stats.bounds !== null ? sequenceProfile(stats.bounds, rowCount) : undefined;
    const distinct =
      (sequence === undefined ? undefined : rowCount) ??
      exact.get(plan.index) ??
      binned.exactDistinct.get(plan.index) ??
      binned.approxDistinct.get(plan.index) ??
      stats.approxDistinct ??
      0;
    const common = {
      ...base,
      ...empty,
      count: stats.count,
      missing: rowCount - stats.count,
      distinct,
      histogram: sequence?.histogram ?? binned.histograms.get(plan.index) ?? null,
    };
    if (plan.kind === 'temporal') {
      const dateOnly = plan.column.type === 'date';
      const range = {
        min: isoOf(stats.bounds?.min ?? null, dateOnly),
        max: isoOf(stats.bounds?.max ?? null, dateOnly),
      };
      return { ...common, range };
    }
    const quantiles = sequence?.quantiles ?? binned.quantiles.get(plan.index) ?? [];
    return {
      ...common,
      numeric: {
        min: stats.bounds?.min ?? null,
        max: stats.bounds?.max ?? null,
        mean: stats.mean,
        std: stats.std,
        quantiles: profileQuantiles(quantiles),
      },
    };
  });

  const textStats = new Map<string, StringColumnStats>();
  for (const plan of grouped) {
    const group = groups.get(plan.index);
    if (plan.kind !== 'string' || group === undefined || !request.columns.has(plan.column.name)) continue;
    textStats.set(plan.column.name, {
      distinct: group.distinct,
      nonNull: group.count,
      numeric: group.numeric,
    });
  }
  return { profile: { rowCount, columns: profiles }, textStats };
}

type Quantiles = NonNullable<ColumnProfile['numeric']>['quantiles'];

/** The profile's quantiles from values at `quantileLevels` (0.05, 0.25, 0.5, 0.75, 0.95); missing ones are null. */
function profileQuantiles(values: ReadonlyArray<number | null | undefined>): Quantiles {
  const [p05, p25, p50, p75, p95] = values;
  return { p05: p05 ?? null, p25: p25 ?? null, p50: p50 ?? null, p75: p75 ?? null, p95: p95 ?? null };
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
