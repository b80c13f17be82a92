import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../contract/errors.js';
import { inspectFile } from './inspect.js';
import { openTestBed } from './test-support.js';
import type { DataTestBed } from './test-support.js';

let bed: DataTestBed;
beforeEach(async () => {
  bed = await openTestBed();
});
afterEach(() => bed.close());

describe('inspectFile', () => {
  it('shows format, inferred types and the first 20 rows, writing nothing', async () => {
    const lines = ['id,score,kind,seen'];
    for (let i = 0; i < 100; i++)
      lines.push(`${i},${i / 4},${i % 2 === 0 ? 'even' : 'odd'},2024-03-0${(i % 9) + 1}`);
    const file = bed.write('s.csv', lines.join('\n'));
    const before = fs.readdirSync(bed.dir);
    const preview = await inspectFile(file);
    expect(preview.format).toBe('csv');
    expect(preview.columns).toEqual([
      { name: 'id', type: 'integer', storageType: 'BIGINT' },
      { name: 'score', type: 'float', storageType: 'DOUBLE' },
      { name: 'kind', type: 'categorical', storageType: 'VARCHAR' },
      { name: 'seen', type: 'date', storageType: 'DATE' },
    ]);
    expect(preview.sampleRows.length).toBe(20);
    expect(preview.sampleRows[1]).toEqual([1, 0.25, 'odd', '2024-03-02']);
    expect(fs.readdirSync(bed.dir)).toEqual(before);
  });

  it('applies overrides, works with a given DuckDB, and reports bad input like import', async () => {
    const file = bed.write('o.json', '[{"code": 1}, {"code": 2}]');
    const preview = await inspectFile(file, { columnTypes: { code: 'categorical' } }, bed.db);
    expect(preview.format).toBe('json');
    expect(preview.columns).toEqual([{ name: 'code', type: 'categorical', storageType: 'VARCHAR' }]);
    await expect(inspectFile(bed.write('d.csv', 'a,a\n1,2\n'))).rejects.toThrow(
      /`a` appears at positions 1, 2/,
    );
    await expect(inspectFile(bed.write('h.csv', 'a,b\n'))).rejects.toThrow(/header but no rows/);
    await expect(
      inspectFile(bed.write('x.csv', 'a\n1\n'), { columnTypes: { b: 'text' } }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });
});
