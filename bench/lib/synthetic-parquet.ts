/**
 * Writes a large, deterministic 20-column Parquet file for the benchmarks with DuckDB, once: it is
 * cached in `.bench/` (gitignored) under a name carrying the row range, seed and generator version,
 * and written to a temporary name first so an interrupted run never leaves a file that looks
 * complete. Every value is a function of the row number and the seed through a 32-bit integer hash
 * written in SQL (not DuckDB's `hash()`, which may change between DuckDB releases), so the same
 * arguments always give the same data. A CSV copy can be exported for peers that cannot read
 * Parquet (the system pandas has no pyarrow).
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { benchCacheDir } from './synthetic-csv.js';

/** Bump when the generated content changes, so stale caches are not reused. */
const generatorVersion = 1;

/** The 20 columns, in file order. */
export const validationColumns = [
  'id',
  'customer_id',
  'email',
  'code',
  'age',
  'income',
  'score',
  'balance',
  'quantity',
  'rating',
  'region',
  'channel',
  'segment',
  'country',
  'signup_date',
  'last_active',
  'is_active',
  'weight',
  'note',
  'label',
] as const;

export const regions = ['north', 'south', 'east', 'west', 'core', 'hill', 'coast', 'lake'] as const;
export const channels = ['web', 'store', 'phone', 'partner'] as const;
export const segments = ['consumer', 'small', 'medium', 'large', 'public'] as const;
export const countries = [
  'DE',
  'FR',
  'NL',
  'BE',
  'AT',
  'CH',
  'IT',
  'ES',
  'PT',
  'PL',
  'CZ',
  'DK',
  'SE',
  'NO',
  'FI',
  'IE',
  'GB',
  'US',
  'CA',
  'JP',
] as const;
const names = ['ana', 'bert', 'carla', 'dimo', 'eva', 'fritz', 'gala', 'hugo', 'ines', 'jon', 'kira', 'lev'];
const words = ['apple', 'brick', 'cloud', 'delta', 'ember', 'fjord', 'grove', 'harbor', 'iris', 'jade'];

