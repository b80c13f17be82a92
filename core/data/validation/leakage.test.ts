import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import type { Column } from '../../contract/schemas.js';
import { openTestBed } from '../test-support.js';
import type { DataTestBed } from '../test-support.js';
import { findLeakage } from './leakage.js';
import { writeParquet } from './test-tables.js';

let bed: DataTestBed;
beforeEach(async () => {
  bed = await openTestBed();
});
afterEach(() => bed.close());

const columns: Column[] = [
  { name: 'id', type: 'text', storageType: 'VARCHAR' },
  { name: 'x', type: 'integer', storageType: 'BIGINT' },
  { name: 'note', type: 'text', storageType: 'VARCHAR' },
];

describe('findLeakage', () => {
  it('finds identical rows (NULL equals NULL) and shared ids, with examples', async () => {
    // train: ids u0..u9, x = i, note NULL for even i.
    const train = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT i::BIGINT AS _row_id, 'u' || i AS id, i::BIGINT AS x, CASE WHEN i % 2 = 0 THEN NULL ELSE 'n' || i END AS note FROM range(10) t(i)`,
    );
    // test: rows 0–2 copy train rows 4, 5 and 5 again; row 3 reuses id u7 with other values; row 4 is new.
    const test = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT * FROM (VALUES (0::BIGINT, 'u4', 4::BIGINT, NULL::VARCHAR), (1, 'u5', 5, 'n5'), (2, 'u5', 5, 'n5'), (3, 'u7', 70, 'other'), (4, 'v1', 1, 'n1'))
         t(_row_id, id, x, note)`,
    );
    const report = await findLeakage(
      bed.db,
      { parquetPath: test, columns },
      { parquetPath: train, columns },
      'id',
    );
    expect(report).toEqual({
      identicalRows: 3,
      identicalRowExamples: [
        { left: 0, right: 4 },
        { left: 1, right: 5 },
        { left: 2, right: 5 },
      ],
      idColumn: 'id',
      sharedIds: 3,
      sharedIdExamples: ['u4', 'u5', 'u7'],
    });
    const withoutIds = await findLeakage(
      bed.db,
      { parquetPath: train, columns },
      { parquetPath: test, columns },
    );
    expect(withoutIds.identicalRows).toBe(2);
    expect(withoutIds.identicalRowExamples).toEqual([
      { left: 4, right: 0 },
      { left: 5, right: 1 },
    ]);
    expect([withoutIds.idColumn, withoutIds.sharedIds, withoutIds.sharedIdExamples]).toEqual([
      null,
      null,
      [],
    ]);
  });

  it('refuses versions whose schemas differ', async () => {
    const file = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT 0::BIGINT AS _row_id, 'a' AS id, 1::BIGINT AS x, 'n' AS note`,
    );
    const other: Column[] = [
      { name: 'id', type: 'text', storageType: 'VARCHAR' },
      { name: 'x', type: 'boolean', storageType: 'BOOLEAN' },
      { name: 'extra', type: 'text', storageType: 'VARCHAR' },
    ];
    const attempt = findLeakage(
      bed.db,
      { parquetPath: file, columns },
      { parquetPath: file, columns: other },
      'nope',
    );
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      'Cannot compare the two versions for leakage: `x` is integer on the left but boolean on the right; `note` is missing on the right; `extra` is missing on the left; the id column `nope` does not exist.',
    );
  });
});
