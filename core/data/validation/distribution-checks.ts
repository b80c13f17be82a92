import { listValue } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column } from '../../contract/schemas.js';
import type { Check } from '../../contract/validation.js';
import {
  chiSquareHomogeneity,
  ksTwoSamplePValue,
  populationStabilityIndex,
  sharesOf,
} from '../../domain/drift.js';
import type { Snapshot } from './group-checks.js';
import type { Outcome } from './outcome.js';
import { isTemporal, numericSql, Params, presentSql, toNumber } from './sql-parts.js';
import { formatCount, formatPValue, formatStatistic } from './words.js';

type DistributionCheck = Extract<Check, { kind: 'distribution' }>;

/** Quantile bins PSI uses for numbers and dates: deciles of the reference, the customary choice. */
export const psiBins = 10;

/** Equal-width value buckets the KS statistic is first bounded with (see `ksStatistic`). */
export const ksBuckets = 65_536;
/** Candidate buckets counted value by value per query. */
const ksRefineBatch = 512;

/**
 * The two-sample KS statistic D = max |F_target(v) − F_reference(v)|, exact, without sorting every
 * value (a window over 10M + 1M floats took 3.5 s, nearly all on one thread):
 * 1. Counts of both sides in `ksBuckets` equal-width buckets, one parallel group-by on a small key.
 * 2. At each bucket's start, |F_a − F_b| is known exactly, which gives a lower bound L on D; inside
 *    bucket k neither F can pass its value at the next bucket's start, which bounds |F_a − F_b| there.
 * 3. Only buckets whose bound exceeds L can hold D: their values are counted one by one and
 *    walked in order from the bucket's starting counts.
 * Missing values (and non-finite floats) are left out on both sides.
 */
async function ksStatistic(
  connection: DuckDBConnection,
  target: Snapshot,
  reference: Snapshot,
  column: Column,
): Promise<{ d: number; n1: number; n2: number }> {
  const value = numericSql(column);
  const sides = `(SELECT ${value} AS v, 1 AS a FROM read_parquet($1) WHERE ${presentSql(column)} UNION ALL SELECT ${value} AS v, 0 AS a FROM read_parquet($2) WHERE ${presentSql(column)})`;
  const paths = [target.parquetPath, reference.parquetPath];
  const rangeReader = await connection.runAndReadAll(
    `SELECT min(v) AS lo, max(v) AS hi, count(*) FILTER (WHERE a = 1) AS n1, count(*) FILTER (WHERE a = 0) AS n2 FROM ${sides}`,
    paths,
  );
  const range = rangeReader.getRowObjectsJS()[0] ?? {};
  const n1 = toNumber(range['n1']);
  const n2 = toNumber(range['n2']);
  const lo = toNumber(range['lo']);
  const hi = toNumber(range['hi']);
  // One value on both sides (or none on one): the two distributions cannot differ anywhere.
  if (n1 === 0 || n2 === 0 || !(hi > lo)) return { d: 0, n1, n2 };
  const width = (hi - lo) / ksBuckets;
  const bucket = `least(CAST(floor((v - $3::DOUBLE) / $4::DOUBLE) AS INTEGER), ${ksBuckets - 1})`;
  const countsReader = await connection.runAndReadAll(
    `SELECT ${bucket} AS b, count(*) FILTER (WHERE a = 1) AS na, count(*) FILTER (WHERE a = 0) AS nb FROM ${sides} GROUP BY b ORDER BY b`,
    [...paths, lo, width],
  );
  // Running counts before each non-empty bucket, and the exact |F_a − F_b| there.
  const starts: Array<{ b: number; ca: number; cb: number; na: number; nb: number }> = [];
  let ca = 0;
  let cb = 0;
  let lower = 0;
  for (const [b, na, nb] of countsReader.getRowsJS()) {
    starts.push({ b: Number(b), ca, cb, na: Number(na), nb: Number(nb) });
    lower = Math.max(lower, Math.abs(ca / n1 - cb / n2));
    ca += Number(na);
    cb += Number(nb);
  }
  // Candidates, most promising first; each batch of buckets counted value by value may raise D
  // enough to rule out the rest (on skewed data thousands of buckets pass the first bound).
  const upper = (s: (typeof starts)[number]): number =>
    Math.max((s.ca + s.na) / n1 - s.cb / n2, (s.cb + s.nb) / n2 - s.ca / n1);
  let pending = starts.filter((s) => upper(s) >= lower).sort((x, y) => upper(y) - upper(x));
  let d = lower;
  while (pending.length > 0) {
    const batch = pending.slice(0, ksRefineBatch);
    const byBucket = new Map(batch.map((s) => [s.b, s]));
    const reader = await connection.runAndReadAll(
      `SELECT ${bucket} AS b, v, count(*) FILTER (WHERE a = 1) AS na, count(*) FILTER (WHERE a = 0) AS nb FROM ${sides} WHERE ${bucket} IN (SELECT unnest($5::INTEGER[])) GROUP BY b, v ORDER BY b, v`,
      [...paths, lo, width, listValue(batch.map((s) => s.b))],
    );
    let current = -1;
    for (const [b, , na, nb] of reader.getRowsJS()) {
      if (Number(b) !== current) {
        current = Number(b);
        const start = byBucket.get(current);
        ca = start?.ca ?? 0;
        cb = start?.cb ?? 0;
      }
      ca += Number(na);
      cb += Number(nb);
      d = Math.max(d, Math.abs(ca / n1 - cb / n2));
    }
    pending = pending.slice(ksRefineBatch).filter((s) => upper(s) >= d);
  }
  return { d, n1, n2 };
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
