import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';

/**
 * Reads a fixed-width column of a data chunk as a typed array in one copy.
 *
 * `DuckDBVector.getItem` costs ~70 ns a value (validity check, boxing), which is 2 s for 1M × 30
 * features; the bindings' `vector_get_data` hands over the column's buffer at once. Callers make
 * their SQL yield no NULLs (every encoded expression is COALESCEd), so validity is not consulted.
 */
function columnBytes(chunk: DuckDBDataChunk, column: number, byteCount: number): Uint8Array {
  const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, column), byteCount);
  return bytes;
}

type FixedWidthArray = Float32Array | Float64Array | Int32Array;
interface FixedWidthArrayType<T extends FixedWidthArray> {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
}

/** A fixed-width column as a typed array: a view when the buffer is aligned, else one aligned copy. */
function typedColumn<T extends FixedWidthArray>(
  chunk: DuckDBDataChunk,
  column: number,
  type: FixedWidthArrayType<T>,
): T {
  const rows = chunk.rowCount;
  const bytes = columnBytes(chunk, column, rows * type.BYTES_PER_ELEMENT);
  return bytes.byteOffset % type.BYTES_PER_ELEMENT === 0
    ? new type(bytes.buffer, bytes.byteOffset, rows)
    : new type(bytes.slice().buffer, 0, rows);
}

/** A FLOAT column of `chunk` as a Float32Array of `chunk.rowCount` values. */
export const floatColumn = (chunk: DuckDBDataChunk, column: number): Float32Array =>
  typedColumn(chunk, column, Float32Array);

/** A DOUBLE column of `chunk` as a Float64Array. */
export const doubleColumn = (chunk: DuckDBDataChunk, column: number): Float64Array =>
  typedColumn(chunk, column, Float64Array);

/** An INTEGER column of `chunk` as an Int32Array. */
export const integerColumn = (chunk: DuckDBDataChunk, column: number): Int32Array =>
  typedColumn(chunk, column, Int32Array);
