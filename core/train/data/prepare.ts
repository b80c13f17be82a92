import { BIGINT, DuckDBDataChunk, UTINYINT } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { CancelledError, InvalidInputError } from '../../contract/errors.js';
import type { Column } from '../../contract/schemas.js';
import type { TrainingConfig } from '../../contract/training.js';
import { rowIdColumn, storageKind } from '../../data/column-types.js';
import { withConnection } from '../../data/duck.js';
import { timed } from '../../data/timings.js';
import { quoteIdent } from '../../data/sql.js';
import type { Relation } from './encode.js';
import { streamEncoded } from './encode.js';
import type { TabularTask } from './features.js';
import { resolveColumns } from './features.js';
import { fitPipeline } from './fit.js';
import type { FittedPipeline, ImagePipeline } from './pipeline.js';
import type { Fold } from './split.js';
import { assignHoldout, foldsOfSplit, splitCodes } from './split.js';
import { checkSourceColumns, describeRelation } from './transform.js';
import { doubleColumn, floatColumn, integerColumn } from './vectors.js';

export interface SplitData {
  /** `n × d` features, row-major. */
  readonly x: Float32Array;
  /** Class index (classification) or target value (regression). */
  readonly y: Float32Array;
  /** `_row_id` of each row, ascending. */
  readonly rowIds: Float64Array;
  readonly n: number;
  readonly d: number;
}

/** `P`: the tabular feature pipeline, or (image classification) the image pipeline. */
export interface PreparedData<P extends FittedPipeline | ImagePipeline = FittedPipeline | ImagePipeline> {
  readonly task: TabularTask;
  /** Encoded feature names in matrix column order, e.g. `age`, `region=north`, `applied_on.month`. */
  readonly featureNames: string[];
  /** Class labels in index order (classification); null for regression. */
  readonly labels: string[] | null;
  /** For k-fold, `train` holds every non-test row and `validation` is empty. */
  readonly splits: { readonly train: SplitData; readonly validation: SplitData; readonly test: SplitData };
  /** K-fold only: indices into the non-test rows (train ∪ validation, concatenated in that order). */
  readonly folds: Fold[] | null;
  /** Fitted on the training split only; JSON-serialisable. */
  readonly pipeline: P;
  /** Every categorical column's value per test row (`(missing)` when empty), for sliced metrics. */
  readonly testSlices: Record<string, string[]>;
  /** What was dropped, excluded or bucketed, in words for the user. */
  readonly warnings: string[];
}

export interface PrepareTrainingDataInput {
  readonly db: DuckDBInstance;
  readonly parquetPath: string;
  readonly columns: Column[];
  readonly config: TrainingConfig;
  /** A frozen label version to join on `_row_id` as the target column (rows without a label drop out). */
  readonly labels?: LabelColumn | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A label version's JSONL (`{row_id, label}` lines) read as one more column of the dataset. */
export interface LabelColumn {
  readonly jsonlPath: string;
  /** The target column it becomes: categorical VARCHAR labels, or DOUBLE scores. */
  readonly column: Column;
}

/** The dataset version's snapshot, joined with a label version when the target comes from labels. */
export function trainingSource(parquetPath: string, labels: LabelColumn | undefined): Relation {
  if (labels === undefined) return { from: 'read_parquet($1)', params: [parquetPath] };
  const labelType = labels.column.storageType === 'DOUBLE' ? 'DOUBLE' : 'VARCHAR';
  return {
    from:
      `(SELECT s.*, l.label AS ${quoteIdent(labels.column.name)} FROM read_parquet($1) s ` +
      `JOIN read_json($2, format = 'newline_delimited', columns = {row_id: 'BIGINT', label: '${labelType}'}) l ` +
      `ON l.row_id = s.${quoteIdent(rowIdColumn)})`,
    params: [parquetPath, labels.jsonlPath],
  };
}

/** More distinct target values than this is almost surely a regression target or an id. */
export const maxClasses = 1000;
export const missingSliceValue = '(missing)';

let tableCounter = 0;

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CancelledError('Preparing the training data was cancelled.');
}

