import fs from 'node:fs';
import { RecordBatchReader, Type } from 'apache-arrow';
import type { DataType, Field, RecordBatch, Vector } from 'apache-arrow';
import {
  DuckDBBigIntType,
  DuckDBBooleanType,
  DuckDBDataChunk,
  DuckDBDateType,
  DuckDBDateValue,
  DuckDBDoubleType,
  DuckDBTimestampType,
  DuckDBTimestampValue,
  DuckDBVarCharType,
} from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../contract/errors.js';
import { throwIfAborted } from './duck.js';
import { fileLabel } from './errors.js';
import { quoteIdent } from './sql.js';

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const chunkRows = 2048;
const msPerDay = 86_400_000;

interface ColumnPlan {
  readonly name: string;
  readonly sqlType: string;
  readonly duckType: DuckDBType;
  readonly convert: (value: unknown) => DuckDBValue;
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? inner.toString() : inner,
  );
}

/** Arrow type → the DuckDB column we store it in and how one JS value from arrow-js converts. */
function planColumn(field: Field<DataType>): ColumnPlan {
  const name = field.name;
  switch (field.type.typeId) {
    case Type.Int:
      return {
        name,
        sqlType: 'BIGINT',
        duckType: DuckDBBigIntType.instance,
        convert: (value) => (typeof value === 'bigint' ? value : BigInt(value as number)),
      };
    case Type.Float:
      return {
        name,
        sqlType: 'DOUBLE',
        duckType: DuckDBDoubleType.instance,
        convert: (value) => Number(value),
      };
    case Type.Bool:
      return {
        name,
        sqlType: 'BOOLEAN',
        duckType: DuckDBBooleanType.instance,
        convert: (value) => Boolean(value),
      };
    case Type.Date:
      // arrow-js hands dates out as epoch milliseconds.
      return {
        name,
        sqlType: 'DATE',
        duckType: DuckDBDateType.instance,
        convert: (value) => new DuckDBDateValue(Math.floor(Number(value) / msPerDay)),
      };
    case Type.Timestamp:
      // Also epoch milliseconds: sub-millisecond precision is lost, which the grid never shows anyway.
      return {
        name,
        sqlType: 'TIMESTAMP',
        duckType: DuckDBTimestampType.instance,
        convert: (value) => new DuckDBTimestampValue(BigInt(Math.round(Number(value) * 1000))),
      };
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return {
        name,
        sqlType: 'VARCHAR',
        duckType: DuckDBVarCharType.instance,
        convert: (value) => String(value),
      };
    default:
      // Decimals, nested and binary values keep their content as text rather than being dropped.
      return {
        name,
        sqlType: 'VARCHAR',
        duckType: DuckDBVarCharType.instance,
        convert: (value) => (typeof value === 'object' && value !== null ? jsonText(value) : String(value)),
      };
  }
}

/** One batch column as DuckDB values for rows [start, end). */
function sliceValues(vector: Vector, plan: ColumnPlan, start: number, end: number): DuckDBValue[] {
  const values: DuckDBValue[] = new Array<DuckDBValue>(end - start);
  for (let row = start; row < end; row++) {
    const value: unknown = vector.get(row);
    values[row - start] = value === null || value === undefined ? null : plan.convert(value);
  }
  return values;
}

/**
 * Streams an Arrow IPC file or stream into a new DuckDB table, one record batch at a time, so a
 * file larger than memory never sits whole in JS. DuckDB has no Arrow reader offline, hence this.
 */
export async function ingestArrow(
  connection: DuckDBConnection,
  file: string,
  table: string,
  options: {
    readonly signal?: AbortSignal | undefined;
    readonly onProgress?: ((fraction: number) => void) | undefined;
    /** Stop after about this many rows (previews read only the head). */
    readonly limit?: number | undefined;
  },
): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    let reader: RecordBatchReader;
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
    } catch (error) {
      throw new InvalidInputError(
        `${fileLabel(file)} is not a readable Arrow IPC file: ${error instanceof Error ? error.message : String(error)}. Export it again from its source.`,
        { file },
      );
    }
    const plans = reader.schema.fields.map(planColumn);
    const seen = new Set<string>();
    for (const [index, plan] of plans.entries()) {
      const key = plan.name.toLowerCase();
      if (plan.name.length === 0 || seen.has(key)) {
        throw new InvalidInputError(
          `${fileLabel(file)}: column ${index + 1} ${plan.name.length === 0 ? 'has no name' : `\`${plan.name}\` repeats an earlier name`}. Give every column a unique name.`,
          { file, position: index + 1 },
        );
      }
      seen.add(key);
    }
    const columnsSql = plans.map((plan) => `${quoteIdent(plan.name)} ${plan.sqlType}`).join(', ');
    await connection.run(`CREATE TABLE ${quoteIdent(table)} (${columnsSql})`);
    const appender = await connection.createAppender(table);
    const types = plans.map((plan) => plan.duckType);
    const batchTotal = reader.isFile() ? reader.numRecordBatches : undefined;
    let batchesDone = 0;
    let rowsDone = 0;
    try {
      // Iterating the reader pulls one batch at a time from the file handle.
      for await (const batch of reader as AsyncIterable<RecordBatch>) {
        throwIfAborted(options.signal);
        const rowsWanted = Math.min(batch.numRows, (options.limit ?? Infinity) - rowsDone);
        for (let start = 0; start < rowsWanted; start += chunkRows) {
          const end = Math.min(rowsWanted, start + chunkRows);
          const chunk = DuckDBDataChunk.create(types, end - start);
          plans.forEach((plan, column) => {
            const vector = batch.getChildAt(column);
            const values =
              vector === null
                ? new Array<DuckDBValue>(end - start).fill(null)
                : sliceValues(vector, plan, start, end);
            chunk.setColumnValues(column, values);
          });
          appender.appendDataChunk(chunk);
        }
        batchesDone++;
        rowsDone += rowsWanted;
        if (batchTotal !== undefined && batchTotal > 0) options.onProgress?.(batchesDone / batchTotal);
        if (rowsDone >= (options.limit ?? Infinity)) break;
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  } finally {
    await handle.close();
  }
}
