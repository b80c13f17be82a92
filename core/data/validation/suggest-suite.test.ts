import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Column, DatasetProfile } from '../../contract/schemas.js';
import { formatSuiteFile, parseSuiteFile } from '../../domain/suite-file.js';
import { suggestSuite } from '../../domain/suggest-suite.js';
import { profileSnapshot } from '../profile.js';
import { openTestBed } from '../test-support.js';
import type { DataTestBed } from '../test-support.js';
import { runSuite } from './run-suite.js';
import { writeParquet } from './test-tables.js';
import { validateSuite } from './validate-suite.js';

let bed: DataTestBed;
beforeEach(async () => {
  bed = await openTestBed();
});
afterEach(() => bed.close());

const columns: Column[] = [
  { name: 'id', type: 'integer', storageType: 'BIGINT' },
  { name: 'age', type: 'integer', storageType: 'BIGINT' },
  { name: 'income', type: 'float', storageType: 'DOUBLE' },
  { name: 'score', type: 'float', storageType: 'DOUBLE' },
  { name: 'grade', type: 'categorical', storageType: 'VARCHAR' },
  { name: 'joined', type: 'date', storageType: 'DATE' },
  { name: 'seen', type: 'timestamp', storageType: 'TIMESTAMP' },
  { name: 'note', type: 'text', storageType: 'VARCHAR' },
  { name: 'flag', type: 'boolean', storageType: 'BOOLEAN' },
];

/** 200 rows; `perturbed` plants exactly five failures (see the comments). */
function tableSql(perturbed: boolean): string {
  const p = (normal: string, planted: string): string => (perturbed ? planted : normal);
  return `SELECT i::BIGINT AS _row_id,
    ${p('i', 'CASE WHEN i = 9 THEN 8 ELSE i END')}::BIGINT AS id,                       -- duplicate id
    ${p('(i * 7) % 60 + 18', 'CASE WHEN i = 5 THEN 500 ELSE (i * 7) % 60 + 18 END')}::BIGINT AS age, -- out of range
    ${p('(i * 13.7) % 1000', 'CASE WHEN i < 20 THEN NULL ELSE (i * 13.7) % 1000 END')}::DOUBLE AS income, -- 10% missing
    ${p('i / 200.0', 'power(i / 200.0, 3)')}::DOUBLE AS score,                             -- same range, other shape
    ${p("['A', 'B', 'C'][i % 3 + 1]", "CASE WHEN i = 7 THEN 'Z' ELSE ['A', 'B', 'C'][i % 3 + 1] END")} AS grade, -- new category
    DATE '2024-01-01' + (i % 100)::INTEGER AS joined,
    TIMESTAMP '2024-01-01 00:00:00.123456' + to_minutes(i::BIGINT) AS seen,
    'note ' || i AS note,
    i % 2 = 0 AS flag
  FROM range(200) t(i)`;
}

