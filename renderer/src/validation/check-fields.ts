import type { Column, ColumnType } from '../../../core/contract/schemas.js';
import { SuiteDefinition } from '../../../core/contract/validation.js';
import type { Check, CheckKind } from '../../../core/contract/validation.js';

export const checkKindLabels: Readonly<Record<CheckKind, string>> = {
  columns_present: 'Columns present',
  column_type: 'Column type',
  completeness: 'Completeness',
  range: 'Range',
  allowed_values: 'Allowed values',
  pattern: 'Pattern',
  unique: 'Unique',
  no_duplicate_rows: 'No duplicate rows',
  row_count: 'Row count',
  class_balance: 'Class balance',
  label_coverage: 'Label coverage',
  distribution: 'Distribution',
};

export const checkKinds = Object.keys(checkKindLabels) as CheckKind[];

type CheckValue = string | number | boolean;

/** The one column a check looks at, when it looks at one. */
export function checkColumn(check: Check): string | null {
  return 'column' in check ? check.column : null;
}

/** How reports name a check: its id, or `kind:column` as the engine defaults it. */
export function checkLabel(check: Check): string {
  if (check.id !== undefined) return check.id;
  const column = checkColumn(check);
  if (column !== null) return `${check.kind}:${column}`;
  if ('columns' in check) return `${check.kind}:${check.columns.join(',')}`;
  return check.kind;
}

/** A new check of `kind` with thresholds a person would start from. */
export function defaultCheck(kind: CheckKind, column: Pick<Column, 'name' | 'type'> | null): Check {
  const name = column?.name ?? '';
  const severity = 'error' as const;
  switch (kind) {
    case 'columns_present':
      return { kind, severity, columns: name === '' ? [] : [name] };
    case 'column_type':
      return { kind, severity, column: name, type: column?.type ?? 'text' };
    case 'completeness':
      return { kind, severity, column: name, maxMissingShare: 0 };
    case 'range':
      return { kind, severity, column: name };
    case 'allowed_values':
      return { kind, severity, column: name, values: [] };
    case 'pattern':
      return { kind, severity, column: name, regex: '.*' };
    case 'unique':
      return { kind, severity, columns: name === '' ? [] : [name] };
    case 'no_duplicate_rows':
      return { kind, severity };
    case 'row_count':
      return { kind, severity, min: 1 };
    case 'class_balance':
      return { kind, severity, column: name, minShare: 0.05 };
    case 'label_coverage':
      return { kind, severity, column: name, minShare: 0.95 };
    case 'distribution':
      return { kind, severity, column: name, test: 'ks', threshold: 0.01 };
  }
}

/** The check as another kind: keeps its column and severity, starts the new thresholds fresh. */
export function changeKind(check: Check, kind: CheckKind, columns: readonly Column[]): Check {
  const name = checkColumn(check) ?? ('columns' in check ? check.columns[0] : undefined) ?? columns[0]?.name;
  const column = columns.find((c) => c.name === name) ?? (name ? { name, type: 'text' as const } : null);
  const next = defaultCheck(kind, column);
  return { ...next, severity: check.severity };
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

const invalid = { ok: false } as const;

/** An optional number: empty is "no limit". */
export function parseOptionalNumber(text: string, integer = false): Parsed<number | undefined> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  const value = Number(trimmed);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) return invalid;
  return { ok: true, value };
}

export function parseNumber(text: string): Parsed<number> {
  const parsed = parseOptionalNumber(text);
  return parsed.ok && parsed.value !== undefined ? { ok: true, value: parsed.value } : invalid;
}

export function parseRequiredText(text: string): Parsed<string> {
  return text === '' ? invalid : { ok: true, value: text };
}

/** A range bound: a number, or text for dates and times ("2024-01-01"); empty is no bound. */
export function parseBound(text: string): Parsed<number | string | undefined> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  const number = Number(trimmed);
  return { ok: true, value: Number.isFinite(number) ? number : trimmed };
}

export function formatOptional(value: number | string | undefined): string {
  return value === undefined ? '' : String(value);
}

/** Column names typed as "a, b, c". */
export function parseNames(text: string): Parsed<string[]> {
  const names = splitList(text);
  return names.length > 0 ? { ok: true, value: names } : invalid;
}

/** Allowed values typed as "a, b, c", typed after their column (numbers stay numbers). */
export function parseValues(text: string, type: ColumnType | null): Parsed<CheckValue[]> {
  const items = splitList(text);
  if (items.length === 0) return invalid;
  const values: CheckValue[] = [];
  for (const item of items) {
    if (type === 'integer' || type === 'float') {
      const number = Number(item);
      if (!Number.isFinite(number)) return invalid;
      values.push(number);
    } else if (type === 'boolean') {
      if (item !== 'true' && item !== 'false') return invalid;
      values.push(item === 'true');
    } else {
      values.push(item);
    }
  }
  return { ok: true, value: values };
}

export function formatList(values: readonly CheckValue[]): string {
  return values.map(String).join(', ');
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** What keeps a definition from being saved, one line each, naming the check ("check 3 (range:age): …"). */
export function definitionProblems(definition: SuiteDefinition): string[] {
  const result = SuiteDefinition.safeParse(definition);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const [first, index, ...rest] = issue.path;
    if (first === 'checks' && typeof index === 'number') {
      const check = definition.checks[index];
      const name = check ? ` (${checkLabel(check)})` : '';
      const field = rest.length > 0 ? `${rest.join('.')}: ` : '';
      return `check ${index + 1}${name}: ${field}${issue.message}`;
    }
    const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${field}${issue.message}`;
  });
}
