import { describe, expect, it } from 'vitest';
import type { Column } from '../../../core/contract/schemas.js';
import { buildFilters } from './filters.js';

const columns: Column[] = [
  { name: 'age', type: 'integer', storageType: 'BIGINT' },
  { name: 'purpose', type: 'categorical', storageType: 'VARCHAR' },
  { name: 'approved', type: 'boolean', storageType: 'BOOLEAN' },
];

describe('buildFilters', () => {
  it('sends numbers for numeric columns and text for the rest', () => {
    const { filters, invalid } = buildFilters(
      { age: { op: 'gte', value: ' 30 ' }, purpose: { op: 'contains', value: 'car' } },
      columns,
    );
    expect(filters).toEqual([
      { column: 'age', op: 'gte', value: 30 },
      { column: 'purpose', op: 'contains', value: 'car' },
    ]);
    expect(invalid.size).toBe(0);
  });

  it('leaves out empty values and flags ones that cannot be compared', () => {
    const { filters, invalid } = buildFilters(
      { age: { op: 'eq', value: 'thirty' }, purpose: { op: 'eq', value: '  ' } },
      columns,
    );
    expect(filters).toEqual([]);
    expect([...invalid]).toEqual(['age']);
  });

  it('needs no value for emptiness checks and parses booleans', () => {
    const { filters } = buildFilters(
      { purpose: { op: 'is_null', value: 'ignored' }, approved: { op: 'eq', value: 'false' } },
      columns,
    );
    expect(filters).toEqual([
      { column: 'purpose', op: 'is_null' },
      { column: 'approved', op: 'eq', value: false },
    ]);
  });

  it('turns a comma-separated list into an `in` filter of typed values', () => {
    const { filters, invalid } = buildFilters(
      { age: { op: 'in', value: '12, 40 ,77,' }, purpose: { op: 'in', value: 'car,home' } },
      columns,
    );
    expect(filters).toEqual([
      { column: 'age', op: 'in', values: [12, 40, 77] },
      { column: 'purpose', op: 'in', values: ['car', 'home'] },
    ]);
    expect(invalid.size).toBe(0);
  });

  it('flags an `in` list with an item that cannot be compared', () => {
    const { filters, invalid } = buildFilters({ age: { op: 'in', value: '12, n/a' } }, columns);
    expect(filters).toEqual([]);
    expect([...invalid]).toEqual(['age']);
  });
});
