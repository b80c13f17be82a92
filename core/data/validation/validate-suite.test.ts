import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import { SuiteDefinition } from '../../contract/validation.js';
import type { SuiteDefinitionInput } from '../../contract/validation.js';
import { regexProblem, validateSuite } from './validate-suite.js';
import { peopleColumns } from './test-tables.js';

function problemsOf(input: SuiteDefinitionInput, referenceColumns = peopleColumns): string[] {
  try {
    validateSuite(SuiteDefinition.parse(input), peopleColumns, referenceColumns);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return ((error as InvalidInputError).details?.['problems'] as string[] | undefined) ?? [];
  }
}

describe('validateSuite', () => {
  it('accepts a suite that fits the columns', () => {
    expect(
      problemsOf({
        name: 'ok',
        referenceVersionId: 'dsv_1',
        checks: [
          { kind: 'columns_present', columns: ['age', 'not-there-yet'] },
          { kind: 'range', column: 'joined', min: '2024-01-01' },
          { kind: 'range', column: '_row_id', max: 100 },
          { kind: 'pattern', column: 'age', regex: '(?i)^\\d+$' },
          { kind: 'allowed_values', column: 'grade', values: ['a', 1] },
          { kind: 'distribution', column: 'score', test: 'ks', threshold: 0.01 },
        ],
      }),
    ).toEqual([]);
  });

  it('lists every problem before anything runs', () => {
    const problems = problemsOf({
      name: 'bad',
      checks: [
        { kind: 'completeness', column: 'height', maxMissingShare: 0.1 },
        { kind: 'range', column: 'code', min: 0 },
        { kind: 'range', column: 'age', min: '10' },
        { kind: 'range', column: 'age', min: 10, max: 5 },
        { kind: 'range', column: 'joined', min: 'yesterday' },
        { kind: 'allowed_values', column: 'age', values: [1, 'two'] },
        { kind: 'pattern', column: 'code', regex: '(unclosed' },
        { kind: 'pattern', column: 'code', regex: '(?<=AB)-\\d' },
        { kind: 'distribution', column: 'grade', test: 'ks', threshold: 0.01 },
        { kind: 'unique', columns: ['id', 'nope'] },
        { id: 'same', kind: 'row_count', min: 1 },
        { id: 'same', kind: 'row_count', max: 1 },
      ],
    });
    expect(problems).toEqual([
      'checks[0] (completeness:height): column `height` does not exist',
      'checks[1] (range:code): a range needs a number or date column; `code` is text',
      'checks[2] (range:age): `min`: "10" is not a number',
      'checks[3] (range:age#2): `min` (10) is above `max` (5)',
      'checks[4] (range:joined): `min`: "yesterday" is not an ISO date (e.g. "2024-03-31")',
      'checks[5] (allowed_values:age): value "two" is not a number (`age` is integer)',
      'checks[6] (pattern:code): the regular expression does not compile: /(unclosed/: Unterminated group',
      'checks[7] (pattern:code#2): lookahead and lookbehind are not supported (DuckDB uses RE2)',
      'checks[8] (distribution:grade): a distribution check needs the suite to name a `referenceVersionId`',
      'checks[8] (distribution:grade): ks does not apply to categorical column `grade`; use chi2 or psi',
      'checks[9] (unique:id,nope): column `nope` does not exist',
      'checks[11] (same#2): the id `same` is used by an earlier check',
    ]);
  });

  it('refuses a reference whose schema differs for the checked columns', () => {
    const reference = peopleColumns
      .filter((column) => column.name !== 'grade')
      .map((column) =>
        column.name === 'age' ? { ...column, type: 'float' as const, storageType: 'DOUBLE' } : column,
      );
    const problems = problemsOf(
      {
        name: 'drift',
        referenceVersionId: 'dsv_1',
        checks: [
          { kind: 'distribution', column: 'age', test: 'ks', threshold: 0.01 },
          { kind: 'distribution', column: 'grade', test: 'chi2', threshold: 0.01 },
          { kind: 'distribution', column: 'score', test: 'psi', threshold: 0.2 },
        ],
      },
      reference,
    );
    expect(problems).toEqual([
      'checks[0] (distribution:age): `age` is integer (BIGINT) here but float (DOUBLE) in the reference version',
      'checks[1] (distribution:grade): the reference version has no column `grade`',
    ]);
  });

  it('says what the suite is in the message', () => {
    expect(() =>
      validateSuite(
        SuiteDefinition.parse({ name: 'Loans', checks: [{ kind: 'unique', columns: ['x'] }] }),
        peopleColumns,
      ),
    ).toThrow('Suite "Loans" has a problem:\nchecks[0] (unique:x): column `x` does not exist');
  });
});

describe('regexProblem', () => {
  it('accepts RE2 syntax and refuses what RE2 lacks', () => {
    expect(regexProblem('^[A-Z]{2}-\\d+$')).toBeUndefined();
    expect(regexProblem('(?P<year>\\d{4})')).toBeUndefined();
    expect(regexProblem('(?i)abc')).toBeUndefined();
    expect(regexProblem('(a)\\1')).toMatch(/backreferences/);
    expect(regexProblem('a(?!b)')).toMatch(/lookahead/);
    expect(regexProblem('\\\\1')).toBeUndefined();
    expect(regexProblem('[')).toMatch(/does not compile/);
  });
});
