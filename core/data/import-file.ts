import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CancelledError, InvalidInputError } from '../contract/errors.js';
import type { ImportOptions } from '../contract/methods.js';
import type { Column, ColumnType, TableFormat } from '../contract/schemas.js';
import {
  analyseStringColumns,
  describeColumns,
  mostlyNumericWarnings,
  numericLookingColumns,
  toColumns,
} from './column-analysis.js';
import type { StagedColumn, StringColumnStats } from './column-analysis.js';
import { rowIdColumn, snapshotStorageType, storageKind, storageTypeFor } from './column-types.js';
import { interruptible, runLongQuery, throwIfAborted, withConnection } from './duck.js';
import { fileLabel, isInterrupt, mapReadError } from './errors.js';
import { openSourceFile } from './formats.js';
import { profileWithTextStats } from './profile.js';
import type { SnapshotProfile } from './profile.js';
import { assertOverridesExist, globSafePath, planScan } from './source-scan.js';
import { dropStage, newStageTableName, stageSource } from './stage.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { timed } from './timings.js';

export { rowIdColumn };

export interface ImportToSnapshotOptions {
  readonly db: DuckDBInstance;
  readonly sourcePath: string;
  /** Where to write the Parquet snapshot; its folder is also used for staging links. */
  readonly outputPath: string;
  readonly options?: ImportOptions | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Fraction 0..1 of the whole import and what it is doing. */
  readonly onProgress?: ((fraction: number, message: string) => void) | undefined;
  /**
   * Also profile the snapshot's rows (`profileSnapshot` of the written file gives the same result),
   * from the in-memory staging table while it exists, which saves reading the Parquet file back.
   */
  readonly profile?: boolean | undefined;
}

export interface ImportedSnapshot {
  readonly format: TableFormat;
  /** The snapshot's columns after `_row_id`, which is not listed. */
  readonly columns: Column[];
  readonly rowCount: number;
  readonly warnings: string[];
  /** Present when `profile` was asked for. */
  readonly profile?: SnapshotProfile | undefined;
}

/**
 * How snapshots are written. zstd level 1 with Parquet 2 encodings (delta, byte-stream-split): on a
 * 5M-row file 1.6 s of CPU instead of 2.4 s (v1, level 1) or 2.9 s (v1, level 3), and a smaller file;
 * snappy or no compression saved a further ~0.15 s of CPU for a 36% or 72% bigger file. Snapshots are
 * read by DuckDB; pyarrow and Spark read v2 pages too.
 *
 * The dictionary limit: DuckDB's writer puts a row group's values into a dictionary until it holds
 * tens of thousands of them, and only then falls back to plain or delta encoding; near-unique columns
 * (ids, amounts, free text) paid for that on every row group: 0.3–0.4 s of a 1.3 s write. 4096 entries
 * per row group still dictionary-encodes every categorical column (at most 1000 values, see
 * `isCategorical`) and gave a byte-identical file on the benchmark.
 */
const snapshotWriteOptions =
  'COMPRESSION zstd, COMPRESSION_LEVEL 1, PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 4096';

/** Share of the progress bar each phase takes; reading dominates. */
const phase = { read: 0.6, analyse: 0.7, write: 1 } as const;

/** DuckDB's `threads` per instance as it was before any import lowered it (see `oneThreadFewer`). */
const threadsAsOpened = new WeakMap<DuckDBInstance, number>();

/**
 * Lowers DuckDB's `threads` by one, for the Parquet write and the profile that run side by side:
 * each query also runs on the thread that started it, so with one DuckDB thread per core the pair
 * kept one thread more busy than there are cores. On the 5M-row benchmark (2 cores, where each of
 * the two then runs on its own thread) that was ~0.35 s of a 3.7 s import's CPU and ~0.2 GB of its
 * peak RSS, and the import took a little less wall time, not more. `threads` belongs to the whole
 * instance (a query from elsewhere meanwhile gets one thread fewer too), so it is read once, before
 * any import lowers it, and the returned `restore` (idempotent) puts it back.
 */
async function oneThreadFewer(
  db: DuckDBInstance,
  connection: DuckDBConnection,
): Promise<() => Promise<void>> {
  if (!threadsAsOpened.has(db)) {
    const reader = await connection.runAndReadAll(`SELECT current_setting('threads')`);
    // Another import may have read it meanwhile (and lowered it since): the first reading stands.
    if (!threadsAsOpened.has(db)) threadsAsOpened.set(db, Number(reader.getRowsJS()[0]?.[0] ?? 1));
  }
  const opened = threadsAsOpened.get(db) ?? 1;
  if (opened <= 1) return () => Promise.resolve();
  await connection.run('SET threads = $1', [opened - 1]);
  let restored = false;
  return async () => {
    if (restored) return;
    restored = true;
    await connection.run('SET threads = $1', [opened]);
  };
}

/** How one staged column is written to the snapshot, and the type it ends up as. */
interface OutputColumn {
  readonly selectSql: string;
}

