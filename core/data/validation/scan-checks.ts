import type { Column } from '../../contract/schemas.js';
import type { Check } from '../../contract/validation.js';
import { quoteIdent } from '../sql.js';
import type { Params } from './sql-parts.js';
import { displayValue, exampleRowLimit, isFloat, missingSql, valueSql } from './sql-parts.js';
import type { Outcome } from './outcome.js';
import { formatCount, formatShare, plural } from './words.js';

/** The checks answered by counting rows in one scan. */
export type ScanCheck = Extract<
  Check,
  { kind: 'completeness' | 'label_coverage' | 'range' | 'allowed_values' | 'pattern' | 'row_count' }
>;

export function isScanCheck(check: Check): check is ScanCheck {
  return ['completeness', 'label_coverage', 'range', 'allowed_values', 'pattern', 'row_count'].includes(
    check.kind,
  );
}

/** What one scan check adds to the aggregate query, and how to read its columns back. */
export interface ScanPlan {
  /** Aggregate expressions, each `… AS alias` with aliases prefixed by the check's tag. */
  readonly aggregates: string[];
  read(row: Readonly<Record<string, unknown>>, total: number): Outcome;
}

/** The SQL condition a row violates, for row-level checks. */
function violationSql(check: ScanCheck, column: Column, params: Params): string {
  const ident = quoteIdent(column.name);
  // Non-finite floats are missing (see missingSql); other checks judge only the values present.
  const present = isFloat(column) ? `isfinite(${ident})` : `${ident} IS NOT NULL`;
  switch (check.kind) {
    case 'completeness':
    case 'label_coverage':
      return missingSql(column);
    case 'range': {
      const outside: string[] = [];
      if (check.min !== undefined) outside.push(`${ident} < ${valueSql(column, check.min, params)}`);
      if (check.max !== undefined) outside.push(`${ident} > ${valueSql(column, check.max, params)}`);
      return `${present} AND (${outside.join(' OR ')})`;
    }
    case 'allowed_values': {
      const list = check.values.map((value) => valueSql(column, value, params)).join(', ');
      return `${present} AND ${ident} NOT IN (${list})`;
    }
    case 'pattern':
      // Full match: a pattern describes the whole value (anchors are harmless if written anyway).
      return `${ident} IS NOT NULL AND NOT regexp_full_match(CAST(${ident} AS VARCHAR), ${params.bind(check.regex)})`;
    case 'row_count':
      return 'false';
  }
}

function bounds(min: string | number | undefined, max: string | number | undefined): string {
  if (min !== undefined && max !== undefined) return `[${min}, ${max}]`;
  return min !== undefined ? `≥ ${min}` : `≤ ${String(max)}`;
}

/**
 * Plans one scan check under `tag` (unique per check): the count of violating rows, the first
 * `_row_id`s among them (`min(_row_id, 20)`, so no second query is needed for examples), and what
 * the sentence needs (observed min and max for a range).
 */
export function planScanCheck(
  check: ScanCheck,
  column: Column | undefined,
  tag: string,
  params: Params,
): ScanPlan {
  if (check.kind === 'row_count') {
    return {
      aggregates: [],
      read: (_row, total) => ({
        passed:
          (check.min === undefined || total >= check.min) && (check.max === undefined || total <= check.max),
        observed: `${plural(total, 'row')} (expected ${bounds(check.min, check.max)})`,
        observedValue: total,
        failingRows: 0,
        exampleRowIds: [],
        error: null,
      }),
    };
  }
  if (column === undefined) throw new Error(`A ${check.kind} check needs its column.`);
  const violation = violationSql(check, column, params);
  const aggregates = [
    `count(*) FILTER (WHERE ${violation}) AS ${tag}_n`,
    `min("_row_id", ${exampleRowLimit}) FILTER (WHERE ${violation}) AS ${tag}_ids`,
  ];
  if (check.kind === 'range') {
    const ident = quoteIdent(column.name);
    const present = isFloat(column) ? ` FILTER (WHERE isfinite(${ident}))` : '';
    aggregates.push(`min(${ident})${present} AS ${tag}_min`, `max(${ident})${present} AS ${tag}_max`);
  }
  return {
    aggregates,
    read(row, total) {
      const failing = Number(row[`${tag}_n`] ?? 0);
      const ids = Array.isArray(row[`${tag}_ids`])
        ? (row[`${tag}_ids`] as unknown[]).map(Number).sort((a, b) => a - b)
        : [];
      const base = { failingRows: failing, exampleRowIds: failing > 0 ? ids : [], error: null };
      const of = `${formatCount(failing)} of ${plural(total, 'row')}`;
      switch (check.kind) {
        case 'completeness': {
          const share = total === 0 ? 0 : failing / total;
          return {
            ...base,
            passed: share <= check.maxMissingShare,
            observed: `${formatShare(share)} missing (${of}; at most ${formatShare(check.maxMissingShare)} allowed)`,
            observedValue: share,
          };
        }
        case 'label_coverage': {
          const labelled = total === 0 ? 0 : (total - failing) / total;
          return {
            ...base,
            passed: total > 0 && labelled >= check.minShare,
            observed: `${formatShare(labelled)} labelled (${formatCount(total - failing)} of ${plural(total, 'row')}; at least ${formatShare(check.minShare)} required)`,
            observedValue: labelled,
          };
        }
        case 'range': {
          const seen = `observed ${displayValue(row[`${tag}_min`] as never)} to ${displayValue(row[`${tag}_max`] as never)}`;
          return {
            ...base,
            passed: failing === 0,
            observed:
              failing === 0
                ? `all values within ${bounds(check.min, check.max)} (${seen})`
                : `${plural(failing, 'value')} outside ${bounds(check.min, check.max)} (${seen})`,
            observedValue: failing,
          };
        }
        case 'allowed_values':
          return {
            ...base,
            passed: failing === 0,
            observed:
              failing === 0
                ? `all values among the ${check.values.length} allowed`
                : `${plural(failing, 'value')} (${formatShare(total === 0 ? 0 : failing / total)}) not among the ${check.values.length} allowed`,
            observedValue: failing,
          };
        case 'pattern':
          return {
            ...base,
            passed: failing === 0,
            observed:
              failing === 0
                ? 'all values match the pattern'
                : `${plural(failing, 'value')} (${formatShare(total === 0 ? 0 : failing / total)}) ${failing === 1 ? 'does' : 'do'} not match the pattern`,
            observedValue: failing,
          };
      }
    },
  };
}
