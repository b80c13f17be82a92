import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Column } from '../../contract/schemas.js';
import { TrainingConfig } from '../../contract/training.js';
import type { TrainingConfigInput } from '../../contract/training.js';
import { InvalidInputError } from '../../contract/errors.js';
import { quoteLiteral } from '../../data/sql.js';
import type { DataTestBed } from '../../data/test-support.js';
import { openTestBed, query } from '../../data/test-support.js';
import { prepareTrainingData } from './prepare.js';
import type { FittedPipeline } from './pipeline.js';
import { transformRows } from './transform.js';

const columns: Column[] = [
  { name: 'age', type: 'float', storageType: 'DOUBLE' },
  { name: 'visits', type: 'integer', storageType: 'BIGINT' },
  { name: 'region', type: 'categorical', storageType: 'VARCHAR' },
  { name: 'member', type: 'boolean', storageType: 'BOOLEAN' },
  { name: 'applied_on', type: 'date', storageType: 'DATE' },
  { name: 'notes', type: 'text', storageType: 'VARCHAR' },
  { name: 'label', type: 'categorical', storageType: 'VARCHAR' },
];

/** 400 rows: `label` is `yes` for 30 % of them; `age` has a NULL and a NaN; row 5 has no label. */
const datasetSql = `
  SELECT range AS _row_id,
    CASE WHEN range = 3 THEN NULL WHEN range = 4 THEN 'NaN'::DOUBLE ELSE 20 + (range * 7) % 50 END::DOUBLE AS age,
    (range % 13)::BIGINT AS visits,
    CASE WHEN range % 17 = 0 THEN NULL ELSE ['north', 'south', 'east'][1 + range % 3] END AS region,
    CASE WHEN range % 11 = 0 THEN NULL ELSE range % 2 = 0 END AS member,
    DATE '2024-01-01' + (range % 365)::INTEGER AS applied_on,
    'note ' || range AS notes,
    CASE WHEN range = 5 THEN NULL WHEN range % 10 < 3 THEN 'yes' ELSE 'no' END AS label
  FROM range(400)`;

function config(input: Partial<TrainingConfigInput> = {}): TrainingConfig {
  return TrainingConfig.parse({
    datasetVersionId: 'dsv_1',
    target: { column: 'label' },
    task: 'binary',
    ...input,
  });
}

let bed: DataTestBed;

beforeEach(async () => {
  bed = await openTestBed();
});
afterEach(() => bed.close());

