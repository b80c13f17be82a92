import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { ImportOptions } from '../contract/methods.js';
import type { ImportPreview } from '../contract/schemas.js';
import { readerRowsToCells } from './cells.js';
import { analyseStringColumns, describeColumns, toColumns } from './column-analysis.js';
import { snapshotStorageType } from './column-types.js';
import { openDuck, withConnection } from './duck.js';
import { openSourceFile } from './formats.js';
import { assertOverridesExist, globSafePath, planScan } from './source-scan.js';
import { dropStage, newStageTableName, stageSource } from './stage.js';
import { quoteIdent } from './sql.js';
import { InvalidInputError } from '../contract/errors.js';
import { fileLabel } from './errors.js';

/** Rows shown in the preview. */
export const previewRows = 20;
/**
 * Rows the preview infers types from: DuckDB's own CSV sniffing sample, so the preview agrees with
 * what the import's reader will choose. The categorical/text call can still differ on a huge file,
 * since the import decides it on every row.
 */
export const inspectSampleRows = 20_480;

/**
 * Says how a file would import — format, columns with inferred types (and the user's overrides
 * applied), the first rows — reading only its head and writing nothing. Opens a short-lived
 * in-memory DuckDB when `db` is not given.
 */
export async function inspectFile(
  sourcePath: string,
  options?: ImportOptions,
  db?: DuckDBInstance,
): Promise<ImportPreview> {
  const source = openSourceFile(sourcePath);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-inspect-'));
  const ownDb =
    db === undefined ? await openDuck({ tempDirectory: scratch, memoryLimit: '256MB' }) : undefined;
  const duck = db ?? ownDb;
  try {
    if (duck === undefined) throw new Error('unreachable: a DuckDB instance is always opened above');
    const readPath = globSafePath(sourcePath, scratch);
    const scan = planScan(source, options, readPath);
    const overrides = options?.columnTypes ?? {};
    return await withConnection(duck, async (connection) => {
      const table = newStageTableName();
      try {
        await stageSource(connection, scan, sourcePath, table, { limit: inspectSampleRows });
        const staged = await describeColumns(connection, quoteIdent(table));
        if (scan.headerNames === undefined)
          assertOverridesExist(
            sourcePath,
            overrides,
            staged.map((column) => column.name),
          );
        const stats = await analyseStringColumns(connection, table, staged);
        const columns = toColumns(staged, stats, overrides, (column) =>
          snapshotStorageType(column.duckType, overrides[column.name]),
        );
        const reader = await connection.runAndReadAll(
          `SELECT * FROM ${quoteIdent(table)} ORDER BY rowid LIMIT ${previewRows}`,
        );
        const sampleRows = readerRowsToCells(reader);
        if (sampleRows.length === 0) {
          throw new InvalidInputError(
            scan.headerNames === undefined
              ? `${fileLabel(sourcePath)} has no rows. Choose a file that has data.`
              : `${fileLabel(sourcePath)} has a header but no rows. Choose a file that has data below the header line.`,
            { file: sourcePath },
          );
        }
        return { format: scan.format, columns, sampleRows };
      } finally {
        await dropStage(connection, table);
      }
    });
  } finally {
    ownDb?.closeSync();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
