import fs from 'node:fs';
import path from 'node:path';
import { tableToIPC, Table, vectorFromArray, Int64, Float64, Utf8, DateDay, Bool } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError } from '../contract/errors.js';
import type { ImportOptions } from '../contract/methods.js';
import { importToSnapshot } from './import-file.js';
import type { ImportedSnapshot } from './import-file.js';
import { openTestBed, query } from './test-support.js';
import type { DataTestBed } from './test-support.js';

let bed: DataTestBed;
beforeEach(async () => {
  bed = await openTestBed();
});
afterEach(() => bed.close());

async function importFile(
  file: string,
  options?: ImportOptions,
): Promise<ImportedSnapshot & { output: string }> {
  const output = bed.output();
  const result = await importToSnapshot({ db: bed.db, sourcePath: file, outputPath: output, options });
  return { ...result, output };
}

/** The import's error, which the test expects to be an InvalidInputError. */
async function importError(file: string, options?: ImportOptions): Promise<InvalidInputError> {
  const output = bed.output();
  const error: unknown = await importToSnapshot({
    db: bed.db,
    sourcePath: file,
    outputPath: output,
    options,
  }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  expect(fs.existsSync(output)).toBe(false);
  return error as InvalidInputError;
}

const typesOf = (snapshot: ImportedSnapshot): Record<string, string> =>
  Object.fromEntries(snapshot.columns.map((column) => [column.name, `${column.type}/${column.storageType}`]));

describe('importToSnapshot: formats', () => {
  it('imports CSV with _row_id in file order and logical types', async () => {
    const lines = ['id,price,colour,when,ok,note'];
    for (let i = 0; i < 120; i++) {
      lines.push(
        `${i},${(i * 1.5).toFixed(1)},${['red', 'green', 'blue'][i % 3]},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 === 0},note number ${i}`,
      );
    }
    const snapshot = await importFile(bed.write('data.csv', lines.join('\n') + '\n'));
    expect(snapshot.format).toBe('csv');
    expect(snapshot.rowCount).toBe(120);
    expect(typesOf(snapshot)).toEqual({
      id: 'integer/BIGINT',
      price: 'float/DOUBLE',
      colour: 'categorical/VARCHAR',
      when: 'date/DATE',
      ok: 'boolean/BOOLEAN',
      note: 'text/VARCHAR',
    });
    expect(snapshot.warnings).toEqual([]);
    const rows = await query(bed.db, 'SELECT _row_id, id FROM read_parquet($1)', [snapshot.output]);
    expect(rows.length).toBe(120);
    expect(rows.every(([rowId, id]) => rowId === id)).toBe(true);
    const described = await query(bed.db, 'DESCRIBE SELECT * FROM read_parquet($1)', [snapshot.output]);
    expect(described[0]?.slice(0, 2)).toEqual(['_row_id', 'BIGINT']);
  });

  it('keeps file order for a file DuckDB reads with several threads', async () => {
    const lines = ['seq,value'];
    for (let i = 0; i < 300_000; i++) lines.push(`${i},${(i * 7919) % 1000}`);
    const snapshot = await importFile(bed.write('big.csv', lines.join('\n')));
    const [mismatch] = await query(
      bed.db,
      'SELECT count(*) FILTER (WHERE _row_id <> seq) FROM read_parquet($1)',
      [snapshot.output],
    );
    expect(snapshot.rowCount).toBe(300_000);
    expect(mismatch?.[0]).toBe(0n);
  });

  it('imports TSV by extension and a quoted field with embedded newlines', async () => {
    const tsv = await importFile(bed.write('t.tsv', 'a\tb\n1\tx, y\n2\tz\n'));
    expect(tsv.format).toBe('tsv');
    expect(typesOf(tsv)).toEqual({ a: 'integer/BIGINT', b: 'text/VARCHAR' });
    const quoted = await importFile(
      bed.write('q.csv', 'id,text,n\n1,"hello\nworld",3\n2,"say ""hi"", ok",4\n'),
    );
    expect(quoted.rowCount).toBe(2);
    const rows = await query(bed.db, 'SELECT _row_id, text, n FROM read_parquet($1)', [quoted.output]);
    expect(rows).toEqual([
      [0n, 'hello\nworld', 3n],
      [1n, 'say "hi", ok', 4n],
    ]);
  });

  it('imports Parquet, JSON array, JSON Lines and Arrow file and stream', async () => {
    const parquet = path.join(bed.dir, 'p.parquet');
    await query(
      bed.db,
      `COPY (SELECT i AS n, 'v' || i AS s FROM range(5) t(i)) TO '${parquet}' (FORMAT parquet)`,
    );
    const fromParquet = await importFile(parquet);
    expect(fromParquet).toMatchObject({ format: 'parquet', rowCount: 5 });
    expect(typesOf(fromParquet)).toEqual({ n: 'integer/BIGINT', s: 'text/VARCHAR' });

    const json = await importFile(
      bed.write('a.json', '[{"a": 1, "b": "x"}, {"a": 2, "b": null}, {"a": 3.5, "b": "z"}]'),
    );
    expect(json).toMatchObject({ format: 'json', rowCount: 3 });
    expect(typesOf(json)).toEqual({ a: 'float/DOUBLE', b: 'text/VARCHAR' });

    const jsonl = await importFile(
      bed.write('a.jsonl', '{"a": 1, "t": "2024-01-02 03:04:05"}\n{"a": 2, "t": "2024-02-03 04:05:06"}\n'),
    );
    expect(jsonl).toMatchObject({ format: 'jsonl', rowCount: 2 });
    expect(typesOf(jsonl)).toEqual({ a: 'integer/BIGINT', t: 'timestamp/TIMESTAMP' });

    const table = new Table({
      i: vectorFromArray([1n, 2n, null], new Int64()),
      f: vectorFromArray([1.5, null, 3], new Float64()),
      s: vectorFromArray(['a', null, 'c'], new Utf8()),
      d: vectorFromArray([new Date('2020-01-02'), null, new Date('2021-03-04')], new DateDay()),
      b: vectorFromArray([true, false, null], new Bool()),
    });
    for (const [name, kind] of [
      ['t.arrow', 'file'],
      ['t.arrows', 'stream'],
    ] as const) {
      const arrow = await importFile(bed.write(name, tableToIPC(table, kind)));
      expect(arrow).toMatchObject({ format: 'arrow', rowCount: 3 });
      expect(typesOf(arrow)).toEqual({
        i: 'integer/BIGINT',
        f: 'float/DOUBLE',
        s: 'text/VARCHAR',
        d: 'date/DATE',
        b: 'boolean/BOOLEAN',
      });
      const rows = await query(
        bed.db,
        'SELECT _row_id, i, f, s, CAST(d AS VARCHAR), b FROM read_parquet($1)',
        [arrow.output],
      );
      expect(rows).toEqual([
        [0n, 1n, 1.5, 'a', '2020-01-02', true],
        [1n, 2n, null, null, null, false],
        [2n, null, 3, 'c', '2021-03-04', null],
      ]);
    }
  });

  it('detects Parquet by magic bytes whatever the extension', async () => {
    const parquet = path.join(bed.dir, 'mislabelled.csv');
    await query(bed.db, `COPY (SELECT 1 AS x) TO '${parquet}' (FORMAT parquet)`);
    expect((await importFile(parquet)).format).toBe('parquet');
  });

  it('reads a path with glob characters literally', async () => {
    const file = bed.write('data[1]*.csv', 'a\n1\n2\n');
    expect((await importFile(file)).rowCount).toBe(2);
  });
});

describe('importToSnapshot: type overrides', () => {
  it('applies CSV overrides at read', async () => {
    const snapshot = await importFile(bed.write('o.csv', 'zip,score\n01234,1\n98765,2\n'), {
      columnTypes: { zip: 'categorical', score: 'float' },
    });
    expect(typesOf(snapshot)).toEqual({ zip: 'categorical/VARCHAR', score: 'float/DOUBLE' });
    const rows = await query(bed.db, 'SELECT zip, score FROM read_parquet($1)', [snapshot.output]);
    expect(rows).toEqual([
      ['01234', 1],
      ['98765', 2],
    ]);
  });

  it('applies overrides to Parquet by CAST and names the row and value that do not convert', async () => {
    const parquet = path.join(bed.dir, 'o.parquet');
    await query(
      bed.db,
      `COPY (SELECT * FROM (VALUES ('1', 'a'), ('2', 'b'), ('x3', 'c')) t(num, s)) TO '${parquet}' (FORMAT parquet)`,
    );
    const error = await importError(parquet, { columnTypes: { num: 'integer' } });
    expect(error.message).toContain('`num`');
    expect(error.message).toContain("row 2: 'x3'");
    const ok = await importFile(parquet, { columnTypes: { s: 'categorical' } });
    expect(typesOf(ok)['s']).toBe('categorical/VARCHAR');
  });

  it('names the column, line and value when a CSV override does not fit', async () => {
    const error = await importError(bed.write('bad-override.csv', 'a,b\n1,x\n2,y\n'), {
      columnTypes: { b: 'integer' },
    });
    expect(error.message).toMatch(/line 2 column `b` has 'x', which is not an integer/);
    expect(error.message).toContain('You asked for `b` as integer');
  });

  it('refuses an override of a column that does not exist', async () => {
    const error = await importError(bed.write('cols.csv', 'a,b\n1,2\n'), { columnTypes: { c: 'text' } });
    expect(error.message).toContain('has no column `c`');
    expect(error.message).toContain('`a`, `b`');
    const json = bed.write('cols.json', '[{"a": 1}]');
    expect((await importError(json, { columnTypes: { zz: 'text' } })).message).toContain(
      'has no column `zz`',
    );
  });
});

describe('importToSnapshot: bad input', () => {
  it('missing file', async () => {
    const error = await importError(path.join(bed.dir, 'nope.csv'));
    expect(error.message).toContain('does not exist');
  });

  it('empty file and header-only file', async () => {
    expect((await importError(bed.write('empty.csv', ''))).message).toContain('is empty (0 bytes)');
    expect((await importError(bed.write('header.csv', 'a,b\n'))).message).toContain(
      'has a header but no rows',
    );
  });

  it('binary file named .csv', async () => {
    const bytes = new Uint8Array(4096).map((_unused, index) => (index * 37) % 256);
    expect((await importError(bed.write('binary.csv', bytes))).message).toMatch(
      /binary\.csv looks like a binary file/,
    );
  });

  it('ragged rows name the line and the field counts', async () => {
    const text = 'a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4,5\n1,2,3,4\n';
    const error = await importError(bed.write('ragged.csv', text));
    expect(error.message).toContain('ragged.csv: line 7 has 5 fields, expected 4');
    expect(error.details).toMatchObject({ line: 7, expectedFields: 4, foundFields: 5 });
  });

  it('a late non-number in a number column names column, line and value and suggests text', async () => {
    const lines = ['id,age'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i % 90}`);
    lines.push('30000,n/a');
    const file = bed.write('mixed.csv', lines.join('\n'));
    const error = await importError(file);
    expect(error.message).toContain("line 30002 column `age` has 'n/a', which is not an integer");
    expect(error.message).toContain(`columnTypes: { "age": 'text' }`);
    const asText = await importFile(file, { columnTypes: { age: 'text' } });
    expect(typesOf(asText)['age']).toBe('text/VARCHAR');
    expect(asText.warnings).toEqual([]);
  });

  it('a text column of mostly numbers imports as text with a warning', async () => {
    const lines = ['age'];
    for (let i = 0; i < 100; i++) lines.push(i === 40 || i === 77 ? 'n/a' : String(i));
    const snapshot = await importFile(bed.write('mostly.csv', lines.join('\n')));
    expect(typesOf(snapshot)['age']).toBe('text/VARCHAR');
    expect(snapshot.warnings).toEqual([
      expect.stringContaining("column `age` is text because 2 values are not numbers, e.g. row 40: 'n/a'"),
    ]);
  });

  it('non-UTF-8 file suggests latin-1, which then works', async () => {
    const file = bed.write('latin.csv', Buffer.from('name,city\nJosé,Zürich\nAnn,Bern\n', 'latin1'));
    const error = await importError(file);
    expect(error.message).toContain("encoding: 'latin-1'");
    const snapshot = await importFile(file, { encoding: 'latin-1' });
    const rows = await query(bed.db, 'SELECT name, city FROM read_parquet($1)', [snapshot.output]);
    expect(rows).toEqual([
      ['José', 'Zürich'],
      ['Ann', 'Bern'],
    ]);
  });

  it('duplicate and empty header names list their positions', async () => {
    const error = await importError(bed.write('dup.csv', 'a,"A",,b,b\n1,2,3,4,5\n'));
    expect(error.message).toContain('empty column name at position 3');
    expect(error.message).toContain('`a` appears at positions 1, 2');
    expect(error.message).toContain('`b` appears at positions 4, 5');
  });

  it('malformed JSON names the line', async () => {
    const error = await importError(bed.write('bad.jsonl', '{"a":1}\n{"a":2\n{"a":3}\n'));
    expect(error.message).toMatch(/bad\.jsonl is not valid JSON: line \d/);
    const array = await importError(bed.write('bad.json', '[{"a": 1}, {"a": 2'));
    expect(array.message).toContain('bad.json');
  });

  it('truncated Parquet', async () => {
    const parquet = path.join(bed.dir, 'whole.parquet');
    await query(bed.db, `COPY (SELECT i FROM range(1000) t(i)) TO '${parquet}' (FORMAT parquet)`);
    const bytes = fs.readFileSync(parquet);
    const truncated = bed.write('truncated.parquet', bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await importError(truncated)).message).toContain(
      'truncated.parquet is not a complete Parquet file',
    );
  });

  it('a column named _row_id is refused', async () => {
    expect((await importError(bed.write('rid.csv', '_row_id,a\n1,2\n'))).message).toContain('`_row_id`');
  });
});

describe('importToSnapshot: progress and cancellation', () => {
  it('reports progress up to 1 and leaves no file behind when cancelled', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 400_000; i++) lines.push(`${i},${i % 13},text ${i}`);
    const file = bed.write('slow.csv', lines.join('\n'));
    const fractions: number[] = [];
    const output = bed.output();
    await importToSnapshot({
      db: bed.db,
      sourcePath: file,
      outputPath: output,
      onProgress: (fraction) => fractions.push(fraction),
    });
    expect(fractions.at(-1)).toBe(1);
    expect(
      fractions.every((fraction, index) => index === 0 || fraction >= (fractions[index - 1] ?? 0) - 1e-9),
    ).toBe(true);

    const controller = new AbortController();
    const cancelled = bed.output();
    const running = importToSnapshot({
      db: bed.db,
      sourcePath: file,
      outputPath: cancelled,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(cancelled)).toBe(false);
    expect(fs.existsSync(`${cancelled}.partial`)).toBe(false);

    const already = new AbortController();
    already.abort();
    await expect(
      importToSnapshot({ db: bed.db, sourcePath: file, outputPath: bed.output(), signal: already.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('gives DuckDB its threads back after profiling beside the write, also when cancelled then', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 50_000; i++) lines.push(`${i},${i % 13},text ${i % 97}`);
    const file = bed.write('threads.csv', lines.join('\n'));
    const threads = async (): Promise<number> =>
      Number((await query(bed.db, `SELECT current_setting('threads')`))[0]?.[0]);
    expect(await threads()).toBe(2);
    await importToSnapshot({ db: bed.db, sourcePath: file, outputPath: bed.output(), profile: true });
    expect(await threads()).toBe(2);

    const controller = new AbortController();
    const running = importToSnapshot({
      db: bed.db,
      sourcePath: file,
      outputPath: bed.output(),
      profile: true,
      signal: controller.signal,
      // Cancelled as the write and the profile are about to start, when DuckDB has one thread fewer.
      onProgress: (_fraction, message) => {
        if (message.startsWith('Writing')) controller.abort();
      },
    });
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(await threads()).toBe(2);
  });
});
