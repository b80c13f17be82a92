/**
 * The 25-check suite of the validation benchmark, over the 20 columns of `bench/lib/synthetic-parquet.ts`.
 * Both sides run exactly this list: Orchard saves it as a suite, the pandas program interprets it
 * check by check. Most checks pass on the generated data; a few are built to fail (the generator
 * plants a handful of violations), so failing rows are counted as well as passing ones.
 */
import type { CheckInput, SuiteDefinitionInput } from '../../core/contract/validation.js';
import { channels, countries, regions, validationColumns } from '../lib/synthetic-parquet.js';

export function validationChecks(rows: number): CheckInput[] {
  return [
    { id: 'schema', kind: 'columns_present', columns: [...validationColumns] },
    { id: 'type:id', kind: 'column_type', column: 'id', type: 'integer' },
    { id: 'type:income', kind: 'column_type', column: 'income', type: 'float' },
    { id: 'type:signup_date', kind: 'column_type', column: 'signup_date', type: 'date' },
    { id: 'rows', kind: 'row_count', min: rows, max: rows },
    { id: 'complete:income', kind: 'completeness', column: 'income', maxMissingShare: 0.03 },
    // ~2 % missing: fails, as a warning.
    {
      id: 'complete:score',
      kind: 'completeness',
      column: 'score',
      maxMissingShare: 0.01,
      severity: 'warning',
    },
    // ~0.005 % are 130: fails.
    { id: 'range:age', kind: 'range', column: 'age', min: 18, max: 100 },
    { id: 'range:income', kind: 'range', column: 'income', min: 0, max: 1_000_000 },
    { id: 'range:score', kind: 'range', column: 'score', min: 0, max: 1 },
    { id: 'range:signup_date', kind: 'range', column: 'signup_date', min: '2015-01-01', max: '2024-12-31' },
    { id: 'allowed:rating', kind: 'allowed_values', column: 'rating', values: [1, 2, 3, 4, 5] },
    // ~0.02 % are 'unknown': fails.
    { id: 'allowed:channel', kind: 'allowed_values', column: 'channel', values: [...channels] },
    { id: 'allowed:region', kind: 'allowed_values', column: 'region', values: [...regions] },
    { id: 'allowed:country', kind: 'allowed_values', column: 'country', values: [...countries] },
    { id: 'pattern:customer_id', kind: 'pattern', column: 'customer_id', regex: '^C[0-9]{7}$' },
    // ~0.1 % lack the '@': fails.
    {
      id: 'pattern:email',
      kind: 'pattern',
      column: 'email',
      regex: '^[a-z]+[0-9]{0,3}@example\\.(?:com|org)$',
    },
    // ~0.01 % start with a lower-case letter: fails.
    { id: 'pattern:code', kind: 'pattern', column: 'code', regex: '^[A-Z]{2}-[0-9]{4}$' },
    { id: 'unique:id', kind: 'unique', columns: ['id'] },
    // 10M draws from ~6.8e12 combinations: a few collide, so this fails on a handful of rows.
    { id: 'unique:customer_id+code', kind: 'unique', columns: ['customer_id', 'code'] },
    { id: 'no_duplicate_rows', kind: 'no_duplicate_rows' },
    { id: 'balance:label', kind: 'class_balance', column: 'label', minShare: 0.2, maxShare: 0.8 },
    { id: 'coverage:label', kind: 'label_coverage', column: 'label', minShare: 0.99 },
    // Against the reference version (1M further rows of the same generator): both pass.
    { id: 'drift:income', kind: 'distribution', column: 'income', test: 'ks', threshold: 0.001 },
    { id: 'drift:region', kind: 'distribution', column: 'region', test: 'psi', threshold: 0.1 },
  ];
}

export function validationSuite(rows: number, referenceVersionId: string): SuiteDefinitionInput {
  return {
    name: 'bench-validate-25',
    description: `The validation benchmark's 25 checks over ${rows.toLocaleString('en')} rows.`,
    referenceVersionId,
    checks: validationChecks(rows),
  };
}