const sqlList = (values: readonly string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Every hash stream the generator draws from; `u(k)` below must use one of these `k`s. */
const streams = Array.from({ length: 43 }, (_, k) => k + 1);

/**
 * The generator as one SELECT over `range(start, start + rows)`. `u(k)` is a uniform [0, 1) draw
 * for stream k of the row: a 32-bit integer mix (Thomas Mueller's, all in BIGINT so no product
 * overflows) of the row number and the stream, computed once per stream in nested subqueries so
 * DuckDB does not repeat it. `pick(list, k)` is a uniform element, `skew(list, k)` one skewed to
 * the front (it uses streams k and k + 1).
 */
function selectSql(start: number, rows: number, seed: number): string {
  const u = (k: number): string => `u${k}`;
  const pick = (list: readonly string[], k: number): string =>
    `${sqlList(list)}[1 + floor(${u(k)} * ${list.length})::BIGINT]`;
  const skew = (list: readonly string[], k: number): string =>
    `${sqlList(list)}[1 + floor(${u(k)} * ${u(k + 1)} * ${list.length})::BIGINT]`;
  const mask = 4294967295;
  const mix = (x: string): string => `(xor(${x} >> 16, ${x}) * 73244475) & ${mask}`;
  const level = (expression: (k: number) => string, from: string): string =>
    `(SELECT i, ${streams.map((k) => `${expression(k)} AS u${k}`).join(', ')} FROM ${from})`;
  const seeded = level(
    (k) => `((i * 2654435761) + (${seed * 1000 + k} * 40503) + 12345) & ${mask}`,
    `range(${start}, ${start + rows}) AS t(i)`,
  );
  const mixed = level(
    (k) => mix(`u${k}`),
    level((k) => mix(`u${k}`), seeded),
  );
  const uniform = level((k) => `xor(u${k} >> 16, u${k}) / 4294967296.0`, mixed);
  return `
    SELECT
      i + 1 AS id,
      'C' || lpad(floor(${u(1)} * 1000000)::BIGINT::VARCHAR, 7, '0') AS customer_id,
      CASE WHEN ${u(2)} < 0.001
        THEN ${pick(names, 3)} || '.example.com'
        ELSE ${pick(names, 3)} || floor(${u(4)} * 1000)::BIGINT::VARCHAR || '@example.' ||
             CASE WHEN ${u(5)} < 0.8 THEN 'com' ELSE 'org' END
      END AS email,
      CASE WHEN ${u(6)} < 0.0001 THEN lower(chr(65 + floor(${u(7)} * 26)::INTEGER)) ELSE chr(65 + floor(${u(7)} * 26)::INTEGER) END
        || chr(65 + floor(${u(8)} * 26)::INTEGER) || '-' || lpad(floor(${u(9)} * 10000)::BIGINT::VARCHAR, 4, '0') AS code,
      CASE WHEN ${u(10)} < 0.00005 THEN 130 ELSE 18 + floor(${u(11)} * ${u(12)} * 78)::INTEGER END AS age,
      CASE WHEN ${u(13)} < 0.02 THEN NULL ELSE round(exp(${u(14)} * 3 + ${u(15)} * 3) * 500, 2) END AS income,
      CASE WHEN ${u(16)} < 0.02 THEN NULL ELSE round(${u(17)}, 4) END AS score,
      CASE WHEN ${u(18)} < 0.01 THEN NULL ELSE round((${u(19)} - 0.3) * 20000, 2) END AS balance,
      floor(${u(20)} * ${u(21)} * 120)::INTEGER AS quantity,
      1 + floor(${u(22)} * 5)::INTEGER AS rating,
      ${skew(regions, 23)} AS region,
      CASE WHEN ${u(25)} < 0.0002 THEN 'unknown' ELSE ${skew(channels, 26)} END AS channel,
      CASE WHEN ${u(28)} < 0.01 THEN NULL ELSE ${pick(segments, 29)} END AS segment,
      ${skew(countries, 30)} AS country,
      DATE '2015-01-01' + floor(${u(32)} * 3653)::INTEGER AS signup_date,
      DATE '2015-01-01' + floor(${u(32)} * 3653)::INTEGER + floor(${u(33)} * 400)::INTEGER AS last_active,
      ${u(34)} < 0.7 AS is_active,
      CASE WHEN ${u(35)} < 0.02 THEN NULL ELSE round(40 + ${u(36)} * 40 + ${u(37)} * 40, 1) END AS weight,
      CASE WHEN ${u(38)} < 0.05 THEN NULL
           WHEN ${u(39)} < 0.6 THEN ${pick(words, 40)}
           ELSE ${pick(words, 40)} || ' ' || ${pick(words, 41)} END AS note,
      CASE WHEN ${u(42)} < 0.005 THEN NULL WHEN ${u(43)} < 0.3 THEN 1 ELSE 0 END AS label
    FROM ${uniform}`;
}

export interface SyntheticParquet {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** False when the file came from the cache. */
  readonly generated: boolean;
  readonly seconds: number;
}

function cached(path: string, rows: number): SyntheticParquet | null {
  return existsSync(path) ? { path, rows, bytes: statSync(path).size, generated: false, seconds: 0 } : null;
}

/**
 * Returns the cached Parquet file of rows `start … start + rows - 1` of the generator, writing it
 * first if it is missing. Different `start`s give disjoint samples of the same process.
 */
export async function ensureSyntheticParquet(
  rows: number,
  options: { readonly start?: number; readonly seed?: number } = {},
): Promise<SyntheticParquet> {
  const start = options.start ?? 0;
  const seed = options.seed ?? 42;
  mkdirSync(benchCacheDir, { recursive: true });
  const path = join(
    benchCacheDir,
    `validate-${rows}-rows-from-${start}-s${seed}-v${generatorVersion}.parquet`,
  );
  const hit = cached(path, rows);
  if (hit) return hit;
  const started = performance.now();
  const partial = `${path}.partial-${process.pid}`;
  const db = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  const connection = await db.connect();
  try {
    await connection.run(
      `COPY (${selectSql(start, rows, seed)}) TO '${partial}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
    );
    renameSync(partial, path);
  } finally {
    connection.closeSync();
    db.closeSync();
    rmSync(partial, { force: true });
  }
  return {
    path,
    rows,
    bytes: statSync(path).size,
    generated: true,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A CSV copy of a Parquet file (header row, ISO dates, empty fields for nulls), cached beside it. */
export async function ensureCsvCopy(parquet: SyntheticParquet): Promise<SyntheticParquet> {
  const path = parquet.path.replace(/\.parquet$/, '.csv');
  const hit = cached(path, parquet.rows);
  if (hit) return hit;
  const started = performance.now();
  const partial = `${path}.partial-${process.pid}`;
  const db = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  const connection = await db.connect();
  try {
    await connection.run(
      `COPY (SELECT * FROM read_parquet('${parquet.path}')) TO '${partial}' (FORMAT csv, HEADER)`,
    );
    renameSync(partial, path);
  } finally {
    connection.closeSync();
    db.closeSync();
    rmSync(partial, { force: true });
  }
  return {
    path,
    rows: parquet.rows,
    bytes: statSync(path).size,
    generated: true,
    seconds: (performance.now() - started) / 1000,
  };
}
