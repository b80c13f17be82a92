import type { DuckDBConnection } from '@duckdb/node-api';
import { ingestArrow } from './arrow-ingest.js';
import { runLongQuery } from './duck.js';
import { isSniffFailure, mapReadError } from './errors.js';
import { diagnoseCsv } from './source-scan.js';
import type { SourceScan } from './source-scan.js';
import { quoteIdent } from './sql.js';

export interface StageOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((fraction: number) => void) | undefined;
  /** Read only the head of the file (for previews). */
  readonly limit?: number | undefined;
}

let stageCounter = 0;

/** A table name no other import on this DuckDB instance uses at the same time. */
export function newStageTableName(): string {
  stageCounter += 1;
  return `orchard_stage_${process.pid}_${Date.now()}_${stageCounter}`;
}

/**
 * Reads the source into a DuckDB table in file order. `preserve_insertion_order` makes the
 * table's `rowid` the record's position in the file even when DuckDB reads with many threads
 * (checked on a 5M-row CSV), which is what `_row_id` is built from.
 */
export async function stageSource(
  connection: DuckDBConnection,
  scan: SourceScan,
  file: string,
  table: string,
  options: StageOptions = {},
): Promise<void> {
  try {
    if (scan.fromSql === undefined) {
      await ingestArrow(connection, scan.readPath, table, options);
      return;
    }
    const limit = options.limit === undefined ? '' : ` LIMIT ${Math.floor(options.limit)}`;
    await runLongQuery(
      connection,
      `CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM ${scan.fromSql}${limit}`,
      scan.params,
      options,
    );
  } catch (error) {
    if (isSniffFailure(error) && !options.signal?.aborted) throw await diagnoseCsv(connection, scan, file);
    throw mapReadError(error, { file, overrides: scan.overridesAtRead });
  }
}

/** Drops a staging table if it exists; never throws, since it runs during cleanup. */
export async function dropStage(connection: DuckDBConnection, table: string): Promise<void> {
  try {
    await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
  } catch {
    // The connection may be interrupted or closing; the in-memory table goes with the instance.
  }
}
