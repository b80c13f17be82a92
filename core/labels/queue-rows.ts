import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { DatasetVersion } from '../contract/index.js';
import { rowIdColumn } from '../data/column-types.js';
import { withConnection } from '../data/duck.js';
import { quoteIdent } from '../data/sql.js';
import type { ObjectStore } from '../registry/index.js';
import { itemColumns, readRows, selectByKeys } from './items.js';
import type { RowValues } from './items.js';

/**
 * Rows of a queue page. A shuffled order scatters a page's 20 rows over every row group of the
 * snapshot, and DuckDB must decompress each group's pages to find them: on a million rows with a
 * text column that measured 90–300 ms a page (a sequential page reads one group: ~5 ms). So for
 * big versions the rows are copied once into a DuckDB table laid out in queue order (what the
 * grid does for a sort), and a page becomes a read of consecutive positions (~1–2 ms). The copy
 * is made by the first page read of the order (one more second or so, like computing the order),
 * not in the background, so no DuckDB work outlives a request.
 */

/** Below this many rows a scattered read touches a group or two and is fast enough without a copy. */
export const queueCopyMinRows = 250_000;
/** Ordered copies kept in DuckDB (each is about the size of the decompressed snapshot). */
const maxCopies = 2;
/** Row ids appended between yields to the event loop while the order is handed to DuckDB. */
const appendBatch = 50_000;

let copyCounter = 0;

export class QueueRows {
  private readonly copies = new Map<string, Promise<string>>();

  constructor(
    private readonly deps: { duck: DuckDBInstance; store: ObjectStore },
    private readonly copyMinRows = queueCopyMinRows,
  ) {}

  /** The rows at these positions of `order` (a cached order under `key`), by row id. */
  async read(
    version: DatasetVersion,
    key: string,
    order: Uint32Array,
    positions: readonly number[],
    sequential: boolean,
  ): Promise<Map<number, RowValues>> {
    const rowIds = positions.map((p) => order[p]!);
    if (sequential || version.rowCount < this.copyMinRows || positions.length === 0)
      return readRows(this.deps.duck, this.deps.store, version, rowIds);
    const { copy, evicted } = this.copyFor(version, key, order);
    const table = await copy;
    await Promise.allSettled(evicted.map((old) => old.then((name) => this.drop(name))));
    try {
      return await this.readCopy(version, table, positions);
    } catch (error) {
      // Evicted by a request for another order while this one waited: read the snapshot instead.
      if (this.live.has(table)) throw error;
      return readRows(this.deps.duck, this.deps.store, version, rowIds);
    }
  }

  /** Tables of copies not yet dropped. */
  private readonly live = new Set<string>();

  /** The ordered copy of `key`, made on first use (a request meanwhile waits for the same one), and the copies it pushes out. */
  private copyFor(
    version: DatasetVersion,
    key: string,
    order: Uint32Array,
  ): { copy: Promise<string>; evicted: Promise<string>[] } {
    let copy = this.copies.get(key);
    if (copy) {
      this.copies.delete(key);
    } else {
      copy = this.build(version, order, `orchard_queue_${process.pid}_${++copyCounter}`);
      copy.catch(() => this.copies.delete(key));
    }
    this.copies.set(key, copy);
    const evicted: Promise<string>[] = [];
    while (this.copies.size > maxCopies) {
      const [oldestKey, oldest] = this.copies.entries().next().value as [string, Promise<string>];
      this.copies.delete(oldestKey);
      evicted.push(oldest);
    }
    return { copy, evicted };
  }

  /** Hands the order to DuckDB (row ids appended in position order), then copies the rows in that order. */
  private async build(version: DatasetVersion, order: Uint32Array, table: string): Promise<string> {
    const positions = `${table}_order`;
    return withConnection(this.deps.duck, async (connection) => {
      await connection.run(`CREATE TABLE ${quoteIdent(positions)} (row_id INTEGER)`);
      try {
        const appender = await connection.createAppender(positions);
        for (let p = 0; p < order.length; p++) {
          appender.appendInteger(order[p]!);
          appender.endRow();
          if ((p + 1) % appendBatch === 0) await yieldToEvents();
        }
        appender.closeSync();
        // The appended rows keep their order, so an order row's rowid is its position.
        await connection.run(
          `CREATE TABLE ${quoteIdent(table)} AS
           SELECT o.rowid AS _position, s.* FROM ${quoteIdent(positions)} o
           JOIN read_parquet($1) s ON s.${quoteIdent(rowIdColumn)} = o.row_id ORDER BY o.rowid`,
          [this.deps.store.pathOf(version.snapshotSha256)],
        );
      } finally {
        await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(positions)}`);
      }
      this.live.add(table);
      return table;
    });
  }

  /** Rows at these positions of the copy, by row id. */
  private async readCopy(
    version: DatasetVersion,
    table: string,
    positions: readonly number[],
  ): Promise<Map<number, RowValues>> {
    const names = itemColumns(version);
    const byPosition = await selectByKeys(this.deps.duck, quoteIdent(table), [], '_position', positions, [
      '_position',
      ...names,
    ]);
    const result = new Map<number, RowValues>();
    for (const row of byPosition.values()) {
      const values: RowValues = {};
      for (const name of names) values[name] = row[name] ?? null;
      result.set(Number(values[rowIdColumn]), values);
    }
    return result;
  }

  private async drop(table: string): Promise<void> {
    this.live.delete(table);
    await withConnection(this.deps.duck, (connection) =>
      connection.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`),
    );
  }
}
