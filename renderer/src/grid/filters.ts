import type { Column, ColumnFilter } from '../../../core/contract/schemas.js';
import type { FilterDraft, FilterOp } from '../store/grid-slice.js';

export const filterOpLabels: Readonly<Record<FilterOp, string>> = {
  eq: '=',
  neq: '≠',
  lt: '<',
  lte: '≤',
  gt: '>',
  gte: '≥',
  contains: 'contains',
  is_null: 'is empty',
  not_null: 'is not empty',
  in: 'one of',
};

export const filterOpOrder: readonly FilterOp[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'is_null',
  'not_null',
  'in',
];

export function opNeedsValue(op: FilterOp): boolean {
  return op !== 'is_null' && op !== 'not_null';
}

export function isNumericType(type: Column['type']): boolean {
  return type === 'integer' || type === 'float';
}

export interface BuiltFilters {
  readonly filters: ColumnFilter[];
  /** Columns whose typed value cannot be compared (e.g. letters in a number column). */
  readonly invalid: ReadonlySet<string>;
}

/** `in` takes a comma-separated list ("12, 40, 77"); every item must be comparable. */
function typedValues(type: Column['type'], text: string): (string | number | boolean)[] | null {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const values = items.map((item) => typedValue(type, 'eq', item));
  return values.every((value) => value !== null) ? (values as (string | number | boolean)[]) : null;
}

function typedValue(type: Column['type'], op: FilterOp, text: string): string | number | boolean | null {
  const trimmed = text.trim();
  if (op === 'contains') return text;
  if (isNumericType(type)) {
    const number = Number(trimmed);
    return trimmed !== '' && Number.isFinite(number) ? number : null;
  }
  if (type === 'boolean') {
    const lower = trimmed.toLowerCase();
    if (lower === 'true' || lower === '1' || lower === 'yes') return true;
    if (lower === 'false' || lower === '0' || lower === 'no') return false;
    return null;
  }
  return text;
}

/** Turns what the user typed into contract filters; incomplete drafts are left out. */
export function buildFilters(
  drafts: Readonly<Record<string, FilterDraft>>,
  columns: readonly Column[],
): BuiltFilters {
  const filters: ColumnFilter[] = [];
  const invalid = new Set<string>();
  for (const column of columns) {
    const draft = drafts[column.name];
    if (!draft) continue;
    if (!opNeedsValue(draft.op)) {
      filters.push({ column: column.name, op: draft.op });
      continue;
    }
    if (draft.value.trim() === '') continue;
    if (draft.op === 'in') {
      const values = typedValues(column.type, draft.value);
      if (values === null || values.length === 0) invalid.add(column.name);
      else filters.push({ column: column.name, op: 'in', values });
      continue;
    }
    const value = typedValue(column.type, draft.op, draft.value);
    if (value === null) invalid.add(column.name);
    else filters.push({ column: column.name, op: draft.op, value });
  }
  return { filters, invalid };
}