const nestedType = /\[|^STRUCT|^MAP|^UNION|^JSON/;

function outputColumn(column: StagedColumn, override: ColumnType | undefined): OutputColumn {
  const ident = quoteIdent(column.name);
  if (override !== undefined) {
    const target = storageTypeFor[override];
    if (storageKind(column.duckType) === storageKind(target)) return { selectSql: ident };
    return { selectSql: `CAST(${ident} AS ${target}) AS ${ident}` };
  }
  if (storageKind(column.duckType) !== 'other') return { selectSql: ident };
  // Times, intervals, blobs and nested values are kept as text so every reader of a snapshot
  // (profile, grid, training) deals with a small set of types.
  const asText = nestedType.test(column.duckType)
    ? `CAST(to_json(${ident}) AS VARCHAR)`
    : `CAST(${ident} AS VARCHAR)`;
  return { selectSql: `${asText} AS ${ident}` };
}

/**
 * Overrides applied by CAST (formats other than delimited text) are checked first, so a value
 * that does not convert is reported with its row and value instead of DuckDB's bare cast error.
 */
async function assertOverridesConvert(
  connection: DuckDBConnection,
  file: string,
  table: string,
  staged: readonly StagedColumn[],
  overrides: Readonly<Record<string, ColumnType>>,
): Promise<void> {
  for (const column of staged) {
    const override = overrides[column.name];
    if (override === undefined) continue;
    const target = storageTypeFor[override];
    if (storageKind(column.duckType) === storageKind(target)) continue;
    const ident = quoteIdent(column.name);
    const reader = await connection.runAndReadAll(
      `SELECT count(*) OVER () AS bad, rowid, CAST(${ident} AS VARCHAR) FROM ${quoteIdent(table)} ` +
        `WHERE ${ident} IS NOT NULL AND TRY_CAST(${ident} AS ${target}) IS NULL ORDER BY rowid LIMIT 1`,
    );
    const first = reader.getRowsJS()[0];
    if (first === undefined) continue;
    throw new InvalidInputError(
      `${fileLabel(file)}: column \`${column.name}\` cannot be ${override}: ${String(first[0])} value(s) do not convert, ` +
        `e.g. row ${String(first[1])}: '${String(first[2])}'. Choose another type (e.g. 'text') or fix the values.`,
      { file, column: column.name, row: Number(first[1]), value: String(first[2]) },
    );
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Best effort: the staging folder is swept by the caller's tmp cleanup anyway.
  }
}

/**
 * Imports a CSV, TSV, Parquet, JSON, JSON Lines or Arrow IPC file into one zstd Parquet snapshot
 * whose first column is `_row_id`. DuckDB does all reading and writing (Arrow is streamed batch by
 * batch), so the file is never held whole in JS memory. On cancel or error no output file is left.
 */
export async function importToSnapshot(opts: ImportToSnapshotOptions): Promise<ImportedSnapshot> {
  const { db, sourcePath, outputPath, signal } = opts;
  const report = (fraction: number, message: string): void => opts.onProgress?.(fraction, message);
  const source = openSourceFile(sourcePath);
  const stagingDir = path.dirname(outputPath);
  fs.mkdirSync(stagingDir, { recursive: true });
  const readPath = globSafePath(sourcePath, stagingDir);
  const scan = planScan(source, opts.options, readPath);
  const overrides = opts.options?.columnTypes ?? {};
  const partialPath = `${outputPath}.partial`;
  const label = fileLabel(sourcePath);

  try {
    return await withConnection(db, async (connection) => {
      const table = newStageTableName();
      let restoreThreads = (): Promise<void> => Promise.resolve();
      try {
        report(0, `Reading ${label}`);
        await timed('read into staging table', () =>
          stageSource(connection, scan, sourcePath, table, {
            signal,
            onProgress: (fraction) => report(fraction * phase.read, `Reading ${label}`),
          }),
        );
        throwIfAborted(signal);
        report(phase.read, 'Checking columns');
        const staged = await describeColumns(connection, quoteIdent(table));
        if (scan.headerNames === undefined)
          assertOverridesExist(
            sourcePath,
            overrides,
            staged.map((c) => c.name),
          );
        if (staged.some((column) => column.name === rowIdColumn)) {
          throw new InvalidInputError(
            `${label} has a column named \`${rowIdColumn}\`, which Orchard adds to every dataset. Rename that column and import again.`,
            { file: sourcePath, column: rowIdColumn },
          );
        }
        const countReader = await connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(table)}`);
        const rowCount = Number(countReader.getRowsJS()[0]?.[0] ?? 0);
        if (rowCount === 0) {
          throw new InvalidInputError(
            scan.headerNames === undefined
              ? `${label} has no rows. Choose a file that has data.`
              : `${label} has a header but no rows. Choose a file that has data below the header line.`,
            { file: sourcePath },
          );
        }
        await assertOverridesConvert(
          connection,
          sourcePath,
          table,
          staged,
          scan.headerNames === undefined ? overrides : {},
        );
        const skipWarnings = new Set(Object.keys(overrides));
        const outputs = staged.map((column) => outputColumn(column, overrides[column.name]));
        const storageOf = (column: StagedColumn): string =>
          snapshotStorageType(column.duckType, overrides[column.name]);
        // Without a profile the text columns are analysed here; with one, the profile's grouping of text
        // values answers the same questions (see `profileWithTextStats`), so the Parquet write can start now.
        const early =
          opts.profile === true
            ? undefined
            : await timed('string column analysis', () => analyseStringColumns(connection, table, staged));
        const numericLooking =
          opts.profile === true ? await numericLookingColumns(connection, table, staged) : new Set<string>();
        throwIfAborted(signal);

        report(phase.analyse, opts.profile === true ? 'Writing and profiling snapshot' : 'Writing snapshot');
        const selectList = [
          `rowid AS ${quoteIdent(rowIdColumn)}`,
          ...outputs.map((output) => output.selectSql),
        ].join(', ');
        // The profile reads the staging table on a second connection while the first writes the
        // Parquet file: each pass is only partly parallel (the Parquet writer's ordered flushes, the
        // quantiles' final sort), so together they keep DuckDB's threads busier than one after the other.
        // If either fails, the other is stopped. DuckDB has one thread fewer while both run.
        if (opts.profile === true) restoreThreads = await oneThreadFewer(db, connection);
        const stop = new AbortController();
        const both = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
        const writing = timed('COPY to parquet', () =>
          runLongQuery(
            connection,
            `COPY (SELECT ${selectList} FROM ${quoteIdent(table)}) TO ${quoteLiteral(partialPath)} ` +
              `(FORMAT parquet, ${snapshotWriteOptions})`,
            [],
            {
              signal: both,
              onProgress: (fraction) =>
                report(phase.analyse + fraction * (phase.write - phase.analyse), 'Writing snapshot'),
            },
          ),
        ).catch((error: unknown) => {
          stop.abort();
          throw error;
        });
        const snapshotRows = `(SELECT ${selectList} FROM ${quoteIdent(table)})`;
        // Profiled with text columns typed 'text' for now: categorical and text profile alike, and
        // which one a column is follows from the summary's distinct counts (see `toColumns`).
        const provisional = toColumns(staged, new Map(), overrides, storageOf);
        const stringColumns = new Set(
          staged.filter((column) => storageKind(column.duckType) === 'string').map((column) => column.name),
        );
        const profiling =
          opts.profile === true
            ? timed('profile (staging table)', () =>
                withConnection(db, (second) =>
                  interruptible(second, both, () =>
                    profileWithTextStats(
                      second,
                      { fromSql: snapshotRows, params: [], hasRowId: true },
                      provisional,
                      {
                        columns: stringColumns,
                        countNumeric: numericLooking,
                      },
                    ),
                  ),
                ),
              ).catch((error: unknown) => {
                stop.abort();
                throw error;
              })
            : Promise.resolve(undefined);
        const [written, profiled] = await Promise.allSettled([writing, profiling]);
        await restoreThreads();
        const failures = [written, profiled].flatMap((settled) =>
          settled.status === 'rejected' ? [settled.reason as unknown] : [],
        );
        // The first cause, not the cancellation it caused in the other query.
        const cause =
          failures.find((error) => !(error instanceof CancelledError) && !isInterrupt(error)) ?? failures[0];
        if (failures.length > 0) throw cause;
        const profiledValue = profiled.status === 'fulfilled' ? profiled.value : undefined;
        const stats = early ?? profiledValue?.textStats ?? new Map<string, StringColumnStats>();
        const columns = toColumns(staged, stats, overrides, storageOf);
        const typeOf = new Map(columns.map((column) => [column.name, column.type]));
        const profile =
          profiledValue === undefined
            ? undefined
            : {
                ...profiledValue.profile,
                columns: profiledValue.profile.columns.map((column) => ({
                  ...column,
                  type: typeOf.get(column.name) ?? column.type,
                })),
              };
        const warnings = await timed('mostly-numeric warnings', () =>
          mostlyNumericWarnings(connection, table, stats, skipWarnings),
        );
        throwIfAborted(signal);
        fs.renameSync(partialPath, outputPath);
        report(1, 'Imported');
        return { format: scan.format, columns, rowCount, warnings, profile };
      } finally {
        // Never throws, since it runs during cleanup: at worst DuckDB keeps one thread fewer.
        await restoreThreads().catch(() => undefined);
        await dropStage(connection, table);
      }
    });
  } catch (error) {
    removeQuietly(partialPath);
    removeQuietly(outputPath);
    if (signal?.aborted === true || isInterrupt(error)) throw new CancelledError('The import was cancelled.');
    throw mapReadError(error, { file: sourcePath, overrides });
  } finally {
    if (readPath !== sourcePath) removeQuietly(readPath);
  }
}
