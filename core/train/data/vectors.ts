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

/** A FLOAT column of `chunk` as a Float32Array of `chunk.rowCount` values. */
export function floatColumn(chunk: DuckDBDataChunk, column: number): Float32Array {
  const rows = chunk.rowCount;
  const bytes = columnBytes(chunk, column, rows * 4);
  return bytes.byteOffset % 4 === 0
    ? new Float32Array(bytes.buffer, bytes.byteOffset, rows)
    : new Float32Array(bytes.slice().buffer, 0, rows);
}

/** A DOUBLE column of `chunk` as a Float64Array. */
export function doubleColumn(chunk: DuckDBDataChunk, column: number): Float64Array {
  const rows = chunk.rowCount;
  const bytes = columnBytes(chunk, column, rows * 8);
  return bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, rows)
    : new Float64Array(bytes.slice().buffer, 0, rows);
}

/** An INTEGER column of `chunk` as an Int32Array. */
export function integerColumn(chunk: DuckDBDataChunk, column: number): Int32Array {
  const rows = chunk.rowCount;
  const bytes = columnBytes(chunk, column, rows * 4);
  return bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, rows)
    : new Int32Array(bytes.slice().buffer, 0, rows);
}
