import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column } from '../../contract/schemas.js';
import type { Check } from '../../contract/validation.js';
import {
  chiSquareHomogeneity,
  ksTwoSamplePValue,
  populationStabilityIndex,
  sharesOf,
} from '../../domain/drift.js';
import { quoteIdent } from '../sql.js';
import type { Snapshot } from './group-checks.js';
import type { Outcome } from './outcome.js';
import { isTemporal, numericSql, Params, presentSql, toNumber } from './sql-parts.js';
import { formatCount, formatPValue, formatStatistic } from './words.js';

type DistributionCheck = Extract<Check, { kind: 'distribution' }>;

/** Quantile bins PSI uses for numbers and dates: deciles of the reference, the customary choice. */
export const psiBins = 10;

/**
 * The two-sample KS statistic D = max |F_target(v) − F_reference(v)| computed in SQL: counts per
 * distinct value on each side, merged, running sums in value order. Only the one row holding D
 * comes back; missing values (and non-finite floats) are left out on both sides.
 */
async function ksStatistic(
  connection: DuckDBConnection,
  target: Snapshot,
  reference: Snapshot,
  column: Column,
): Promise<{ d: number; n1: number; n2: number }> {
  const ident = quoteIdent(column.name);
  const side = (param: string, which: 'a' | 'b'): string =>
    `SELECT ${ident} AS v, count(*) AS ${which === 'a' ? 'na, 0 AS nb' : 'nb, 0 AS na'} FROM read_parquet(${param}) WHERE ${presentSql(column)} GROUP BY v`;
  const sql = `
    WITH merged AS (
      SELECT v, sum(na) AS na, sum(nb) AS nb
      FROM (SELECT v, na, nb FROM (${side('$1', 'a')}) UNION ALL SELECT v, na, nb FROM (${side('$2', 'b')}))
      GROUP BY v
    ),
    totals AS (SELECT sum(na)::DOUBLE AS ta, sum(nb)::DOUBLE AS tb FROM merged),
    running AS (
      SELECT sum(na) OVER w AS ca, sum(nb) OVER w AS cb FROM merged
      WINDOW w AS (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    )
    SELECT max(abs(ca / ta - cb / tb)) AS d, any_value(ta) AS n1, any_value(tb) AS n2 FROM running, totals`;
  const reader = await connection.runAndReadAll(sql, [target.parquetPath, reference.parquetPath]);
  const row = reader.getRowObjectsJS()[0] ?? {};
  return { d: toNumber(row['d']), n1: toNumber(row['n1']), n2: toNumber(row['n2']) };
}

/**
 * Bin edges cut where the reference deciles are (distinct, ascending; numbers and dates as DOUBLE).
 * Measured on a systematic sample of about `edgeSampleRows` rows (every k-th `_row_id`): bins only
 * need to be fixed and roughly equal in mass, and the sample keeps this deterministic and cheap
 * (exact deciles of 10M values took 1.6 s).
 */
export const edgeSampleRows = 100_000;

async function referenceEdges(
  connection: DuckDBConnection,
  reference: Snapshot,
  column: Column,
): Promise<number[]> {
  const quantiles = Array.from({ length: psiBins - 1 }, (_unused, i) => (i + 1) / psiBins);
  // The row count comes from the Parquet footer.
  const countReader = await connection.runAndReadAll('SELECT count(*) FROM read_parquet($1)', [
    reference.parquetPath,
  ]);
  const rows = Number(countReader.getRowsJS()[0]?.[0] ?? 0);
  const step = Math.max(1, Math.floor(rows / edgeSampleRows));
  const reader = await connection.runAndReadAll(
    `SELECT quantile_cont(${numericSql(column)}, [${quantiles.join(', ')}]) AS q FROM read_parquet($1) WHERE ${presentSql(column)} AND "_row_id" % $2 = 0`,
    [reference.parquetPath, step],
  );
  const raw = reader.getRowsJS()[0]?.[0];
  const edges = Array.isArray(raw) ? raw.map(Number).filter(Number.isFinite) : [];
  return [...new Set(edges)].sort((a, b) => a - b);
}

