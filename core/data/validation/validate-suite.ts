import { InvalidInputError } from '../../contract/errors.js';
import type { Column, ColumnType } from '../../contract/schemas.js';
import type { Check, SuiteDefinition } from '../../contract/validation.js';
import { rowIdColumn, storageKind } from '../column-types.js';

/**
 * Which checks fit which column types:
 * - range: integer, float (numbers), date, timestamp (ISO text). Never text: a lexicographic
 *   "range" of strings surprises more than it helps.
 * - pattern: any type; non-text values are matched as DuckDB's text form (dates ISO).
 * - distribution ks: integer, float, date, timestamp; chi2: categorical, boolean, integer, text
 *   (categories are values); psi: any (quantile bins for numbers and dates, categories otherwise).
 * - everything else: any type.
 */
const rangeTypes: readonly ColumnType[] = ['integer', 'float', 'date', 'timestamp'];
const ksTypes: readonly ColumnType[] = ['integer', 'float', 'date', 'timestamp'];
const chi2Types: readonly ColumnType[] = ['categorical', 'boolean', 'integer', 'text'];

/** The default id of a check (`kind:column`), as the contract documents. */
export function defaultCheckId(check: Check): string {
  if ('column' in check) return `${check.kind}:${check.column}`;
  if (check.kind === 'unique') return `unique:${check.columns.join(',')}`;
  return check.kind;
}

/** Ids for every check: the given one or `kind:column`, with `#2`, `#3`… on repeats so results stay apart. */
export function checkIds(checks: readonly Check[]): string[] {
  const seen = new Map<string, number>();
  return checks.map((check) => {
    const base = check.id ?? defaultCheckId(check);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  });
}

/** The columns a check reads (not `columns_present`, whose columns are what it tests for). */
export function checkedColumns(check: Check): string[] {
  if ('column' in check) return [check.column];
  if (check.kind === 'unique') return [...check.columns];
  return [];
}

function findColumn(columns: readonly Column[], name: string): Column | undefined {
  if (name === rowIdColumn) return { name: rowIdColumn, type: 'integer', storageType: 'BIGINT' };
  return columns.find((column) => column.name === name);
}

const isoDate = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/** Whether `value` can be compared with values of `column`; the reason when not. */
export function valueProblem(column: Column, value: string | number | boolean): string | undefined {
  const kind = storageKind(column.storageType);
  if (kind === 'integer' || kind === 'float') {
    return typeof value === 'number' && Number.isFinite(value)
      ? undefined
      : `${JSON.stringify(value)} is not a number`;
  }
  if (kind === 'boolean') {
    return typeof value === 'boolean' || value === 'true' || value === 'false'
      ? undefined
      : `${JSON.stringify(value)} is not true or false`;
  }
  if (kind === 'date' || kind === 'timestamp') {
    return typeof value === 'string' && isoDate.test(value) && !Number.isNaN(Date.parse(value))
      ? undefined
      : `${JSON.stringify(value)} is not an ISO ${kind} (e.g. "2024-03-31")`;
  }
  return undefined;
}

/**
 * RE2 (DuckDB's regex engine) has no lookaround or backreferences; JavaScript has no inline flag
 * groups or `(?P<name>…)`. So the syntax is checked by JavaScript after rewriting the RE2-only forms,
 * and the JS-only features are refused. `runSuite` compiles each regex in DuckDB as well.
 */
