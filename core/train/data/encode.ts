import { DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { CancelledError } from '../../contract/errors.js';
import { quoteIdent } from '../../data/sql.js';
import type { DatePart, FeatureStep, FittedPipeline, Scaling } from './pipeline.js';
import { hasOtherBucket } from './pipeline.js';
import { doubleColumn, floatColumn, integerColumn } from './vectors.js';

/** Where rows come from: a FROM clause (with its own `$n` parameters) and an optional filter. */
export interface Relation {
  readonly from: string;
  readonly where?: string | undefined;
  readonly params: readonly DuckDBValue[];
}

/** SQL for a date part as DOUBLE, NULL when the date is missing or ±infinity. */
export function datePartSql(ident: string, part: DatePart): string {
  const fn: Record<DatePart, string> = {
    year: 'year',
    month: 'month',
    day_of_week: 'dayofweek',
    day_of_year: 'dayofyear',
  };
  return `CASE WHEN isfinite(${ident}) THEN CAST(${fn[part]}(${ident}) AS DOUBLE) END`;
}

/** SQL for a numeric input as DOUBLE, NULL when missing, NaN or ±Infinity (all imputed alike). */
export function finiteNumberSql(ident: string): string {
  return `CASE WHEN isfinite(CAST(${ident} AS DOUBLE)) THEN CAST(${ident} AS DOUBLE) END`;
}

/** The columns the encoding query selects for one step, and how they land in the matrix. */
type StepOutput =
  | { readonly kind: 'dense'; readonly sql: string[] }
  | { readonly kind: 'code'; readonly sql: string; readonly categories: number; readonly other: boolean };

let typeCounter = 0;

/**
 * Category lookups as ENUM types: `TRY_CAST(value AS enum)` is a hash lookup DuckDB does
 * vectorised, keeps row order (a join would not), and gives NULL for an unseen value.
 * The types are catalogue objects, so they get unique names and are dropped after use.
 */
async function createCategoryTypes(
  connection: DuckDBConnection,
  steps: readonly FeatureStep[],
): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const [index, step] of steps.entries()) {
    if (step.kind !== 'categorical') continue;
    const values = [...step.categories, ...step.otherValues];
    if (values.length === 0) continue;
    typeCounter += 1;
    const stem = `orchard_categories_${process.pid}_${typeCounter}`;
    const table = `${stem}_values`;
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (position INTEGER, value VARCHAR)`,
    );
    const appender = await connection.createAppender(table);
    try {
      for (let start = 0; start < values.length; start += 2048) {
        const slice = values.slice(start, start + 2048);
        const chunk = DuckDBDataChunk.create([INTEGER, VARCHAR], slice.length);
        chunk.setColumns([slice.map((_, offset) => start + offset), slice]);
        appender.appendDataChunk(chunk);
      }
    } finally {
      appender.closeSync();
    }
    await connection.run(
      `CREATE TYPE ${quoteIdent(stem)} AS ENUM (SELECT value FROM ${quoteIdent(table)} ORDER BY position)`,
    );
    await connection.run(`DROP TABLE ${quoteIdent(table)}`);
    names.set(index, stem);
  }
  return names;
}

async function dropCategoryTypes(connection: DuckDBConnection, names: Map<number, string>): Promise<void> {
  for (const name of names.values()) await connection.run(`DROP TYPE IF EXISTS ${quoteIdent(name)}`);
}

function scaledSql(valueSql: string, scaling: Scaling, params: DuckDBValue[]): string {
  params.push(scaling.median, scaling.mean, scaling.std);
  const at = params.length;
  return `CAST((COALESCE(${valueSql}, $${at - 2}) - $${at - 1}) / $${at} AS FLOAT)`;
}

function stepOutput(step: FeatureStep, typeName: string | undefined, params: DuckDBValue[]): StepOutput {
  const ident = quoteIdent(step.column);
  switch (step.kind) {
    case 'numeric':
      return { kind: 'dense', sql: [scaledSql(finiteNumberSql(ident), step.scaling, params)] };
    case 'boolean':
      params.push(step.fill);
      return { kind: 'dense', sql: [`CAST(COALESCE(CAST(${ident} AS DOUBLE), $${params.length}) AS FLOAT)`] };
    case 'date':
      return {
        kind: 'dense',
        sql: step.parts.map((part) => scaledSql(datePartSql(ident, part.part), part.scaling, params)),
      };
    case 'categorical':
      return {
        kind: 'code',
        sql:
          typeName === undefined
            ? 'CAST(-1 AS INTEGER)'
            : `COALESCE(CAST(enum_code(TRY_CAST(CAST(${ident} AS VARCHAR) AS ${quoteIdent(typeName)})) AS INTEGER), -1)`,
        categories: step.categories.length,
        other: hasOtherBucket(step),
      };
  }
}

export interface EncodedChunk {
  /** `rows × width` features, row-major; reused between chunks, so copy what you keep. */
  readonly x: Float32Array;
  readonly rowIds: Float64Array;
  readonly rows: number;
}

/**
 * Streams `relation` through the pipeline: one SQL pass computes every dense feature (already
 * imputed and standardised) and one category code per categorical input; the one-hot expansion
 * happens here, over typed arrays. `rowIdSql` names the row id (e.g. `_row_id`); when absent the
 * position in the stream is the id.
 */
export async function streamEncoded(
  connection: DuckDBConnection,
  pipeline: FittedPipeline,
  relation: Relation,
  rowIdSql: string | undefined,
  signal: AbortSignal | undefined,
  onChunk: (chunk: EncodedChunk) => void,
): Promise<number> {
  const width = pipeline.featureNames.length;
  const typeNames = await createCategoryTypes(connection, pipeline.steps);
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const params: DuckDBValue[] = [...relation.params];
    const outputs = pipeline.steps.map((step, index) => stepOutput(step, typeNames.get(index), params));
    const selectList = [
      rowIdSql === undefined ? 'CAST(0 AS DOUBLE)' : `CAST(${rowIdSql} AS DOUBLE)`,
      ...outputs.flatMap((output) => (output.kind === 'dense' ? output.sql : [output.sql])),
    ];
    const where = relation.where === undefined ? '' : ` WHERE ${relation.where}`;
    const result = await connection.stream(
      `SELECT ${selectList.join(', ')} FROM ${relation.from}${where}`,
      params,
    );
    let x = new Float32Array(0);
    let total = 0;
    for (;;) {
      if (signal?.aborted === true) throw new CancelledError('Preparing the training data was cancelled.');
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      if (x.length < rows * width) x = new Float32Array(rows * width);
      else x.fill(0, 0, rows * width);
      const rowIds = new Float64Array(rows);
      if (rowIdSql === undefined) for (let r = 0; r < rows; r += 1) rowIds[r] = total + r;
      else rowIds.set(doubleColumn(chunk, 0));
      let column = 1;
      let offset = 0;
      for (const output of outputs) {
        if (output.kind === 'dense') {
          for (let part = 0; part < output.sql.length; part += 1) {
            const values = floatColumn(chunk, column);
            for (let r = 0, at = offset; r < rows; r += 1, at += width) x[at] = values[r] as number;
            column += 1;
            offset += 1;
          }
          continue;
        }
        const codes = integerColumn(chunk, column);
        const otherAt = offset + output.categories;
        const unseenAt = otherAt + (output.other ? 1 : 0);
        for (let r = 0; r < rows; r += 1) {
          const code = codes[r] as number;
          const at = code < 0 ? unseenAt : code < output.categories ? offset + code : otherAt;
          x[r * width + at] = 1;
        }
        column += 1;
        offset = unseenAt + 1;
      }
      onChunk({ x, rowIds, rows });
      total += rows;
    }
    return total;
  } catch (error) {
    if (signal?.aborted === true) throw new CancelledError('Preparing the training data was cancelled.');
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await dropCategoryTypes(connection, typeNames);
  }
}