/** Counts of `column` in the bins (−∞, e1), [e1, e2), …, [ek, ∞), from one `histogram` of bin numbers. */
async function binCounts(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  column: Column,
  edges: readonly number[],
): Promise<number[]> {
  const params = new Params([snapshot.parquetPath]);
  const value = numericSql(column);
  const cases = edges.map((edge, i) => `WHEN ${value} < ${params.bind(edge)}::DOUBLE THEN ${i}`).join(' ');
  const bin = edges.length === 0 ? '0' : `CASE ${cases} ELSE ${edges.length} END`;
  const reader = await connection.runAndReadAll(
    `SELECT CAST(to_json(histogram(${bin})) AS VARCHAR) FROM read_parquet($1) WHERE ${presentSql(column)}`,
    params.values,
  );
  const raw = reader.getRowsJS()[0]?.[0];
  const counts = new Array<number>(edges.length + 1).fill(0);
  const parsed = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, number> | null) : null;
  for (const [bin, count] of Object.entries(parsed ?? {})) counts[Number(bin)] = Number(count);
  return counts;
}

/** Category counts of both sides over the union of their categories, in one order. */
function alignCounts(
  target: ReadonlyMap<string, number>,
  reference: ReadonlyMap<string, number>,
): { a: number[]; b: number[] } {
  const keys = [...new Set([...reference.keys(), ...target.keys()])].sort();
  return { a: keys.map((key) => target.get(key) ?? 0), b: keys.map((key) => reference.get(key) ?? 0) };
}

function sizes(n1: number, n2: number): string {
  return `${formatCount(n1)} values vs ${formatCount(n2)} in the reference`;
}

/**
 * Compares `column` of the target with the reference. ks/chi2 fail when p < threshold, psi when
 * PSI > threshold. Missing values are left out (completeness checks watch those). `categories`
 * gives category counts (shared with class balance, so a column is grouped once per snapshot).
 */
export async function runDistribution(
  connection: DuckDBConnection,
  check: DistributionCheck,
  column: Column,
  target: Snapshot,
  reference: Snapshot,
  categories: (snapshot: Snapshot, column: Column) => Promise<Map<string, number>>,
): Promise<Outcome> {
  const base = { failingRows: 0, exampleRowIds: [], error: null };
  const empty = (n1: number, n2: number): Outcome => ({
    ...base,
    passed: false,
    observed: 'nothing to compare',
    observedValue: null,
    error: `\`${column.name}\` has no values to compare (${sizes(n1, n2)}).`,
  });
  if (check.test === 'ks') {
    const { d, n1, n2 } = await ksStatistic(connection, target, reference, column);
    if (n1 === 0 || n2 === 0) return empty(n1, n2);
    const p = ksTwoSamplePValue(d, n1, n2);
    return {
      ...base,
      passed: p >= check.threshold,
      observed: `KS D = ${formatStatistic(d)}, ${formatPValue(p)} (${sizes(n1, n2)}; fails below ${check.threshold})`,
      observedValue: p,
    };
  }
  const numericBins =
    check.test === 'psi' && (column.type === 'integer' || column.type === 'float' || isTemporal(column));
  if (numericBins) {
    const edges = await referenceEdges(connection, reference, column);
    const a = await binCounts(connection, target, column, edges);
    const b = await binCounts(connection, reference, column, edges);
    const n1 = a.reduce((sum, count) => sum + count, 0);
    const n2 = b.reduce((sum, count) => sum + count, 0);
    if (n1 === 0 || n2 === 0) return empty(n1, n2);
    const psi = populationStabilityIndex(sharesOf(b), sharesOf(a));
    return {
      ...base,
      passed: psi <= check.threshold,
      observed: `PSI = ${formatStatistic(psi)} over ${a.length} reference quantile bins (${sizes(n1, n2)}; fails above ${check.threshold})`,
      observedValue: psi,
    };
  }
  const { a, b } = alignCounts(await categories(target, column), await categories(reference, column));
  const n1 = a.reduce((sum, count) => sum + count, 0);
  const n2 = b.reduce((sum, count) => sum + count, 0);
  if (n1 === 0 || n2 === 0) return empty(n1, n2);
  if (check.test === 'psi') {
    const psi = populationStabilityIndex(sharesOf(b), sharesOf(a));
    return {
      ...base,
      passed: psi <= check.threshold,
      observed: `PSI = ${formatStatistic(psi)} over ${a.length} categories (${sizes(n1, n2)}; fails above ${check.threshold})`,
      observedValue: psi,
    };
  }
  const chi = chiSquareHomogeneity(a, b);
  return {
    ...base,
    passed: chi.pValue >= check.threshold,
    observed: `χ² = ${formatStatistic(chi.statistic)}, df ${chi.df}, ${formatPValue(chi.pValue)} (${sizes(n1, n2)}; fails below ${check.threshold})`,
    observedValue: chi.pValue,
  };
}