export function regexProblem(regex: string): string | undefined {
  if (/\(\?<?[=!]/.test(regex)) return 'lookahead and lookbehind are not supported (DuckDB uses RE2)';
  if (/(^|[^\\])(\\\\)*\\([1-9]|k<)/.test(regex)) return 'backreferences are not supported (DuckDB uses RE2)';
  const jsForm = regex
    .replace(/^\(\?[imsU]+\)/, '')
    .replace(/\(\?P</g, '(?<')
    .replace(/\\[AzQE]/g, '');
  try {
    new RegExp(jsForm, 'u');
    return undefined;
  } catch {
    try {
      new RegExp(jsForm);
      return undefined;
    } catch (error) {
      return `the regular expression does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
    }
  }
}

/**
 * Every reason `check` cannot run on a version with `columns` (and a reference with
 * `referenceColumns`, when given). `suite` supplies the reference version id distribution checks need.
 */
export function checkProblems(
  check: Check,
  suite: Pick<SuiteDefinition, 'referenceVersionId'>,
  columns: readonly Column[],
  referenceColumns?: readonly Column[],
): string[] {
  const problems: string[] = [];
  const resolved = new Map<string, Column>();
  for (const name of checkedColumns(check)) {
    const column = findColumn(columns, name);
    if (column === undefined) problems.push(`column \`${name}\` does not exist`);
    else resolved.set(name, column);
  }
  const column = 'column' in check ? resolved.get(check.column) : undefined;
  switch (check.kind) {
    case 'range': {
      if (check.min === undefined && check.max === undefined) problems.push('needs `min`, `max` or both');
      if (column === undefined) break;
      if (!rangeTypes.includes(column.type)) {
        problems.push(`a range needs a number or date column; \`${column.name}\` is ${column.type}`);
        break;
      }
      for (const [name, value] of [
        ['min', check.min],
        ['max', check.max],
      ] as const) {
        if (value === undefined) continue;
        const problem = valueProblem(column, value);
        if (problem !== undefined) problems.push(`\`${name}\`: ${problem}`);
      }
      if (check.min !== undefined && check.max !== undefined && problems.length === 0) {
        const min = typeof check.min === 'number' ? check.min : Date.parse(check.min);
        const max = typeof check.max === 'number' ? check.max : Date.parse(check.max);
        if (min > max) problems.push(`\`min\` (${check.min}) is above \`max\` (${check.max})`);
      }
      break;
    }
    case 'allowed_values':
      if (column === undefined) break;
      for (const value of check.values) {
        const problem = valueProblem(column, value);
        if (problem !== undefined) {
          problems.push(`value ${problem} (\`${column.name}\` is ${column.type})`);
          break;
        }
      }
      break;
    case 'pattern': {
      const problem = regexProblem(check.regex);
      if (problem !== undefined) problems.push(problem);
      break;
    }
    case 'row_count':
      if (check.min === undefined && check.max === undefined) problems.push('needs `min`, `max` or both');
      if (check.min !== undefined && check.max !== undefined && check.min > check.max) {
        problems.push(`\`min\` (${check.min}) is above \`max\` (${check.max})`);
      }
      break;
    case 'class_balance':
      if (check.minShare === undefined && check.maxShare === undefined)
        problems.push('needs `minShare`, `maxShare` or both');
      if (check.minShare !== undefined && check.maxShare !== undefined && check.minShare > check.maxShare) {
        problems.push(`\`minShare\` (${check.minShare}) is above \`maxShare\` (${check.maxShare})`);
      }
      break;
    case 'distribution': {
      if (suite.referenceVersionId === undefined) {
        problems.push('a distribution check needs the suite to name a `referenceVersionId`');
      }
      if (check.test !== 'psi' && check.threshold >= 1) problems.push('a p-value threshold must be below 1');
      if (column === undefined) break;
      const allowed = check.test === 'ks' ? ksTypes : check.test === 'chi2' ? chi2Types : undefined;
      if (allowed !== undefined && !allowed.includes(column.type)) {
        const hint = check.test === 'ks' ? 'use chi2 or psi' : 'use ks or psi';
        problems.push(`${check.test} does not apply to ${column.type} column \`${column.name}\`; ${hint}`);
      }
      if (referenceColumns !== undefined) {
        const reference = findColumn(referenceColumns, column.name);
        if (reference === undefined) {
          problems.push(`the reference version has no column \`${column.name}\``);
        } else if (
          reference.type !== column.type ||
          storageKind(reference.storageType) !== storageKind(column.storageType)
        ) {
          problems.push(
            `\`${column.name}\` is ${column.type} (${column.storageType}) here but ${reference.type} (${reference.storageType}) in the reference version`,
          );
        }
      }
      break;
    }
    default:
      break;
  }
  return problems;
}

/**
 * Refuses a suite that cannot run on a version with `columns` (and, for distribution checks, a
 * reference with `referenceColumns`), listing every problem at once:
 * `checks[3] (range:name): a range needs a number or date column; \`name\` is text`.
 */
export function validateSuite(
  definition: SuiteDefinition,
  columns: readonly Column[],
  referenceColumns?: readonly Column[],
): void {
  const ids = checkIds(definition.checks);
  const problems: string[] = [];
  const explicitIds = new Set<string>();
  definition.checks.forEach((check, index) => {
    const label = `checks[${index}] (${ids[index] ?? check.kind})`;
    if (check.id !== undefined) {
      if (explicitIds.has(check.id))
        problems.push(`${label}: the id \`${check.id}\` is used by an earlier check`);
      explicitIds.add(check.id);
    }
    for (const problem of checkProblems(check, definition, columns, referenceColumns))
      problems.push(`${label}: ${problem}`);
  });
  if (problems.length > 0) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    throw new InvalidInputError(`Suite "${definition.name}" has ${count}:\n${problems.join('\n')}`, {
      problems,
    });
  }
}
