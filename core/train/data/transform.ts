import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../../contract/errors.js';
import { rowIdColumn, storageKind } from '../../data/column-types.js';
import type { StorageKind } from '../../data/column-types.js';
import { withConnection } from '../../data/duck.js';
import { quoteIdent } from '../../data/sql.js';
import type { Relation } from './encode.js';
import { streamEncoded } from './encode.js';
import type { FeatureStep, FittedPipeline } from './pipeline.js';
import { pipelineVersion } from './pipeline.js';

/** Rows to transform: a Parquet file, or a query whose own parameters are numbered `$1…`. */
export type TransformSource =
  { readonly parquetPath: string } | { readonly sql: string; readonly params?: readonly DuckDBValue[] };

export interface TransformOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface TransformedRows {
  /** `n × featureNames.length`, row-major. */
  readonly x: Float32Array;
  readonly n: number;
  /** The source's `_row_id` when it has one, else the 0-based position in the source. */
  readonly rowIds: Float64Array;
}

/** Storage kinds each step accepts from a source, and how to say what it expects. */
const accepted: Readonly<Record<FeatureStep['kind'], { kinds: readonly StorageKind[]; words: string }>> = {
  numeric: { kinds: ['integer', 'float'], words: 'a number (integer or float)' },
  boolean: { kinds: ['boolean'], words: 'true/false (BOOLEAN)' },
  date: { kinds: ['date', 'timestamp'], words: 'a date or timestamp' },
  categorical: { kinds: ['string', 'integer', 'boolean'], words: 'text categories (VARCHAR)' },
};

export function sourceRelation(source: TransformSource): Relation {
  if ('parquetPath' in source) return { from: 'read_parquet($1)', params: [source.parquetPath] };
  return { from: `(${source.sql}) AS source`, params: [...(source.params ?? [])] };
}

/** Refuses a source that lacks a feature column or holds it as the wrong type, naming each. */
export function checkSourceColumns(
  pipeline: FittedPipeline,
  names: readonly string[],
  types: readonly string[],
): void {
  const problems: string[] = [];
  const details: Record<string, unknown>[] = [];
  for (const step of pipeline.steps) {
    const index = names.indexOf(step.column);
    if (index < 0) {
      problems.push(`column \`${step.column}\` is missing (expected ${accepted[step.kind].words})`);
      details.push({ column: step.column, problem: 'missing', expected: step.type });
      continue;
    }
    const type = types[index] ?? '';
    if (!accepted[step.kind].kinds.includes(storageKind(type))) {
      problems.push(`column \`${step.column}\` is ${type}, expected ${accepted[step.kind].words}`);
      details.push({ column: step.column, problem: 'type', found: type, expected: step.type });
    }
  }
  if (problems.length > 0) {
    throw new InvalidInputError(
      `The rows do not match the model's inputs: ${problems.join('; ')}. ` +
        'Supply the columns the model was trained on, with the same types.',
      { columns: details },
    );
  }
}

export function checkPipeline(pipeline: FittedPipeline): void {
  if (pipeline.version !== pipelineVersion) {
    throw new InvalidInputError(
      `This feature pipeline has format version ${String(pipeline.version)}; this Orchard reads version ${pipelineVersion}.`,
      { version: pipeline.version },
    );
  }
}

export async function describeRelation(
  connection: DuckDBConnection,
  relation: Relation,
): Promise<{ names: string[]; types: string[] }> {
  const result = await connection.run(`SELECT * FROM ${relation.from} LIMIT 0`, [...relation.params]);
  return { names: result.columnNames(), types: result.columnTypes().map((type) => type.toString()) };
}

/** A Float32Array/Float64Array pair that doubles as rows arrive (the row count is unknown up front). */
class RowBuffer {
  x: Float32Array;
  rowIds: Float64Array;
  n = 0;

  constructor(private readonly width: number) {
    this.x = new Float32Array(1024 * width);
    this.rowIds = new Float64Array(1024);
  }

  append(x: Float32Array, rowIds: Float64Array, rows: number): void {
    if (this.n + rows > this.rowIds.length) {
      const capacity = Math.max(this.rowIds.length * 2, this.n + rows);
      const grownX = new Float32Array(capacity * this.width);
      grownX.set(this.x.subarray(0, this.n * this.width));
      const grownIds = new Float64Array(capacity);
      grownIds.set(this.rowIds.subarray(0, this.n));
      this.x = grownX;
      this.rowIds = grownIds;
    }
    this.x.set(x.subarray(0, rows * this.width), this.n * this.width);
    this.rowIds.set(rowIds.subarray(0, rows), this.n);
    this.n += rows;
  }
}

/**
 * Applies a fitted pipeline to new rows exactly as in training: same medians, scales and
 * categories; a category the training rows never had switches on the `(unseen or missing)` feature.
 */
export async function transformRows(
  pipeline: FittedPipeline,
  db: DuckDBInstance,
  source: TransformSource,
  options: TransformOptions = {},
): Promise<TransformedRows> {
  checkPipeline(pipeline);
  const relation = sourceRelation(source);
  const width = pipeline.featureNames.length;
  return withConnection(db, async (connection) => {
    const described = await describeRelation(connection, relation);
    checkSourceColumns(pipeline, described.names, described.types);
    const rowIdSql = described.names.includes(rowIdColumn) ? quoteIdent(rowIdColumn) : undefined;
    const buffer = new RowBuffer(width);
    await streamEncoded(connection, pipeline, relation, rowIdSql, options.signal, (chunk) =>
      buffer.append(chunk.x, chunk.rowIds, chunk.rows),
    );
    return {
      x: buffer.x.slice(0, buffer.n * width),
      n: buffer.n,
      rowIds: buffer.rowIds.slice(0, buffer.n),
    };
  });
}