/** Labels (classification) or the value range (regression) of the target, and how many rows lack it. */
async function summariseTarget(
  connection: DuckDBConnection,
  source: Relation,
  task: TabularTask,
  target: Column,
  eligible: string,
): Promise<{ labels: string[] | null; rows: number; dropped: number }> {
  const ident = quoteIdent(target.name);
  const counts = (
    await connection.runAndReadAll(
      `SELECT count(*), count(*) FILTER (WHERE ${eligible}), min(${ident}) FILTER (WHERE ${eligible}) = max(${ident}) FILTER (WHERE ${eligible}) FROM ${source.from}`,
      [...source.params],
    )
  ).getRows()[0] ?? [0n, 0n, null];
  const total = Number(counts[0]);
  const rows = Number(counts[1]);
  if (rows === 0) {
    throw new InvalidInputError(
      `The target \`${target.name}\` has no values: every one of the ${total} rows is empty.`,
      {
        column: target.name,
      },
    );
  }
  if (counts[2] === true) {
    throw new InvalidInputError(
      `The target \`${target.name}\` has the same value in every row, so there is nothing to learn. Choose another target.`,
      { column: target.name },
    );
  }
  if (task === 'regression') return { labels: null, rows, dropped: total - rows };
  const reader = await connection.runAndReadAll(
    `SELECT CAST(${ident} AS VARCHAR) FROM ${source.from} WHERE ${eligible} GROUP BY ${ident} ORDER BY ${ident} LIMIT ${maxClasses + 1}`,
    [...source.params],
  );
  const labels = reader.getRows().map((row) => String(row[0]));
  if (labels.length > maxClasses) {
    throw new InvalidInputError(
      `The target \`${target.name}\` has more than ${maxClasses} distinct values; that is not a set of classes. ` +
        'Use task regression for a numeric target, or choose another column.',
      { column: target.name },
    );
  }
  if (task === 'binary' && labels.length !== 2) {
    throw new InvalidInputError(
      `Binary classification needs exactly 2 classes, but \`${target.name}\` has ${labels.length}: ` +
        `${labels.slice(0, 10).join(', ')}${labels.length > 10 ? ', …' : ''}. Use task multiclass.`,
      { column: target.name, classes: labels.length },
    );
  }
  return { labels, rows, dropped: total - rows };
}

/** `_row_id` and target (class index or value) of every usable row, ascending by `_row_id`. */
async function readTargets(
  connection: DuckDBConnection,
  source: Relation,
  classification: boolean,
  target: Column,
  eligible: string,
  rows: number,
): Promise<{ rowIds: Float64Array; y: Float32Array; classes: Int32Array | null }> {
  const ident = quoteIdent(target.name);
  const ySql = classification
    ? `CAST(dense_rank() OVER (ORDER BY ${ident}) - 1 AS INTEGER)`
    : `CAST(${ident} AS FLOAT)`;
  const result = await connection.stream(
    `SELECT CAST(${quoteIdent(rowIdColumn)} AS DOUBLE), ${ySql} FROM ${source.from} WHERE ${eligible} ORDER BY ${quoteIdent(rowIdColumn)}`,
    [...source.params],
  );
  const rowIds = new Float64Array(rows);
  const y = new Float32Array(rows);
  const classes = classification ? new Int32Array(rows) : null;
  let at = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    rowIds.set(doubleColumn(chunk, 0), at);
    if (classes !== null) {
      const codes = integerColumn(chunk, 1);
      classes.set(codes, at);
      for (let r = 0; r < codes.length; r += 1) y[at + r] = codes[r] as number;
    } else {
      y.set(floatColumn(chunk, 1), at);
    }
    at += chunk.rowCount;
  }
  return { rowIds, y, classes };
}

