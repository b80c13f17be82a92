import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../contract/errors.js';
import { SuiteDefinition } from '../../contract/validation.js';
import type { CheckInput, CheckResult } from '../../contract/validation.js';
import { openTestBed } from '../test-support.js';
import type { DataTestBed } from '../test-support.js';
import { runSuite } from './run-suite.js';
import { peopleColumns, peopleSql, writeParquet } from './test-tables.js';

let bed: DataTestBed;
let people: string;

beforeEach(async () => {
  bed = await openTestBed();
  people = await writeParquet(bed.db, bed.output(), peopleSql);
});
afterEach(() => bed.close());

async function runOne(check: CheckInput, reference?: string): Promise<CheckResult> {
  const definition = SuiteDefinition.parse({ name: 't', referenceVersionId: 'dsv_ref', checks: [check] });
  const options =
    reference === undefined ? {} : { reference: { parquetPath: reference, columns: peopleColumns } };
  const [result] = await runSuite(
    bed.db,
    { parquetPath: people, columns: peopleColumns },
    definition,
    options,
  );
  if (result === undefined) throw new Error('no result');
  return result;
}

function summary(result: CheckResult): [boolean, number, number[]] {
  return [result.passed, result.failingRows, result.exampleRowIds];
}

describe('runSuite: each check on a table with planted failures', () => {
  it('columns_present and column_type read the schema', async () => {
    const present = await runOne({ kind: 'columns_present', columns: ['age', 'height', 'grade'] });
    expect(present.passed).toBe(false);
    expect(present.observed).toBe('missing `height` (2 of 3 present)');
    expect((await runOne({ kind: 'columns_present', columns: ['age', 'label'] })).passed).toBe(true);
    expect((await runOne({ kind: 'column_type', column: 'score', type: 'float' })).passed).toBe(true);
    const wrong = await runOne({ kind: 'column_type', column: 'age', type: 'text' });
    expect(wrong.passed).toBe(false);
    expect(wrong.observed).toBe('integer (stored as BIGINT), expected text');
  });

  it('completeness counts NULLs, and NaN in floats, against the allowed share', async () => {
    const age = await runOne({ kind: 'completeness', column: 'age', maxMissingShare: 0.1 });
    expect(summary(age)).toEqual([false, 2, [2, 5]]);
    expect(age.observed).toBe('20% missing (2 of 10 rows; at most 10% allowed)');
    expect(age.observedValue).toBe(0.2);
    expect((await runOne({ kind: 'completeness', column: 'age', maxMissingShare: 0.2 })).passed).toBe(true);
    expect(summary(await runOne({ kind: 'completeness', column: 'score', maxMissingShare: 0 }))).toEqual([
      false,
      1,
      [3],
    ]);
  });

  it('range on numbers and dates', async () => {
    const age = await runOne({ kind: 'range', column: 'age', min: 0, max: 60 });
    expect(summary(age)).toEqual([false, 3, [7, 8, 9]]);
    expect(age.observed).toBe('3 values outside [0, 60] (observed 0 to 90)');
    expect((await runOne({ kind: 'range', column: 'age', max: 90 })).passed).toBe(true);
    const joined = await runOne({ kind: 'range', column: 'joined', min: '2024-01-03', max: '2024-01-08' });
    expect(summary(joined)).toEqual([false, 4, [0, 1, 8, 9]]);
    // NaN is missing, not out of range.
    expect(summary(await runOne({ kind: 'range', column: 'score', min: 0, max: 4.5 }))).toEqual([
      true,
      0,
      [],
    ]);
  });

  it('allowed_values and pattern', async () => {
    expect(
      summary(await runOne({ kind: 'allowed_values', column: 'grade', values: ['a', 'b', 'c'] })),
    ).toEqual([false, 1, [4]]);
    expect(
      summary(await runOne({ kind: 'allowed_values', column: 'age', values: [0, 10, 30, 40, 70, 80, 90] })),
    ).toEqual([false, 1, [6]]);
    // Full match: 'bad' fails; so would 'xAB-1x'.
    expect(summary(await runOne({ kind: 'pattern', column: 'code', regex: 'AB-\\d+' }))).toEqual([
      false,
      1,
      [6],
    ]);
    expect(summary(await runOne({ kind: 'pattern', column: 'code', regex: '(?i)ab-\\d|bad' }))).toEqual([
      true,
      0,
      [],
    ]);
    // A number column is matched as its text.
    expect(summary(await runOne({ kind: 'pattern', column: 'age', regex: '\\d0|0' }))).toEqual([true, 0, []]);
  });

  it('unique, no_duplicate_rows, row_count', async () => {
    const unique = await runOne({ kind: 'unique', columns: ['id'] });
    expect(summary(unique)).toEqual([false, 2, [8, 9]]);
    expect(unique.observed).toBe('2 rows share one duplicated value');
    expect((await runOne({ kind: 'unique', columns: ['id', 'code'] })).passed).toBe(true);
    expect(summary(await runOne({ kind: 'unique', columns: ['label'] }))).toEqual([
      false,
      8,
      [2, 3, 4, 5, 6, 7, 8, 9],
    ]);
    expect((await runOne({ kind: 'no_duplicate_rows' })).passed).toBe(true);
    const rowCount = await runOne({ kind: 'row_count', min: 20 });
    expect([rowCount.passed, rowCount.observedValue, rowCount.observed]).toEqual([
      false,
      10,
      '10 rows (expected ≥ 20)',
    ]);
    expect((await runOne({ kind: 'row_count', min: 10, max: 10 })).passed).toBe(true);
  });

  it('finds duplicate rows, NULLs equal, and not rows differing in one column', async () => {
    const file = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT i::BIGINT AS _row_id, CASE WHEN i IN (1, 4, 6) THEN NULL ELSE 'x' END AS a, CASE WHEN i IN (1, 4) THEN 7 ELSE i END::BIGINT AS b FROM range(8) t(i)`,
    );
    const columns = [
      { name: 'a', type: 'text' as const, storageType: 'VARCHAR' },
      { name: 'b', type: 'integer' as const, storageType: 'BIGINT' },
    ];
    const definition = SuiteDefinition.parse({ name: 't', checks: [{ kind: 'no_duplicate_rows' }] });
    const [result] = await runSuite(bed.db, { parquetPath: file, columns }, definition);
    expect(result && summary(result)).toEqual([false, 2, [1, 4]]);
    expect(result?.observed).toBe('2 rows in 1 group of identical rows');
  });

  it('class_balance and label_coverage', async () => {
    const balance = await runOne({ kind: 'class_balance', column: 'label', minShare: 0.3 });
    expect([balance.passed, balance.observedValue]).toEqual([false, 0.25]);
    expect(balance.observed).toContain("class 'no' holds 25%");
    expect(
      (await runOne({ kind: 'class_balance', column: 'label', minShare: 0.2, maxShare: 0.8 })).passed,
    ).toBe(true);
    expect((await runOne({ kind: 'class_balance', column: 'label', maxShare: 0.7 })).passed).toBe(false);
    const coverage = await runOne({ kind: 'label_coverage', column: 'label', minShare: 0.9 });
    expect(summary(coverage)).toEqual([false, 2, [0, 1]]);
    expect(coverage.observedValue).toBe(0.8);
    expect((await runOne({ kind: 'label_coverage', column: 'label', minShare: 0.8 })).passed).toBe(true);
  });

  it('distribution checks against a reference: same data passes, shifted data fails', async () => {
    const shifted = await writeParquet(
      bed.db,
      bed.output(),
      `SELECT i::BIGINT AS _row_id, (i * 10 + 500)::BIGINT AS age, CASE WHEN i < 9 THEN 'c' ELSE 'a' END AS grade, 'AB-' || i AS code,
        i * 0.5 + 100 AS score, DATE '2024-01-01' + i::INTEGER AS joined, i::BIGINT AS id, 'yes' AS label FROM range(10) t(i)`,
    );
    for (const test of ['ks', 'psi'] as const) {
      const threshold = test === 'ks' ? 0.01 : 0.25;
      const same = await runOne({ kind: 'distribution', column: 'age', test, threshold }, people);
      expect(same.passed, same.observed).toBe(true);
      const drifted = await runOne({ kind: 'distribution', column: 'age', test, threshold }, shifted);
      expect(drifted.passed, drifted.observed).toBe(false);
    }
    // Every age in `shifted` is above every age here: D = 1, exact p = 2 / C(18, 8) for 8 vs 10 values.
    const ks = await runOne({ kind: 'distribution', column: 'age', test: 'ks', threshold: 0.01 }, shifted);
    expect(ks.observed).toMatch(/^KS D = 1, p = 4\.6e-5 \(8 values vs 10 in the reference/);
    // grade counts (a, b, c, z) 4, 2, 3, 1 here vs 1, 0, 9, 0: scipy's chi2_contingency(correction=False) gives 7.8, p = 0.0503.
    const chi2 = await runOne(
      { kind: 'distribution', column: 'grade', test: 'chi2', threshold: 0.06 },
      shifted,
    );
    expect(chi2.passed).toBe(false);
    expect(chi2.observed).toMatch(/^χ² = 7\.8, df 3, p = 0\.05 /);
    expect(chi2.observedValue).toBeCloseTo(0.050331097859853326, 9);
    expect(
      (await runOne({ kind: 'distribution', column: 'grade', test: 'chi2', threshold: 0.01 }, people))
        .observedValue,
    ).toBe(1);
    const psi = await runOne(
      { kind: 'distribution', column: 'grade', test: 'psi', threshold: 0.25 },
      shifted,
    );
    expect(psi.passed).toBe(false);
    const missingReference = await runOne({
      kind: 'distribution',
      column: 'age',
      test: 'ks',
      threshold: 0.01,
    });
    expect(missingReference.error).toMatch(/^No reference snapshot was given/);
  });
});

describe('runSuite: every check runs', () => {
  it('reports a check that cannot run as failed with its error, and runs the others', async () => {
    const definition = SuiteDefinition.parse({
      name: 't',
      checks: [
        { kind: 'completeness', column: 'gone', maxMissingShare: 0.1 },
        { kind: 'pattern', column: 'code', regex: '(' },
        { kind: 'pattern', column: 'code', regex: '\\p{Greek' },
        { kind: 'range', column: 'grade', min: 0 },
        { kind: 'row_count', min: 1 },
        { kind: 'completeness', column: 'age', maxMissingShare: 0.5 },
        { kind: 'completeness', column: 'age', maxMissingShare: 0.01 },
      ],
    });
    const results = await runSuite(bed.db, { parquetPath: people, columns: peopleColumns }, definition);
    expect(results.map((result) => result.checkId)).toEqual([
      'completeness:gone',
      'pattern:code',
      'pattern:code#2',
      'range:grade',
      'row_count',
      'completeness:age',
      'completeness:age#2',
    ]);
    expect(results.map((result) => result.passed)).toEqual([false, false, false, false, true, true, false]);
    expect(results[0]?.error).toBe('Column `gone` does not exist.');
    expect(results[1]?.error).toMatch(/does not compile/);
    expect(results[2]?.error).toMatch(/does not compile/);
    expect(results[3]?.error).toMatch(/^A range needs a number or date column; `grade` is categorical/);
    expect(results.slice(4).every((result) => result.error === null)).toBe(true);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const definition = SuiteDefinition.parse({ name: 't', checks: [{ kind: 'row_count', min: 1 }] });
    await expect(
      runSuite(bed.db, { parquetPath: people, columns: peopleColumns }, definition, {
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('binds every value: a value that looks like SQL is only data', async () => {
    const result = await runOne({
      kind: 'allowed_values',
      column: 'grade',
      values: ["a') OR ('1'='1", 'a', 'b', 'c', 'z'],
    });
    expect(summary(result)).toEqual([true, 0, []]);
  });
});