describe('suggestSuite', () => {
  it('the suggested suite passes on its reference and fails on a perturbed copy, on the failures planted', async () => {
    const reference = await writeParquet(bed.db, bed.output(), tableSql(false));
    const perturbed = await writeParquet(bed.db, bed.output(), tableSql(true));
    const snapshotProfile = await profileSnapshot(bed.db, reference, columns);
    const profile: DatasetProfile = {
      versionId: 'dsv_ref',
      computedAt: '2024-01-01T00:00:00Z',
      ...snapshotProfile,
    };
    const suggested = suggestSuite(profile, columns, 'dsv_ref');

    // What it suggests, in outline.
    expect(suggested.checks).toContainEqual({ kind: 'unique', columns: ['id'], severity: 'error' });
    expect(suggested.checks).toContainEqual({
      kind: 'allowed_values',
      column: 'grade',
      values: ['A', 'B', 'C'],
      severity: 'error',
    });
    expect(suggested.checks).toContainEqual({
      kind: 'allowed_values',
      column: 'flag',
      values: [false, true],
      severity: 'error',
    });
    expect(suggested.checks).toContainEqual({
      kind: 'completeness',
      column: 'income',
      maxMissingShare: 0.01,
      severity: 'error',
    });
    expect(suggested.checks).toContainEqual({ kind: 'row_count', min: 100, max: 300, severity: 'warning' });
    expect(suggested.checks).toContainEqual({
      kind: 'range',
      column: 'age',
      min: 15,
      max: 80,
      severity: 'error',
    });
    expect(suggested.checks).toContainEqual({
      kind: 'distribution',
      column: 'score',
      test: 'ks',
      threshold: 0.001,
      severity: 'warning',
    });
    expect(suggested.checks).toContainEqual({
      kind: 'distribution',
      column: 'grade',
      test: 'chi2',
      threshold: 0.001,
      severity: 'warning',
    });
    expect(suggested.referenceVersionId).toBe('dsv_ref');

    // It survives a trip through a file, and fits the columns it came from.
    const definition = parseSuiteFile(formatSuiteFile(suggested, 'yaml'), 'suggested.yaml');
    expect(definition).toEqual(suggested);
    validateSuite(definition, columns, columns);

    const snapshot = (parquetPath: string): { parquetPath: string; columns: Column[] } => ({
      parquetPath,
      columns,
    });
    const onReference = await runSuite(bed.db, snapshot(reference), definition, {
      reference: snapshot(reference),
    });
    expect(onReference.filter((result) => !result.passed)).toEqual([]);

    const onPerturbed = await runSuite(bed.db, snapshot(perturbed), definition, {
      reference: snapshot(reference),
    });
    const failed = onPerturbed.filter((result) => !result.passed);
    expect(failed.map((result) => result.checkId).sort()).toEqual(
      ['allowed_values:grade', 'completeness:income', 'distribution:score', 'range:age', 'unique:id'].sort(),
    );
    expect(failed.every((result) => result.error === null)).toBe(true);
    const byId = new Map(failed.map((result) => [result.checkId, result]));
    expect(byId.get('range:age')?.exampleRowIds).toEqual([5]);
    expect(byId.get('allowed_values:grade')?.exampleRowIds).toEqual([7]);
    expect(byId.get('unique:id')?.exampleRowIds).toEqual([8, 9]);
    expect(byId.get('completeness:income')?.failingRows).toBe(20);
    expect(byId.get('distribution:score')?.observedValue).toBeLessThan(0.001);
  });

  it('switches to PSI for large versions and skips checks it has no basis for', () => {
    const profile: DatasetProfile = {
      versionId: 'dsv_big',
      rowCount: 1_000_000,
      computedAt: '2024-01-01T00:00:00Z',
      columns: [
        {
          name: 'x',
          type: 'float',
          count: 1_000_000,
          missing: 0,
          distinct: 1000,
          numeric: {
            min: -2,
            max: 2,
            mean: 0,
            std: 1,
            quantiles: { p05: null, p25: null, p50: null, p75: null, p95: null },
          },
          range: null,
          histogram: null,
          topValues: null,
          textLength: null,
        },
      ],
    };
    const suite = suggestSuite(profile, [{ name: 'x', type: 'float', storageType: 'DOUBLE' }], 'dsv_big');
    expect(suite.checks).toEqual([
      { kind: 'columns_present', columns: ['x'], severity: 'error' },
      { kind: 'column_type', column: 'x', type: 'float', severity: 'error' },
      { kind: 'completeness', column: 'x', maxMissingShare: 0.01, severity: 'error' },
      { kind: 'range', column: 'x', min: -2.2, max: 2.2, severity: 'error' },
      { kind: 'distribution', column: 'x', test: 'psi', threshold: 0.25, severity: 'warning' },
      { kind: 'row_count', min: 500_000, max: 1_500_000, severity: 'warning' },
    ]);
  });
});