/** The split of every row as a temp table, so DuckDB can select a split's rows with a hash semi-join. */
async function writeSplitTable(
  connection: DuckDBConnection,
  table: string,
  rowIds: Float64Array,
  assignment: Uint8Array,
): Promise<void> {
  await connection.run(`CREATE TEMP TABLE ${quoteIdent(table)} (row_id BIGINT, split UTINYINT)`);
  const appender = await connection.createAppender(table);
  try {
    for (let start = 0; start < rowIds.length; start += 2048) {
      const end = Math.min(rowIds.length, start + 2048);
      const chunk = DuckDBDataChunk.create([BIGINT, UTINYINT], end - start);
      const ids: bigint[] = [];
      const splits: number[] = [];
      for (let i = start; i < end; i += 1) {
        ids.push(BigInt(rowIds[i] as number));
        splits.push(assignment[i] as number);
      }
      chunk.setColumns([ids, splits]);
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
}

/** Maps a `_row_id` to its index in the ascending `rowIds`: a dense array when ids are dense, else a Map. */
function indexByRowId(rowIds: Float64Array): (rowId: number) => number {
  const max = rowIds.length === 0 ? 0 : (rowIds[rowIds.length - 1] as number);
  if (max <= rowIds.length * 4 + 1024) {
    const table = new Int32Array(max + 1).fill(-1);
    rowIds.forEach((rowId, index) => (table[rowId] = index));
    return (rowId) => table[rowId] ?? -1;
  }
  const map = new Map<number, number>();
  rowIds.forEach((rowId, index) => map.set(rowId, index));
  return (rowId) => map.get(rowId) ?? -1;
}

function emptySplit(
  rows: number,
  d: number,
): { x: Float32Array; y: Float32Array; rowIds: Float64Array; n: number; d: number } {
  return {
    x: new Float32Array(rows * d),
    y: new Float32Array(rows),
    rowIds: new Float64Array(rows),
    n: rows,
    d,
  };
}

/**
 * Turns a dataset version into training matrices: checks target and features, splits the rows
 * (seeded, stratified by class when asked), fits the feature pipeline on the training rows only,
 * and encodes every split with it in one DuckDB pass.
 */
export async function prepareTrainingData(
  input: PrepareTrainingDataInput,
): Promise<PreparedData<FittedPipeline>> {
  const { db, parquetPath, config, signal } = input;
  const columns = input.labels ? [...input.columns, input.labels.column] : input.columns;
  const resolved = resolveColumns(columns, config);
  const { task, target, plans } = resolved;
  const warnings = [...resolved.warnings];
  const classification = task !== 'regression';
  const source = trainingSource(parquetPath, input.labels);
  const targetIdent = quoteIdent(target.name);
  const kind = storageKind(target.storageType);
  const eligible =
    kind === 'float'
      ? `${targetIdent} IS NOT NULL AND isfinite(${targetIdent})`
      : `${targetIdent} IS NOT NULL`;

  return withConnection(db, async (connection) => {
    const onAbort = (): void => connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    tableCounter += 1;
    const splitTable = `orchard_split_${process.pid}_${tableCounter}`;
    const trainTable = `orchard_train_${process.pid}_${tableCounter}`;
    try {
      checkAborted(signal);
      const described = await describeRelation(connection, source);
      const summary = await timed('train data: target summary', () =>
        summariseTarget(connection, source, task, target, eligible),
      );
      if (summary.dropped > 0) {
        warnings.push(
          `${summary.dropped} row${summary.dropped === 1 ? ' has' : 's have'} no usable value in the target \`${target.name}\` and ${summary.dropped === 1 ? 'was' : 'were'} left out.`,
        );
      }
      const labels = summary.labels;
      checkAborted(signal);
      const targets = await timed('train data: read targets', () =>
        readTargets(connection, source, classification, target, eligible, summary.rows),
      );

      const stratify = classification && config.split.stratify;
      const split = config.split;
      const assignment = assignHoldout({
        rows: summary.rows,
        classes: stratify ? targets.classes : null,
        labels,
        validation: split.kind === 'holdout' ? split.validation : 0,
        test: split.test,
        seed: config.seed,
      });

      await timed('train data: split table', () =>
        writeSplitTable(connection, splitTable, targets.rowIds, assignment),
      );
      const inSplit = (code: number): string =>
        `${quoteIdent(rowIdColumn)} IN (SELECT row_id FROM ${quoteIdent(splitTable)} WHERE split = ${code})`;
      checkAborted(signal);
      // The fit reads the training rows several times (medians, then scales, then category counts),
      // so they are decoded and selected once into a temp table instead of per statement.
      await timed('train data: train table', () =>
        connection.run(
          `CREATE TEMP TABLE ${quoteIdent(trainTable)} AS SELECT ${plans.map((plan) => quoteIdent(plan.column)).join(', ')} FROM ${source.from} WHERE ${inSplit(splitCodes.train)}`,
          [...source.params],
        ),
      );
      const fitted = await timed('train data: fit', () =>
        fitPipeline(connection, plans, { from: quoteIdent(trainTable), params: [] }),
      );
      await connection.run(`DROP TABLE ${quoteIdent(trainTable)}`);
      warnings.push(...fitted.warnings);
      const pipeline = fitted.pipeline;
      checkSourceColumns(pipeline, described.names, described.types);

      const floatInputs = plans.filter((plan) => plan.type === 'float');
      if (floatInputs.length > 0) {
        const nonFinite =
          (
            await connection.runAndReadAll(
              `SELECT ${floatInputs.map((plan) => `count(*) FILTER (WHERE NOT isfinite(${quoteIdent(plan.column)}))`).join(', ')} FROM ${source.from} WHERE ${eligible}`,
              [...source.params],
            )
          ).getRows()[0] ?? [];
        floatInputs.forEach((plan, index) => {
          const count = Number(nonFinite[index] ?? 0);
          if (count > 0) {
            warnings.push(
              `\`${plan.column}\` has ${count} NaN or infinite value${count === 1 ? '' : 's'}; they are treated as missing (filled with the training median).`,
            );
          }
        });
      }

      // Where each usable row lands: its split and its position there (rows stay in `_row_id` order).
      const d = pipeline.featureNames.length;
      const sizes = [0, 0, 0];
      const position = new Int32Array(summary.rows);
      assignment.forEach((code, index) => {
        position[index] = sizes[code] ?? 0;
        sizes[code] = (sizes[code] ?? 0) + 1;
      });
      const outputs = sizes.map((size) => emptySplit(size, d));
      assignment.forEach((code, index) => {
        const output = outputs[code];
        const at = position[index] as number;
        if (output === undefined) return;
        output.rowIds[at] = targets.rowIds[index] as number;
        output.y[at] = targets.y[index] as number;
      });
      const indexOf = indexByRowId(targets.rowIds);
      checkAborted(signal);
      await timed('train data: encode', () =>
        streamEncoded(
          connection,
          pipeline,
          { ...source, where: eligible },
          quoteIdent(rowIdColumn),
          signal,
          (chunk) => {
            for (let r = 0; r < chunk.rows; r += 1) {
              const index = indexOf(chunk.rowIds[r] as number);
              const output = outputs[assignment[index] as number];
              if (index < 0 || output === undefined) continue;
              const from = r * d;
              const to = (position[index] as number) * d;
              for (let j = 0; j < d; j += 1) output.x[to + j] = chunk.x[from + j] as number;
            }
          },
        ),
      );

      const testSlices = await timed('train data: test slices', () =>
        readTestSlices(
          connection,
          source,
          columns,
          target,
          inSplit(splitCodes.test),
          outputs[splitCodes.test]?.rowIds ?? new Float64Array(0),
        ),
      );

      const [train, validation, test] = outputs as [SplitData, SplitData, SplitData];
      const folds = foldsOfSplit(split, train, { stratify, labels, seed: config.seed, warnings });
      return {
        task,
        featureNames: [...pipeline.featureNames],
        labels,
        splits: { train, validation, test },
        folds,
        pipeline,
        testSlices,
        warnings,
      };
    } catch (error) {
      checkAborted(signal);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(splitTable)}`);
      await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(trainTable)}`);
    }
  });
}

