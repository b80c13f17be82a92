import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetVersion } from '../contract/index.js';
import { openDuck, withConnection } from '../data/duck.js';
import { quoteLiteral } from '../data/sql.js';
import { ObjectStore } from '../registry/index.js';
import { useTempDir } from '../registry/test-support.js';
import { readRows } from './items.js';
import { randomOrder } from './queue-order.js';
import { QueueRows } from './queue-rows.js';

describe('queue rows', () => {
  const tempDir = useTempDir();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function snapshot(rows: number) {
    const dir = tempDir();
    const store = new ObjectStore(dir);
    await store.init();
    const duck = await openDuck({ tempDirectory: path.join(dir, 'duck'), memoryLimit: '512MB', threads: 2 });
    cleanups.push(
      () => store.close(),
      () => duck.closeSync(),
    );
    const staged = store.stagingPath('.parquet');
    await withConnection(duck, (c) =>
      c.run(
        `COPY (SELECT range AS _row_id, 'text of row ' || range AS note, range % 7 AS bucket FROM range(${rows}))
         TO ${quoteLiteral(staged)} (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
      ),
    );
    const { sha256 } = await store.commit(staged);
    const version = {
      id: 'dsv_1',
      snapshotSha256: sha256,
      rowCount: rows,
      columns: [
        { name: 'note', type: 'text', storageType: 'VARCHAR' },
        { name: 'bucket', type: 'integer', storageType: 'BIGINT' },
      ],
    } as DatasetVersion;
    return { duck, store, version };
  }

  it('reads a page of a shuffled order from a copy laid out in that order, the same rows as the snapshot', async () => {
    const { duck, store, version } = await snapshot(5000);
    const order = randomOrder(5000, 3);
    const rows = new QueueRows({ duck, store }, 0);
    const positions = [10, 11, 12, 40, 4999];
    const fromCopy = await rows.read(version, 'random:3', order, positions, false);
    const direct = await readRows(
      duck,
      store,
      version,
      positions.map((p) => order[p]!),
    );
    expect([...fromCopy.keys()].sort((a, b) => a - b)).toEqual(
      positions.map((p) => order[p]!).sort((a, b) => a - b),
    );
    expect(fromCopy).toEqual(direct);
    expect(fromCopy.get(order[4999]!)).toEqual({
      _row_id: order[4999],
      note: `text of row ${order[4999]}`,
      bucket: order[4999]! % 7,
    });
    // The copy exists now: a second page is read from it, and a third order evicts the first copy.
    const tables = async () =>
      withConnection(duck, async (c) =>
        (
          await c.runAndReadAll(
            `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'orchard_queue_%'`,
          )
        )
          .getRowsJS()
          .map((r) => String(r[0])),
      );
    expect(await tables()).toHaveLength(1);
    await rows.read(version, 'random:4', randomOrder(5000, 4), [0], false);
    await rows.read(version, 'random:5', randomOrder(5000, 5), [0], false);
    expect(await tables()).toHaveLength(2);
  });

  it('reads rows far apart in separate range queries, and each row once', async () => {
    const { duck, store, version } = await snapshot(150_000);
    const rows = await readRows(duck, store, version, [149_999, 0, 70_001, 0, 1]);
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual([0, 1, 70_001, 149_999]);
    expect(rows.get(70_001)).toEqual({ _row_id: 70_001, note: 'text of row 70001', bucket: 70_001 % 7 });
  });
});
