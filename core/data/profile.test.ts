import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ColumnProfile } from '../contract/schemas.js';
import { importToSnapshot } from './import-file.js';
import { profileSnapshot } from './profile.js';
import { openTestBed, query } from './test-support.js';
import { writeParquet } from './validation/test-tables.js';
import type { DataTestBed } from './test-support.js';

let bed: DataTestBed;
beforeEach(async () => {
  bed = await openTestBed();
});
afterEach(() => bed.close());

describe('profileSnapshot', () => {
  it('matches statistics computed by hand', async () => {
    // x = 2, 4, 4, 4, 5, 5, 7, 9 and one missing: mean 5, sample variance 32/7.
    const csv = [
      'x,colour,day,flag,word',
      '2,red,2024-01-01,true,a',
      '4,red,2024-01-02,true,bb',
      '4,blue,2024-01-03,false,ccc',
      '4,red,2024-01-04,true,dddd',
      '5,blue,2024-01-05,false,a',
      '5,red,2024-01-06,true,bb',
      '7,green,2024-01-07,true,ccc',
      '9,red,2024-01-08,false,dddd',
      ',red,2024-01-09,true,',
    ].join('\n');
    const output = bed.output();
    const imported = await importToSnapshot({
      db: bed.db,
      sourcePath: bed.write('p.csv', csv),
      outputPath: output,
    });
    const profile = await profileSnapshot(bed.db, output, imported.columns);
    expect(profile.rowCount).toBe(9);
    expect(profile.columns.map((column) => column.name)).toEqual(['x', 'colour', 'day', 'flag', 'word']);
    for (const column of profile.columns) expect(() => ColumnProfile.parse(column)).not.toThrow();

    const [x, colour, day, flag, word] = profile.columns;
    expect(x).toMatchObject({ type: 'integer', count: 8, missing: 1, distinct: 5 });
    expect(x?.numeric?.min).toBe(2);
    expect(x?.numeric?.max).toBe(9);
    expect(x?.numeric?.mean).toBeCloseTo(5, 12);
    expect(x?.numeric?.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    // Linear interpolation (numpy default) on the sorted 8 values: p25 at position 1.75 → 4, p50 at 3.5 → 4.5,
    // p05 at 0.35 → 2 + 0.35·2 = 2.7, p95 at 6.65 → 7 + 0.65·2 = 8.3.
    expect(x?.numeric?.quantiles.p05).toBeCloseTo(2.7, 12);
    expect(x?.numeric?.quantiles.p25).toBeCloseTo(4, 12);
    expect(x?.numeric?.quantiles.p50).toBeCloseTo(4.5, 12);
    expect(x?.numeric?.quantiles.p75).toBeCloseTo(5.5, 12);
    expect(x?.numeric?.quantiles.p95).toBeCloseTo(8.3, 12);
    expect(x?.histogram?.edges.length).toBe(31);
    expect(x?.histogram?.edges[0]).toBe(2);
    expect(x?.histogram?.edges[30]).toBe(9);
    expect(x?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(8);
    // Width 7/30: value 4 falls in bin floor(2 / (7/30)) = 8, three times; 9 is clamped into the last bin.
    expect(x?.histogram?.counts[8]).toBe(3);
    expect(x?.histogram?.counts[29]).toBe(1);
    expect(x?.topValues).toBeNull();

    expect(colour?.type).toBe('categorical');
    expect(colour?.topValues).toEqual([
      { value: 'red', count: 6 },
      { value: 'blue', count: 2 },
      { value: 'green', count: 1 },
    ]);
    expect(colour?.textLength).toEqual({ min: 3, mean: (6 * 3 + 2 * 4 + 5) / 9, max: 5 });

    expect(day?.range).toEqual({ min: '2024-01-01', max: '2024-01-09' });
    expect(day?.histogram?.edges[0]).toBe(Date.UTC(2024, 0, 1));
    expect(day?.histogram?.edges[30]).toBe(Date.UTC(2024, 0, 9));

    expect(flag?.topValues).toEqual([
      { value: 'true', count: 6 },
      { value: 'false', count: 3 },
    ]);
    expect(word).toMatchObject({ count: 8, missing: 1, distinct: 4 });
    expect(word?.textLength).toEqual({ min: 1, mean: 2.5, max: 4 });
  });

  it('treats NaN and infinities as missing and keeps JSON-safe numbers', async () => {
    const output = bed.output();
    const json = '[{"v": 1.0}, {"v": "NaN"}, {"v": "Infinity"}, {"v": 3.0}]';
    const imported = await importToSnapshot({
      db: bed.db,
      sourcePath: bed.write('nan.json', json),
      outputPath: output,
      options: { columnTypes: { v: 'float' } },
    });
    const profile = await profileSnapshot(bed.db, output, imported.columns);
    const [v] = profile.columns;
    expect(v).toMatchObject({ count: 2, missing: 2 });
    expect(v?.numeric?.mean).toBe(2);
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });

  it('profiles the staging table during import exactly as it profiles the written snapshot', async () => {
    // Overrides applied by CAST (JSON), a time column stored as text, NaN and missing values: the
    // profile taken from the staging table must describe the snapshot's rows, not the staged ones.
    const json = JSON.stringify([
      { n: '4', f: 1.5, t: '12:00:00', s: 'x', b: true },
      { n: '2', f: 'NaN', t: '13:30:00', s: 'y', b: false },
      { n: '9', f: 2.25, t: null, s: 'x', b: true },
      { n: null, f: -7, t: '01:02:03', s: null, b: null },
    ]);
    const source = bed.write('mixed.json', json);
    const output = bed.output();
    const imported = await importToSnapshot({
      db: bed.db,
      sourcePath: source,
      outputPath: output,
      profile: true,
      options: { columnTypes: { n: 'integer', f: 'float' } },
    });
    expect(imported.profile).toBeDefined();
    expect(imported.profile).toEqual(await profileSnapshot(bed.db, output, imported.columns));
    expect(imported.profile?.columns[0]).toMatchObject({
      name: 'n',
      type: 'integer',
      count: 3,
      missing: 1,
      distinct: 3,
    });
    expect(imported.profile?.columns[0]?.numeric?.quantiles.p50).toBe(4);
    expect(imported.profile?.columns[1]).toMatchObject({ name: 'f', count: 3, missing: 1 });
  });

  it('computes quantiles and histograms from value counts exactly as DuckDB does from the rows', async () => {
    // Few distinct values (counted value by value) with repeats, negatives and NaN.
    const lines = ['k,f'];
    for (let i = 0; i < 997; i++)
      lines.push(`${((i * 7919) % 23) - 5},${i % 10 === 0 ? 'NaN' : ((i * 104729) % 31) / 4}`);
    const source = bed.write('counts.csv', lines.join('\n'));
    const output = bed.output();
    const imported = await importToSnapshot({ db: bed.db, sourcePath: source, outputPath: output });
    const profile = await profileSnapshot(bed.db, output, imported.columns);
    const [expected] = await query(
      bed.db,
      'SELECT quantile_cont(k, [0.05, 0.25, 0.5, 0.75, 0.95]), quantile_cont(f, [0.05, 0.25, 0.5, 0.75, 0.95]) FILTER (WHERE isfinite(f)), ' +
        'count(DISTINCT k), count(DISTINCT f) FILTER (WHERE isfinite(f)) FROM read_parquet($1)',
      [output],
    );
    const [k, f] = profile.columns;
    expect(Object.values(k?.numeric?.quantiles ?? {})).toEqual(expected?.[0]);
    expect(Object.values(f?.numeric?.quantiles ?? {})).toEqual(expected?.[1]);
    expect(k?.distinct).toBe(Number(expected?.[2]));
    expect(f?.distinct).toBe(Number(expected?.[3]));
    expect(k?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(997);
    expect(f?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(f?.count);
  });

  it('profiles numbers exactly whichever way the head of the file suggests', async () => {
    // 160,000 rows, so the head (the first 50,000) does not show the whole column:
    // seq    – an id (value − _row_id constant): arithmetic;
    // gap    – an id in the head that starts over later: not a sequence after all (50,000 values);
    // cyclic – every value distinct in the head, 60,000 values in all: guessed many-valued, exact count;
    // late   – ten values in the head, then all distinct (> 100,000): guessed few-valued, too many;
    // few    – a few values, some missing.
    const rows = 160_000;
    const snapshot = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT i::BIGINT AS _row_id, (i + 7)::BIGINT AS seq,
         (CASE WHEN i < 50000 THEN i ELSE i % 50000 END)::BIGINT AS gap,
         ((i * 7) % 60000)::BIGINT AS cyclic,
         (CASE WHEN i < 50000 THEN i % 10 ELSE i * 1.5 END)::DOUBLE AS late,
         (CASE WHEN i % 7 = 0 THEN NULL ELSE i % 13 END)::INTEGER AS few
       FROM range(${rows}) t(i)`,
    );
    const names = ['seq', 'gap', 'cyclic', 'late', 'few'];
    const profile = await profileSnapshot(
      bed.db,
      snapshot,
      names.map((name) => ({
        name,
        type: name === 'late' ? 'float' : 'integer',
        storageType: name === 'late' ? 'DOUBLE' : name === 'few' ? 'INTEGER' : 'BIGINT',
      })),
    );
    expect(profile.rowCount).toBe(rows);
    for (const [index, name] of names.entries()) {
      const column = profile.columns[index];
      const [expected] = await query(
        bed.db,
        `SELECT count("${name}"), count(DISTINCT "${name}"), min("${name}"), max("${name}"), avg("${name}"), ` +
          `stddev_samp("${name}"), quantile_cont("${name}", [0.05, 0.25, 0.5, 0.75, 0.95]) FROM read_parquet($1)`,
        [snapshot],
      );
      const [count, distinct, min, max, mean, std, quantiles] = expected ?? [];
      expect(column?.count, name).toBe(Number(count));
      expect(column?.missing, name).toBe(rows - Number(count));
      // Exact up to 100,000 distinct values; `late` has 110,010 and gets DuckDB's HyperLogLog estimate.
      if (name === 'late')
        expect(Math.abs((column?.distinct ?? 0) / Number(distinct) - 1)).toBeLessThan(0.25);
      else expect(column?.distinct, name).toBe(Number(distinct));
      expect(column?.numeric?.min, name).toBe(Number(min));
      expect(column?.numeric?.max, name).toBe(Number(max));
      expect(column?.numeric?.mean, name).toBeCloseTo(Number(mean), 6);
      expect(column?.numeric?.std, name).toBeCloseTo(Number(std), 6);
      expect(Object.values(column?.numeric?.quantiles ?? {}), name).toEqual(quantiles);
      expect(
        column?.histogram?.counts.reduce((a, b) => a + b, 0),
        name,
      ).toBe(Number(count));
    }
  });

  it('counts text values exactly: distinct, top values, lengths', async () => {
    // 300,000 rows and 150,001 distinct words (above the numeric exact-distinct limit), plus ties.
    const snapshot = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT i::BIGINT AS _row_id,
         CASE WHEN i % 2 = 0 THEN 'w' || (i // 2) WHEN i % 3 = 0 THEN NULL ELSE 'common' END AS word,
         CASE WHEN i % 4 = 0 THEN 'b' WHEN i % 4 = 1 THEN 'a' WHEN i % 4 = 2 THEN 'c' ELSE 'dd' END AS tie
       FROM range(300000) t(i)`,
    );
    const profile = await profileSnapshot(bed.db, snapshot, [
      { name: 'word', type: 'text', storageType: 'VARCHAR' },
      { name: 'tie', type: 'categorical', storageType: 'VARCHAR' },
    ]);
    const [word, tie] = profile.columns;
    // Odd rows: multiples of 3 are missing (50,000), the rest 'common' (100,000).
    expect(word).toMatchObject({ count: 250_000, missing: 50_000, distinct: 150_001 });
    expect(word?.topValues?.[0]).toEqual({ value: 'common', count: 100_000 });
    // Ties broken by value: w0, w1, w10, w100, … in string order.
    expect(word?.topValues?.slice(1, 4)).toEqual([
      { value: 'w0', count: 1 },
      { value: 'w1', count: 1 },
      { value: 'w10', count: 1 },
    ]);
    const [lengths] = await query(
      bed.db,
      'SELECT min(length(word)), avg(length(word)), max(length(word)) FROM read_parquet($1)',
      [snapshot],
    );
    expect(word?.textLength).toEqual({
      min: Number(lengths?.[0]),
      mean: Number(lengths?.[1]),
      max: Number(lengths?.[2]),
    });
    expect(tie?.topValues).toEqual([
      { value: 'a', count: 75_000 },
      { value: 'b', count: 75_000 },
      { value: 'c', count: 75_000 },
      { value: 'dd', count: 75_000 },
    ]);
    expect(tie?.textLength).toEqual({ min: 1, mean: 1.25, max: 2 });
  });
});
