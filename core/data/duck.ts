import fs from 'node:fs';
import os from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBMaterializedResult, DuckDBValue } from '@duckdb/node-api';
import { CancelledError } from '../contract/errors.js';

export interface OpenDuckOptions {
  /** Where DuckDB spills when a query outgrows `memoryLimit`; created if missing. */
  readonly tempDirectory: string;
  /** DuckDB memory limit, e.g. `'1GB'`; `defaultMemoryLimit()` when absent. */
  readonly memoryLimit?: string;
  /** Worker threads; DuckDB's default (one per core) when absent. */
  readonly threads?: number;
}

/**
 * A quarter of the machine's memory, at most 4 GB (and at least 1 GB). Big group-bys (a `unique`
 * check on 10M ids, a KS test) spill to disk under 1 GB and ran 2–3× slower; a 5M-row import still
 * peaks under 1.5 GB RSS, since its staging table is the same size whatever the limit.
 */
export function defaultMemoryLimit(): string {
  const quarterMb = Math.floor(os.totalmem() / 4 / 2 ** 20);
  return `${Math.max(1024, Math.min(4096, quarterMb))}MB`;
}

/**
 * Opens the in-memory DuckDB the data layer works in. Nothing is persisted in it: snapshots are
 * Parquet files, and the only tables it holds are per-import staging tables and the sort cache.
 */
export async function openDuck(options: OpenDuckOptions): Promise<DuckDBInstance> {
  fs.mkdirSync(options.tempDirectory, { recursive: true });
  const config: Record<string, string> = {
    temp_directory: options.tempDirectory,
    memory_limit: options.memoryLimit ?? defaultMemoryLimit(),
    // `_row_id` is the position in the source file, so every read and write must keep file order.
    preserve_insertion_order: 'true',
    // Never reach for the network: extensions we need (parquet, json) are built in.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  return DuckDBInstance.create(':memory:', config);
}

/** Runs `work` on a fresh connection, closed afterwards; a connection is also the unit `interrupt()` stops. */
export async function withConnection<T>(
  db: DuckDBInstance,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const connection = await db.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
  }
}

export interface LongQueryOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called with DuckDB's own estimate of how far the query is, 0..1. */
  readonly onProgress?: ((fraction: number) => void) | undefined;
}

/** How often the progress of a running query is polled. */
const progressPollMs = 200;

/**
 * Runs one statement that may take a long time: polls `connection.progress` while it runs and
 * interrupts it when `signal` aborts (then throws `CancelledError`, whatever DuckDB said).
 */
export async function runLongQuery(
  connection: DuckDBConnection,
  sql: string,
  params: readonly DuckDBValue[],
  options: LongQueryOptions = {},
): Promise<DuckDBMaterializedResult> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  if (onProgress !== undefined) {
    // `connection.progress` stays at -1 unless progress tracking is on; these are per-connection
    // settings (DuckDB refuses them in the instance config), and printing must stay off.
    await connection.run('SET enable_progress_bar = true');
    await connection.run('SET enable_progress_bar_print = false');
  }
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    onProgress === undefined
      ? undefined
      : setInterval(() => {
          const percentage = connection.progress.percentage;
          // DuckDB answers -1 while it has no estimate yet.
          if (percentage >= 0) onProgress(Math.min(1, percentage / 100));
        }, progressPollMs);
  try {
    return await connection.run(sql, [...params]);
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Runs `work` on `connection`, interrupting it when `signal` aborts (then throws `CancelledError`). */
export async function interruptible<T>(
  connection: DuckDBConnection,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
): Promise<T> {
  throwIfAborted(signal);
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CancelledError('The import was cancelled.');
}
