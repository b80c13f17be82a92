import { describe, expect, it } from 'vitest';
import type { Column } from '../../../core/contract/schemas.js';
import type { Check } from '../../../core/contract/validation.js';
import { changeKind, checkLabel, definitionProblems, parseBound, parseValues } from './check-fields.js';

const columns: Column[] = [
  { name: 'age', type: 'integer', storageType: 'BIGINT' },
  { name: 'housing', type: 'categorical', storageType: 'VARCHAR' },
];

describe('check fields', () => {
  it('names a check by its id, else kind and column(s) as the engine does', () => {
    expect(checkLabel({ kind: 'range', severity: 'error', column: 'age', max: 60 })).toBe('range:age');
    expect(checkLabel({ kind: 'unique', severity: 'error', columns: ['a', 'b'] })).toBe('unique:a,b');
    expect(checkLabel({ kind: 'no_duplicate_rows', severity: 'warning' })).toBe('no_duplicate_rows');
    expect(checkLabel({ id: 'adults', kind: 'range', severity: 'error', column: 'age' })).toBe('adults');
  });

  it('reads range bounds as numbers, dates as text, empty as no bound', () => {
    expect(parseBound(' 60 ')).toEqual({ ok: true, value: 60 });
    expect(parseBound('2024-01-31')).toEqual({ ok: true, value: '2024-01-31' });
    expect(parseBound('')).toEqual({ ok: true, value: undefined });
  });

  it('types allowed values after their column and refuses what does not fit', () => {
    expect(parseValues('1, 2,3', 'integer')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseValues('own, rent', 'categorical')).toEqual({ ok: true, value: ['own', 'rent'] });
    expect(parseValues('1, two', 'integer')).toEqual({ ok: false });
    expect(parseValues(' , ', 'text')).toEqual({ ok: false });
  });

  it('keeps column and severity when the kind changes, and drops the old thresholds', () => {
    const check: Check = { kind: 'completeness', severity: 'warning', column: 'age', maxMissingShare: 0.1 };
    expect(changeKind(check, 'range', columns)).toEqual({
      kind: 'range',
      severity: 'warning',
      column: 'age',
    });
    expect(changeKind(check, 'unique', columns)).toEqual({
      kind: 'unique',
      severity: 'warning',
      columns: ['age'],
    });
  });

  it('names the check and field that keep a definition from saving', () => {
    const problems = definitionProblems({
      name: 'Intake',
      checks: [
        { kind: 'range', severity: 'error', column: 'age' },
        { kind: 'completeness', severity: 'error', column: 'age', maxMissingShare: 1.5 },
      ],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^check 2 \(completeness:age\): maxMissingShare: /);
    expect(definitionProblems({ name: 'Empty', checks: [] })[0]).toMatch(/^checks: /);
  });
});
