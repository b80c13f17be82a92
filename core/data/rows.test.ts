import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../contract/errors.js';
import type { Column } from '../contract/schemas.js';
import { importToSnapshot } from './import-file.js';
import { clearRowWindowCache, readRowWindow } from './rows.js';
import { openTestBed } from './test-support.js';
import type { DataTestBed } from './test-support.js';

let bed: DataTestBed;
let snapshot: string;
let columns: Column[];

beforeEach(async () => {
  bed = await openTestBed();
  const lines = ['name,age,city,joined'];
  const cities = ['Oslo', 'Bergen', 'oslo east'];
  for (let i = 0; i < 1000; i++) {
    lines.push(
      `person ${i},${i % 7 === 0 ? '' : String(i % 50)},${cities[i % 3]},2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
    );
  }
  snapshot = bed.output();
  const imported = await importToSnapshot({
    db: bed.db,
    sourcePath: bed.write('people.csv', lines.join('\n')),
    outputPath: snapshot,
  });
  columns = imported.columns;
});
afterEach(async () => {
  await clearRowWindowCache(bed.db);
  bed.close();
});

describe('readRowWindow', () => {
  it('reads a plain window by _row_id', async () => {
    const window = await readRowWindow(bed.db, snapshot, columns, { offset: 995, limit: 10 });
    expect(window.columns).toEqual(['_row_id', 'name', 'age', 'city', 'joined']);
    expect(window.total).toBe(1000);
    expect(window.offset).toBe(995);
    expect(window.rows.map((row) => row[0])).toEqual([995, 996, 997, 998, 999]);
    // 995 % 3 = 2 → the third city; 995 % 28 + 1 = 16.
    expect(window.rows[0]).toEqual([995, 'person 995', 45, 'oslo east', '2024-01-16']);
    const first = await readRowWindow(bed.db, snapshot, columns, { offset: 0, limit: 1 });
    expect(first.rows).toEqual([[0, 'person 0', null, 'Oslo', '2024-01-01']]);
  });

  it('sorts with nulls last and ties in file order, and pages through the sorted view', async () => {
    const sort = [{ column: 'age', direction: 'desc' as const }];
    const top = await readRowWindow(bed.db, snapshot, columns, { offset: 0, limit: 3, sort });
    // age 49 first: i % 50 = 49 and i % 7 ≠ 0 (49 is a multiple of 7, so its age is missing) → 99, 149, 199 …
    expect(top.rows.map((row) => [row[0], row[2]])).toEqual([
      [99, 49],
      [149, 49],
      [199, 49],
    ]);
    const tail = await readRowWindow(bed.db, snapshot, columns, { offset: 990, limit: 50, sort });
    expect(tail.rows.length).toBe(10);
    expect(tail.rows.every((row) => row[2] === null)).toBe(true);
    expect(tail.total).toBe(1000);
  });

  it('filters with bound values: eq, comparisons, contains, nulls, dates', async () => {
    const count = async (filters: Parameters<typeof readRowWindow>[3]['filters']): Promise<number> =>
      (await readRowWindow(bed.db, snapshot, columns, { offset: 0, limit: 5, filters })).total;
    const nullAges = Array.from({ length: 1000 }, (_u, i) => i).filter((i) => i % 7 === 0).length;
    expect(await count([{ column: 'age', op: 'is_null' }])).toBe(nullAges);
    expect(await count([{ column: 'age', op: 'not_null' }])).toBe(1000 - nullAges);
    expect(await count([{ column: 'city', op: 'eq', value: 'Oslo' }])).toBe(334);
    expect(await count([{ column: 'city', op: 'contains', value: 'OSLO' }])).toBe(334 + 333);
    expect(await count([{ column: 'city', op: 'neq', value: 'Oslo' }])).toBe(666);
    const expectedGte = Array.from({ length: 1000 }, (_u, i) => i).filter(
      (i) => i % 7 !== 0 && i % 50 >= 40,
    ).length;
    expect(await count([{ column: 'age', op: 'gte', value: 40 }])).toBe(expectedGte);
    expect(await count([{ column: 'age', op: 'gte', value: '40' }])).toBe(expectedGte);
    const expectedJoined = Array.from({ length: 1000 }, (_u, i) => i).filter((i) => (i % 28) + 1 < 3).length;
    expect(await count([{ column: 'joined', op: 'lt', value: '2024-01-03' }])).toBe(expectedJoined);
    // A value that looks like SQL is only ever data.
    expect(await count([{ column: 'city', op: 'eq', value: "x' OR '1'='1" }])).toBe(0);
    const both = await readRowWindow(bed.db, snapshot, columns, {
      offset: 0,
      limit: 2,
      sort: [{ column: 'name', direction: 'asc' }],
      filters: [{ column: 'city', op: 'eq', value: 'Bergen' }],
    });
    expect(both.rows.map((row) => row[1])).toEqual(['person 1', 'person 10']);
  });

  it('filters with `in`: bound values, on `_row_id` too, typed like the column', async () => {
    const byRowId = await readRowWindow(bed.db, snapshot, columns, {
      offset: 0,
      limit: 10,
      filters: [{ column: '_row_id', op: 'in', values: [998, 3, 40, 3, 5000] }],
    });
    expect(byRowId.total).toBe(3);
    expect(byRowId.rows.map((row) => row[0])).toEqual([3, 40, 998]);
    const cities = await readRowWindow(bed.db, snapshot, columns, {
      offset: 0,
      limit: 5,
      filters: [{ column: 'city', op: 'in', values: ['Bergen', "x') OR ('1'='1"] }],
    });
    expect(cities.total).toBe(333);
    // Numeric text is converted like `eq` does; dates compare as dates.
    const ages = await readRowWindow(bed.db, snapshot, columns, {
      offset: 0,
      limit: 5,
      filters: [{ column: 'age', op: 'in', values: ['1', 2] }],
    });
    const expectedAges = Array.from({ length: 1000 }, (_u, i) => i).filter(
      (i) => i % 7 !== 0 && [1, 2].includes(i % 50),
    ).length;
    expect(ages.total).toBe(expectedAges);
    const joined = await readRowWindow(bed.db, snapshot, columns, {
      offset: 0,
      limit: 5,
      filters: [{ column: 'joined', op: 'in', values: ['2024-01-01', '2024-01-28'] }],
    });
    expect(joined.total).toBe(
      Array.from({ length: 1000 }, (_u, i) => (i % 28) + 1).filter((day) => day === 1 || day === 28).length,
    );
    await expect(
      readRowWindow(bed.db, snapshot, columns, {
        offset: 0,
        limit: 5,
        filters: [{ column: 'age', op: 'in', values: [] }],
      }),
    ).rejects.toThrow(/needs a non-empty `values` list/);
    await expect(
      readRowWindow(bed.db, snapshot, columns, {
        offset: 0,
        limit: 5,
        filters: [{ column: '_row_id', op: 'in', values: ['x'] }],
      }),
    ).rejects.toThrow(/needs a number/);
  });

  it('refuses unknown columns, missing values and bad numbers', async () => {
    await expect(
      readRowWindow(bed.db, snapshot, columns, {
        offset: 0,
        limit: 5,
        sort: [{ column: 'nope', direction: 'asc' }],
      }),
    ).rejects.toThrow(/Cannot sort by `nope`/);
    await expect(
      readRowWindow(bed.db, snapshot, columns, {
        offset: 0,
        limit: 5,
        filters: [{ column: 'zz', op: 'is_null' }],
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      readRowWindow(bed.db, snapshot, columns, {
        offset: 0,
        limit: 5,
        filters: [{ column: 'age', op: 'eq' }],
      }),
    ).rejects.toThrow(/needs a value/);
    await expect(
      readRowWindow(bed.db, snapshot, columns, {
        offset: 0,
        limit: 5,
        filters: [{ column: 'age', op: 'eq', value: 'old' }],
      }),
    ).rejects.toThrow(/needs a number/);
    await expect(readRowWindow(bed.db, snapshot, columns, { offset: 0, limit: 0 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});
