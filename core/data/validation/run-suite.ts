import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CancelledError } from '../../contract/errors.js';
import type { Column } from '../../contract/schemas.js';
import type { Check, CheckResult, SuiteDefinition } from '../../contract/validation.js';
import { rowIdColumn } from '../column-types.js';
import { interruptible, runLongQuery, throwIfAborted, withConnection } from '../duck.js';
import { isInterrupt } from '../errors.js';
import { timed } from '../timings.js';
import { runDistribution } from './distribution-checks.js';
import { categoryCounts, classBalanceOutcome, runNoDuplicateRows, runUnique } from './group-checks.js';
import type { Snapshot } from './group-checks.js';
import { errorOutcome, errorText } from './outcome.js';
import type { Outcome } from './outcome.js';
import { isScanCheck, planScanCheck } from './scan-checks.js';
import type { ScanCheck, ScanQuery } from './scan-checks.js';
import { checkIds, checkProblems } from './validate-suite.js';
import { formatCount } from './words.js';

export interface RunSuiteOptions {
  /** The snapshot distribution checks compare against (the suite's `referenceVersionId`). */
  readonly reference?: Snapshot | undefined;
  readonly signal?: AbortSignal | undefined;
  /** 0..1 and what is being done. */
  readonly onProgress?: ((fraction: number, message: string) => void) | undefined;
}

/** Share of the progress bar the row-level checks take; the group-bys and distributions share the rest. */
const scanShare = 0.5;

function columnOf(columns: readonly Column[], name: string): Column | undefined {
  if (name === rowIdColumn) return { name: rowIdColumn, type: 'integer', storageType: 'BIGINT' };
  return columns.find((column) => column.name === name);
}

/**
 * Runs every check of `definition` on the target snapshot and returns one result per check, in
 * suite order. No check stops another: a check that cannot run (its column is gone, its regex does
 * not compile in DuckDB, its query fails) is reported failed with `error` set.
 *
 * Queries: the row count (Parquet footer); per row-level check one `WHERE` query for its count of
 * violating rows and first `_row_id`s (plus min and max for a range), which DuckDB answers from
 * row-group statistics and dictionaries where it can; per unique/duplicate check a bitmap of an
 * integer column or a hash group-by; one group-by per column needing category counts; one or two
 * queries per distribution check. Throws only `CancelledError` (when `signal` aborts).
 */
export async function runSuite(
  db: DuckDBInstance,
  target: Snapshot,
  definition: SuiteDefinition,
  options: RunSuiteOptions = {},
): Promise<CheckResult[]> {
  const { reference, signal, onProgress } = options;
  throwIfAborted(signal);
  const ids = checkIds(definition.checks);
  const outcomes = new Map<number, Outcome>();
  const runnable: number[] = [];

  definition.checks.forEach((check, index) => {
    const problems = checkProblems(check, definition, target.columns, reference?.columns);
    if (check.kind === 'distribution' && reference === undefined)
      problems.push('no reference snapshot was given to compare with');
    if (problems.length > 0) outcomes.set(index, errorOutcome(`${capitalise(problems.join('; '))}.`));
    else runnable.push(index);
  });

  await withConnection(db, async (connection) => {
    const run = <T>(work: () => Promise<T>): Promise<T> => interruptible(connection, signal, work);
    // Metadata checks need no data.
    for (const index of runnable) {
      const check = definition.checks[index];
      if (check?.kind === 'columns_present')
        outcomes.set(index, columnsPresent(check.columns, target.columns));
      if (check?.kind === 'column_type')
        outcomes.set(index, columnType(check, columnOf(target.columns, check.column)));
    }
    // RE2 is the judge of a regex; a bad one fails its own check, not the scan.
    for (const index of runnable) {
      const check = definition.checks[index];
      if (check?.kind !== 'pattern') continue;
      try {
        await run(() => connection.run("SELECT regexp_full_match('', $1)", [check.regex]));
      } catch (error) {
        rethrowCancel(error, signal);
        outcomes.set(
          index,
          errorOutcome(`The regular expression does not compile in DuckDB (RE2): ${errorText(error)}.`),
        );
      }
    }

    const scanIndexes = runnable.filter(
      (index) => !outcomes.has(index) && isScanCheck(definition.checks[index] as Check),
    );
    onProgress?.(0, 'Scanning rows');
    const scanned = await timed('validation: row-level checks', () =>
      scanChecks(connection, target, definition.checks, scanIndexes, signal, onProgress),
    );
    for (const [index, outcome] of scanned) {
      outcomes.set(index, outcome);
    }
    throwIfAborted(signal);

    const rest = runnable.filter((index) => !outcomes.has(index));
    const categoryCache = new Map<string, Promise<Map<string, number>>>();
    const categories = (snapshot: Snapshot, column: Column): Promise<Map<string, number>> => {
      const key = JSON.stringify([snapshot.parquetPath, column.name]);
      let cached = categoryCache.get(key);
      if (cached === undefined) {
        cached = run(() => categoryCounts(connection, snapshot, column));
        categoryCache.set(key, cached);
      }
      return cached;
    };
    for (const [step, index] of rest.entries()) {
      const check = definition.checks[index] as Check;
      onProgress?.(
        scanShare + ((1 - scanShare) * step) / rest.length,
        `Checking ${ids[index] ?? check.kind}`,
      );
      try {
        outcomes.set(
          index,
          await timed(`validation: ${ids[index] ?? check.kind}`, () =>
            run(() => runGroupOrDistribution(connection, check, target, reference, categories)),
          ),
        );
      } catch (error) {
        rethrowCancel(error, signal);
        outcomes.set(index, errorOutcome(`${errorText(error)}`));
      }
    }
  });
  onProgress?.(1, 'Done');

  return definition.checks.map((check, index) => ({
    checkId: ids[index] ?? check.kind,
    kind: check.kind,
    severity: check.severity,
    ...(outcomes.get(index) ?? errorOutcome('The check was not run.')),
  }));
}

