import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Column } from '../../contract/schemas.js';
import { quoteLiteral } from '../sql.js';

/** Writes the rows of `selectSql` (which must start with `_row_id`) to a Parquet file for a test. */
export async function writeParquet(db: DuckDBInstance, file: string, selectSql: string): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const connection = await db.connect();
  try {
    await connection.run(`COPY (${selectSql}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
  }
  return file;
}

/** The 10-row table most validation tests use, with failures planted at known rows (see comments). */
export const peopleSql = `
  SELECT i::BIGINT AS _row_id,
    -- missing at rows 2 and 5; 70, 80, 90 at rows 7–9
    CASE WHEN i IN (2, 5) THEN NULL ELSE i * 10 END::BIGINT AS age,
    -- 'z' at row 4
    CASE WHEN i = 4 THEN 'z' ELSE ['a', 'b', 'c'][i % 3 + 1] END AS grade,
    -- 'bad' at row 6
    CASE WHEN i = 6 THEN 'bad' ELSE 'AB-' || i END AS code,
    -- NaN at row 3 (counts as missing)
    CASE WHEN i = 3 THEN 'NaN'::DOUBLE ELSE i * 0.5 END AS score,
    DATE '2024-01-01' + i::INTEGER AS joined,
    -- id 8 twice (rows 8 and 9)
    CASE WHEN i = 9 THEN 8 ELSE i END::BIGINT AS id,
    -- unlabelled at rows 0 and 1
    CASE WHEN i < 2 THEN NULL WHEN i < 8 THEN 'yes' ELSE 'no' END AS label
  FROM range(10) t(i)`;

export const peopleColumns: Column[] = [
  { name: 'age', type: 'integer', storageType: 'BIGINT' },
  { name: 'grade', type: 'categorical', storageType: 'VARCHAR' },
  { name: 'code', type: 'text', storageType: 'VARCHAR' },
  { name: 'score', type: 'float', storageType: 'DOUBLE' },
  { name: 'joined', type: 'date', storageType: 'DATE' },
  { name: 'id', type: 'integer', storageType: 'BIGINT' },
  { name: 'label', type: 'categorical', storageType: 'VARCHAR' },
];
