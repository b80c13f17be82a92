import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../contract/errors.js';
import { SuiteDefinition } from '../contract/validation.js';
import { formatSuiteFile, parseSuiteFile } from './suite-file.js';

const suite = SuiteDefinition.parse({
  name: 'Loans',
  description: 'Checks before training',
  referenceVersionId: 'dsv_1',
  checks: [
    { kind: 'columns_present', columns: ['id', 'amount', 'grade'] },
    { kind: 'column_type', column: 'amount', type: 'float' },
    { kind: 'completeness', column: 'amount', maxMissingShare: 0.05, severity: 'warning' },
    { kind: 'range', column: 'amount', min: 0, max: 1e6 },
    { kind: 'range', column: 'opened', min: '2020-01-01' },
    { kind: 'allowed_values', column: 'grade', values: ['A', 'B', 1, true] },
    { kind: 'pattern', id: 'id-format', column: 'code', regex: '^[A-Z]{3}-\\d+$' },
    { kind: 'unique', columns: ['id'] },
    { kind: 'no_duplicate_rows' },
    { kind: 'row_count', min: 10, max: 100 },
    { kind: 'class_balance', column: 'label', minShare: 0.1 },
    { kind: 'label_coverage', column: 'label', minShare: 0.9 },
    { kind: 'distribution', column: 'amount', test: 'ks', threshold: 0.001 },
  ],
});

describe('suite files', () => {
  it.each(['yaml', 'json'] as const)('round-trips a suite through %s', (format) => {
    const text = formatSuiteFile(suite, format);
    expect(parseSuiteFile(text, `suite.${format}`)).toEqual(suite);
  });

  it('writes kind first and leaves the default severity out', () => {
    const text = formatSuiteFile(suite, 'yaml');
    expect(text).toContain(
      '  - kind: completeness\n    column: amount\n    maxMissingShare: 0.05\n    severity: warning\n',
    );
    expect(text).toContain('  - kind: unique\n    columns:\n      - id\n');
    expect(text).not.toContain('severity: error');
  });

  it('names the file, the line and the field of each problem', () => {
    const text = [
      'name: Loans', // 1
      'checks:', // 2
      '  - kind: row_count', // 3
      '    min: 1', // 4
      '  - kind: completeness', // 5
      '    column: amount', // 6
      '    maxMissingShare: 1.5', // 7
      '  - kind: nope', // 8
      '  - kind: range', // 9
      '    column: 3', // 10
      '    colour: red', // 11
    ].join('\n');
    let caught: unknown;
    try {
      parseSuiteFile(text, 'suite.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const message = (caught as Error).message;
    expect(message).toContain('suite.yaml:7: checks[1].maxMissingShare: expected a number ≤ 1');
    expect(message).toMatch(/suite\.yaml:8: checks\[2\]\.kind: expected one of "columns_present", /);
    expect(message).toContain('suite.yaml:10: checks[3].column: expected text');
    expect(message).toContain('suite.yaml:9: checks[3]: unknown field `colour`');
  });

  it('reports YAML and JSON syntax errors with their line', () => {
    expect(() => parseSuiteFile('name: x\nchecks: [\n  {kind: row_count\n', 'suite.yml')).toThrow(
      /^suite\.yml:\d+: /,
    );
    expect(() => parseSuiteFile('{\n  "name": "x",\n  "checks": [,]\n}', 'suite.json')).toThrow(
      /^suite\.json(:3)?: not valid JSON/,
    );
    expect(() => parseSuiteFile('name: x\nname: y\nchecks: []\n', 'suite.yaml')).toThrow(
      /suite\.yaml:2: .*[Mm]ap keys must be unique/,
    );
  });

  it('reports a missing field as required', () => {
    expect(() => parseSuiteFile('{"checks": [{"kind": "no_duplicate_rows"}]}', 'suite.json')).toThrow(
      'suite.json:1: name: required (text)',
    );
  });
});