async function writeParquet(name: string, sql: string): Promise<string> {
  const file = bed.write(name, '');
  await query(bed.db, `COPY (${sql}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
  return file;
}

describe('prepareTrainingData', () => {
  it('encodes every input type, splits deterministically and keeps class shares', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const prepared = await prepareTrainingData({ db: bed.db, parquetPath: file, columns, config: config() });
    expect(prepared.task).toBe('binary');
    expect(prepared.labels).toEqual(['no', 'yes']);
    expect(prepared.featureNames).toEqual([
      'age',
      'visits',
      'region=east',
      'region=north',
      'region=south',
      'region=(unseen or missing)',
      'member',
      'applied_on.year',
      'applied_on.month',
      'applied_on.day_of_week',
      'applied_on.day_of_year',
    ]);
    expect(prepared.warnings.join('\n')).toMatch(/1 row has no usable value in the target `label`/);
    expect(prepared.warnings.join('\n')).toMatch(/Text column `notes` is not used/);
    expect(prepared.warnings.join('\n')).toMatch(/`age` has 1 NaN or infinite value/);

    const { train, validation, test } = prepared.splits;
    expect(train.n + validation.n + test.n).toBe(399);
    expect([train.n, validation.n, test.n]).toEqual([279, 60, 60]);
    for (const split of [train, validation, test]) {
      expect(split.d).toBe(11);
      expect(split.x.length).toBe(split.n * 11);
      const yes = split.y.filter((value) => value === 1).length;
      expect(yes / split.n).toBeCloseTo(0.3, 1);
      expect(Array.from(split.rowIds)).not.toContain(5);
    }
    // Rows keep their identity: row 1 is 'no' (1 % 10 = 1 < 3 → yes).
    const all = [train, validation, test];
    for (const split of all) {
      split.rowIds.forEach((rowId, index) => expect(split.y[index]).toBe(rowId % 10 < 3 ? 1 : 0));
    }
    // Standardised on the training rows: mean ≈ 0, std ≈ 1 per numeric feature.
    const ageTrain = Array.from({ length: train.n }, (_, row) => train.x[row * 11] as number);
    const mean = ageTrain.reduce((sum, value) => sum + value, 0) / train.n;
    expect(mean).toBeCloseTo(0, 5);
    // One-hot: exactly one region feature is on per row.
    for (let row = 0; row < train.n; row += 1) {
      expect((train.x.subarray(row * 11 + 2, row * 11 + 6) as Float32Array).reduce((a, b) => a + b, 0)).toBe(
        1,
      );
    }
    expect(Object.keys(prepared.testSlices)).toEqual(['region']);
    expect(prepared.testSlices['region']).toHaveLength(test.n);
    test.rowIds.forEach((rowId, index) =>
      expect(prepared.testSlices['region']?.[index]).toBe(
        rowId % 17 === 0 ? '(missing)' : ['north', 'south', 'east'][rowId % 3],
      ),
    );
    expect(JSON.parse(JSON.stringify(prepared.pipeline))).toEqual(prepared.pipeline);

    const again = await prepareTrainingData({ db: bed.db, parquetPath: file, columns, config: config() });
    expect(again.splits.test.rowIds).toEqual(test.rowIds);
    expect(again.splits.train.x).toEqual(train.x);
    const otherSeed = await prepareTrainingData({
      db: bed.db,
      parquetPath: file,
      columns,
      config: config({ seed: 7 }),
    });
    expect(otherSeed.splits.test.rowIds).not.toEqual(test.rowIds);
  });

  it('fits on the training rows only: test-only values move no statistic and become unseen', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const first = await prepareTrainingData({ db: bed.db, parquetPath: file, columns, config: config() });
    const testIds = Array.from(first.splits.test.rowIds).join(', ');
    // Same rows and labels (so the same split), but every test row gets an extreme age and a new region.
    const changed = await writeParquet(
      'changed.parquet',
      `SELECT * REPLACE (
         CASE WHEN _row_id IN (${testIds}) THEN 1e9 ELSE age END AS age,
         CASE WHEN _row_id IN (${testIds}) THEN 'atlantis' ELSE region END AS region)
       FROM (${datasetSql})`,
    );
    const second = await prepareTrainingData({ db: bed.db, parquetPath: changed, columns, config: config() });
    expect(second.splits.test.rowIds).toEqual(first.splits.test.rowIds);
    expect(second.pipeline).toEqual(first.pipeline);
    expect(second.splits.train.x).toEqual(first.splits.train.x);
    const unseen = second.featureNames.indexOf('region=(unseen or missing)');
    const d = second.featureNames.length;
    for (let row = 0; row < second.splits.test.n; row += 1) {
      expect(second.splits.test.x[row * d + unseen]).toBe(1);
      expect(second.splits.test.x.subarray(row * d + 2, row * d + unseen).every((value) => value === 0)).toBe(
        true,
      );
    }
  });

  it('gives identical features for identical rows of a new file, in any order and without _row_id', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const prepared = await prepareTrainingData({ db: bed.db, parquetPath: file, columns, config: config() });
    const stored = JSON.parse(JSON.stringify(prepared.pipeline)) as FittedPipeline;
    const fresh = await writeParquet(
      'new.parquet',
      `SELECT * EXCLUDE (_row_id, label) FROM (${datasetSql}) WHERE _row_id IN (${Array.from(prepared.splits.test.rowIds).join(', ')}) ORDER BY _row_id DESC`,
    );
    const out = await transformRows(stored, bed.db, { parquetPath: fresh });
    const test = prepared.splits.test;
    expect(out.n).toBe(test.n);
    const d = test.d;
    for (let row = 0; row < out.n; row += 1) {
      const original = test.n - 1 - row;
      expect(out.rowIds[row]).toBe(row);
      expect(Array.from(out.x.subarray(row * d, (row + 1) * d))).toEqual(
        Array.from(test.x.subarray(original * d, (original + 1) * d)),
      );
    }
    const viaSql = await transformRows(stored, bed.db, {
      sql: `SELECT * FROM read_parquet($1) WHERE _row_id = $2`,
      params: [file, Number(test.rowIds[0])],
    });
    expect(viaSql.n).toBe(1);
    expect(viaSql.rowIds[0]).toBe(test.rowIds[0]);
    expect(Array.from(viaSql.x)).toEqual(Array.from(test.x.subarray(0, d)));
    const unseen = await transformRows(stored, bed.db, {
      sql: `SELECT 30.0 AS age, 2 AS visits, 'mars' AS region, NULL::BOOLEAN AS member, DATE '2024-06-01' AS applied_on`,
    });
    expect(unseen.x[prepared.featureNames.indexOf('region=(unseen or missing)')]).toBe(1);
    expect(unseen.x[prepared.featureNames.indexOf('member')]).toBeCloseTo(
      (prepared.pipeline.steps.find((step) => step.kind === 'boolean') as { fill: number }).fill,
      6,
    );
  });

  it('refuses a source missing a feature or holding it as the wrong type, naming the column', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const { pipeline } = await prepareTrainingData({
      db: bed.db,
      parquetPath: file,
      columns,
      config: config(),
    });
    await expect(
      transformRows(pipeline, bed.db, { sql: `SELECT 1.0 AS age, 'north' AS region` }),
    ).rejects.toThrow(/column `visits` is missing \(expected a number/);
    await expect(
      transformRows(pipeline, bed.db, {
        sql: `SELECT 'old' AS age, 2 AS visits, 'north' AS region, true AS member, DATE '2024-06-01' AS applied_on`,
      }),
    ).rejects.toThrow(/column `age` is VARCHAR, expected a number/);
  });

  it('builds stratified k folds over the non-test rows', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const prepared = await prepareTrainingData({
      db: bed.db,
      parquetPath: file,
      columns,
      config: config({ split: { kind: 'kfold', folds: 4, test: 0.2, stratify: true } }),
    });
    const { train, validation, test } = prepared.splits;
    expect(validation.n).toBe(0);
    expect(test.n).toBe(80);
    expect(prepared.folds).toHaveLength(4);
    const seen = new Int32Array(train.n);
    for (const fold of prepared.folds ?? []) {
      expect(fold.train.length + fold.validation.length).toBe(train.n);
      for (const index of fold.validation) seen[index] += 1;
      const yes = Array.from(fold.validation).filter((index) => train.y[index] === 1).length;
      expect(yes / fold.validation.length).toBeCloseTo(0.3, 1);
    }
    expect(seen.every((count) => count === 1)).toBe(true);
  });

  it('prepares a regression target, dropping rows without a finite value', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const prepared = await prepareTrainingData({
      db: bed.db,
      parquetPath: file,
      columns,
      config: config({ task: 'regression', target: { column: 'age' }, features: ['visits', 'region'] }),
    });
    expect(prepared.labels).toBeNull();
    expect(prepared.featureNames[0]).toBe('visits');
    expect(prepared.warnings.join('\n')).toMatch(/2 rows have no usable value in the target `age`/);
    const { train } = prepared.splits;
    train.rowIds.forEach((rowId, index) => expect(train.y[index]).toBe(20 + ((rowId * 7) % 50)));
  });

  describe('refuses bad input with a clear message', () => {
    const cases: [string, Partial<TrainingConfigInput>, RegExp][] = [
      [
        'a missing target',
        { target: { column: 'outcome' } },
        /target column `outcome` is not in this dataset version\. Columns: `age`, `visits`/,
      ],
      [
        'a constant target',
        { target: { column: 'constant' }, task: 'multiclass' },
        /same value in every row/,
      ],
      [
        'binary with three classes',
        { target: { column: 'region' }, features: ['age'] },
        /exactly 2 classes, but `region` has 3: east, north, south/,
      ],
      [
        'regression on a category',
        { task: 'regression' },
        /Regression needs a numeric target, but `label` is categorical/,
      ],
      [
        'unknown features',
        { features: ['age', 'height', 'weight'] },
        /Unknown feature columns `height`, `weight`/,
      ],
      ['the target as a feature', { features: ['age', 'label'] }, /cannot also be a feature/],
      ['only text features', { features: ['notes'] }, /No usable feature columns/],
      [
        'a single-example class',
        { target: { column: 'rare' }, task: 'multiclass', features: ['age'] },
        /Class 'z' has a single example.*stratify to false/,
      ],
    ];
    it.each(cases)('%s', async (_, input, message) => {
      const file = await writeParquet(
        'data.parquet',
        `SELECT *, 'same' AS constant, CASE WHEN _row_id = 9 THEN 'z' ELSE ['x', 'y'][1 + _row_id % 2] END AS rare FROM (${datasetSql})`,
      );
      const withExtras: Column[] = [
        ...columns,
        { name: 'constant', type: 'categorical', storageType: 'VARCHAR' },
        { name: 'rare', type: 'categorical', storageType: 'VARCHAR' },
      ];
      const attempt = prepareTrainingData({
        db: bed.db,
        parquetPath: file,
        columns: withExtras,
        config: config(input),
      });
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await expect(attempt).rejects.toThrow(message);
    });
  });

  it('stops when the signal aborts', async () => {
    const file = await writeParquet('data.parquet', datasetSql);
    const controller = new AbortController();
    controller.abort();
    await expect(
      prepareTrainingData({
        db: bed.db,
        parquetPath: file,
        columns,
        config: config(),
        signal: controller.signal,
      }),
    ).rejects.toThrow(/cancelled/);
  });
});
