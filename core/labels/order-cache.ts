import type { DuckDBInstance } from '@duckdb/node-api';
import type { DatasetVersion, QueueOrder } from '../contract/index.js';
import { withConnection } from '../data/duck.js';
import { quoteIdent } from '../data/sql.js';
import type { ObjectStore, RegistryDb } from '../registry/index.js';
import { integerColumn } from '../train/data/vectors.js';
import { requireColumn } from './label-set-rules.js';
import { chooseModel, predictVersion } from './predictions.js';
import type { VersionPredictions } from './predictions.js';
import {
  leastConfidentOrder,
  orderKey,
  positionsOf,
  randomOrder,
  sequentialOrder,
  stratifiedOrder,
} from './queue-order.js';

/** A computed queue order of a dataset version's rows, and what came with it. */
export interface CachedOrder {
  readonly key: string;
  readonly order: Uint32Array;
  /** `positions()[rowId]` = the row's position in the order (built on first use). */
  positions(): Uint32Array;
  /** least-confident: the model's predictions by row id. */
  readonly predictions: VersionPredictions | null;
}

/** Orders kept per engine: a million-item order with its positions is ~8 MB (predictions +6 MB). */
const maxOrders = 8;

function cachedOrder(key: string, order: Uint32Array, predictions: VersionPredictions | null): CachedOrder {
  let positions: Uint32Array | undefined;
  return { key, order, predictions, positions: () => (positions ??= positionsOf(order)) };
}

/**
 * Each row's value index of `column` (values in sort order, missing last), read in one DuckDB pass
 * as typed chunks; the shuffling and round-robin happen in `stratifiedOrder`.
 */
async function strataOf(
  duck: DuckDBInstance,
  parquetPath: string,
  column: string,
  itemCount: number,
): Promise<{ strata: Int32Array; count: number }> {
  const strata = new Int32Array(itemCount);
  let count = 0;
  await withConnection(duck, async (connection) => {
    const result = await connection.stream(
      `SELECT CAST(_row_id AS INTEGER), CAST(dense_rank() OVER (ORDER BY ${quoteIdent(column)} NULLS LAST) - 1 AS INTEGER)
       FROM read_parquet($1)`,
      [parquetPath],
    );
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const rowIds = integerColumn(chunk, 0);
      const values = integerColumn(chunk, 1);
      for (let i = 0; i < chunk.rowCount; i++) {
        strata[rowIds[i]!] = values[i]!;
        if (values[i]! >= count) count = values[i]! + 1;
      }
    }
  });
  return { strata, count };
}

/**
 * The engine's queue orders, computed once per (dataset version, order) and shared by every label
 * set of the version. A request for an order being computed waits for that same computation.
 */
export class OrderCache {
  private readonly orders = new Map<string, Promise<CachedOrder>>();

  constructor(private readonly deps: { db: RegistryDb; duck: DuckDBInstance; store: ObjectStore }) {}

  get(version: DatasetVersion, order: QueueOrder): Promise<CachedOrder> {
    // Resolve the model first (a cheap query), so training a newer model makes a new order.
    const model =
      order.kind === 'least-confident' ? chooseModel(this.deps.db, version, order.modelVersionId) : null;
    if (order.kind === 'stratified') requireColumn(version, order.column, 'stratify column');
    const key = `${version.id}|${orderKey(order, model?.id)}`;
    let entry = this.orders.get(key);
    if (entry) {
      this.orders.delete(key);
    } else {
      entry = this.compute(version, order, key, model);
      entry.catch(() => this.orders.delete(key));
    }
    this.orders.set(key, entry);
    while (this.orders.size > maxOrders) this.orders.delete(this.orders.keys().next().value!);
    return entry;
  }

  private async compute(
    version: DatasetVersion,
    order: QueueOrder,
    key: string,
    model: ReturnType<typeof chooseModel> | null,
  ): Promise<CachedOrder> {
    const n = version.rowCount;
    const parquetPath = this.deps.store.pathOf(version.snapshotSha256);
    switch (order.kind) {
      case 'sequential':
        return cachedOrder(key, sequentialOrder(n), null);
      case 'random':
        return cachedOrder(key, randomOrder(n, order.seed), null);
      case 'stratified': {
        const { strata, count } = await strataOf(this.deps.duck, parquetPath, order.column, n);
        return cachedOrder(key, stratifiedOrder(strata, count, order.seed), null);
      }
      case 'least-confident': {
        const predictions = await predictVersion(this.deps, model!, version);
        return cachedOrder(key, leastConfidentOrder(predictions.confidence), predictions);
      }
    }
  }
}