/** Each categorical column's value for every test row, in the test split's row order. */
async function readTestSlices(
  connection: DuckDBConnection,
  source: Relation,
  columns: readonly Column[],
  target: Column,
  testFilter: string,
  testRowIds: Float64Array,
): Promise<Record<string, string[]>> {
  const categorical = columns.filter(
    (column) => column.type === 'categorical' && column.name !== target.name,
  );
  const slices: Record<string, string[]> = {};
  if (categorical.length === 0) return slices;
  const indexOf = indexByRowId(testRowIds);
  const values = categorical.map(() => new Array<string>(testRowIds.length).fill(missingSliceValue));
  const params: DuckDBValue[] = [...source.params];
  const result = await connection.stream(
    `SELECT CAST(${quoteIdent(rowIdColumn)} AS DOUBLE), ${categorical.map((column) => `CAST(${quoteIdent(column.name)} AS VARCHAR)`).join(', ')} FROM ${source.from} WHERE ${testFilter}`,
    params,
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const ids = doubleColumn(chunk, 0);
    categorical.forEach((_, column) => {
      const cells = chunk.getColumnValues(column + 1);
      const target = values[column] as string[];
      cells.forEach((cell, r) => {
        const index = indexOf(ids[r] as number);
        if (index >= 0 && cell !== null) target[index] = String(cell);
      });
    });
  }
  categorical.forEach((column, index) => (slices[column.name] = values[index] as string[]));
  return slices;
}
