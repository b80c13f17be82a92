import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { openDuck } from './duck.js';

/** A temp folder and a DuckDB of its own for one test; `close()` removes both. */
export interface DataTestBed {
  readonly dir: string;
  readonly db: DuckDBInstance;
  /** Writes `content` to `name` in the temp folder and returns its path. */
  write(name: string, content: string | Uint8Array): string;
  /** A fresh output path for a snapshot. */
  output(name?: string): string;
  close(): void;
}

export async function openTestBed(): Promise<DataTestBed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-data-'));
  const db = await openDuck({ tempDirectory: path.join(dir, 'duck-tmp'), memoryLimit: '512MB', threads: 2 });
  let outputs = 0;
  return {
    dir,
    db,
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    output(name) {
      outputs += 1;
      return path.join(dir, 'out', name ?? `snapshot-${outputs}.parquet`);
    },
    close() {
      db.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs SQL on the test bed's DuckDB and returns the rows as JS values. */
export async function query(db: DuckDBInstance, sql: string, params: string[] = []): Promise<unknown[][]> {
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql, params)).getRowsJS();
  } finally {
    connection.closeSync();
  }
}