async function runGroupOrDistribution(
  connection: DuckDBConnection,
  check: Check,
  target: Snapshot,
  reference: Snapshot | undefined,
  categories: (snapshot: Snapshot, column: Column) => Promise<Map<string, number>>,
): Promise<Outcome> {
  const column = (name: string): Column => {
    const found = columnOf(target.columns, name);
    if (found === undefined) throw new Error(`Column \`${name}\` does not exist.`);
    return found;
  };
  switch (check.kind) {
    case 'unique':
      return runUnique(connection, target, check.columns.map(column));
    case 'no_duplicate_rows':
      return runNoDuplicateRows(connection, target);
    case 'class_balance':
      return classBalanceOutcome(check, await categories(target, column(check.column)));
    case 'distribution':
      if (reference === undefined) throw new Error('No reference snapshot was given to compare with.');
      return runDistribution(connection, check, column(check.column), target, reference, categories);
    default:
      throw new Error(`A ${check.kind} check is not run here.`);
  }
}

/**
 * The row-level checks: the row count, then each check's own queries (see `planScanCheck`), so a
 * query DuckDB refuses (say a date bound it cannot cast) fails only the check that caused it.
 */
async function scanChecks(
  connection: DuckDBConnection,
  target: Snapshot,
  checks: readonly Check[],
  indexes: readonly number[],
  signal: AbortSignal | undefined,
  onProgress: RunSuiteOptions['onProgress'],
): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  if (indexes.length === 0) return outcomes;
  const firstRow = async (query: ScanQuery): Promise<Record<string, unknown>> => {
    const result = await runLongQuery(connection, query.sql, query.params, { signal });
    return ((await result.getRowObjectsJS())[0] ?? {}) as Record<string, unknown>;
  };
  // From the Parquet footer.
  const counted = await firstRow({
    sql: 'SELECT count(*) AS total FROM read_parquet($1)',
    params: [target.parquetPath],
  });
  const total = Number(counted['total'] ?? 0);
  for (const [step, index] of indexes.entries()) {
    onProgress?.((step / indexes.length) * scanShare, 'Scanning rows');
    const check = checks[index] as ScanCheck;
    try {
      const column = 'column' in check ? columnOf(target.columns, check.column) : undefined;
      const plan = planScanCheck(check, column, `c${index}`, target.parquetPath);
      const row: Record<string, unknown> = {};
      for (const query of plan.queries) Object.assign(row, await firstRow(query));
      const notFinite = (value: unknown): boolean => typeof value === 'number' && !Number.isFinite(value);
      if (plan.finiteRange !== undefined && [row[`c${index}_min`], row[`c${index}_max`]].some(notFinite))
        Object.assign(row, await firstRow(plan.finiteRange));
      outcomes.set(index, plan.read(row, total));
    } catch (error) {
      rethrowCancel(error, signal);
      outcomes.set(index, errorOutcome(errorText(error)));
    }
  }
  return outcomes;
}

function columnsPresent(expected: readonly string[], columns: readonly Column[]): Outcome {
  const missing = expected.filter((name) => columnOf(columns, name) === undefined);
  return {
    passed: missing.length === 0,
    observed:
      missing.length === 0
        ? `all ${formatCount(expected.length)} columns present`
        : `missing ${missing.map((name) => `\`${name}\``).join(', ')} (${formatCount(expected.length - missing.length)} of ${formatCount(expected.length)} present)`,
    observedValue: missing.length,
    failingRows: 0,
    exampleRowIds: [],
    error: null,
  };
}

function columnType(check: Extract<Check, { kind: 'column_type' }>, column: Column | undefined): Outcome {
  if (column === undefined) return errorOutcome(`Column \`${check.column}\` does not exist.`);
  return {
    passed: column.type === check.type,
    observed: `${column.type} (stored as ${column.storageType})${column.type === check.type ? '' : `, expected ${check.type}`}`,
    observedValue: null,
    failingRows: 0,
    exampleRowIds: [],
    error: null,
  };
}

function rethrowCancel(error: unknown, signal: AbortSignal | undefined): void {
  if (error instanceof CancelledError || signal?.aborted === true || isInterrupt(error)) {
    throw error instanceof CancelledError ? error : new CancelledError('The validation run was cancelled.');
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
