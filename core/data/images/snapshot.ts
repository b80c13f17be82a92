import { rm } from 'node:fs/promises';
import type { Column } from '../../contract/schemas.js';
import { logicalTypeOf, rowIdColumn } from '../column-types.js';
import { runLongQuery, throwIfAborted, withConnection } from '../duck.js';
import { profileSnapshot } from '../profile.js';
import type { SnapshotProfile } from '../profile.js';
import { quoteIdent, quoteLiteral } from '../sql.js';
import { dropStage, newStageTableName } from '../stage.js';
import type { FolderImage } from './read-folder.js';
import type { DuckDBInstance } from '@duckdb/node-api';

export interface ImageSnapshot {
  /** The snapshot's columns after `_row_id`. */
  readonly columns: Column[];
  readonly rowCount: number;
  readonly profile: SnapshotProfile;
}

/** The pre-label: the name of the image's parent folder, '' for images at the top. */
export function parentFolderName(relativePath: string): string {
  const parts = relativePath.split('/');
  return parts.length > 1 ? (parts[parts.length - 2] as string) : '';
}

type TextColumn = 'image' | 'path' | 'folder' | 'format';
const integerColumns = ['width', 'height', 'size_bytes'] as const;
const columnOrder = ['image', 'path', 'folder', 'width', 'height', 'format', 'size_bytes'] as const;

/** Text columns are categorical or text by the same cardinality rule as any imported column. */
function snapshotColumns(images: readonly FolderImage[]): Column[] {
  const values: Record<TextColumn, (image: FolderImage) => string> = {
    image: (image) => image.sha256,
    path: (image) => image.relativePath,
    folder: (image) => parentFolderName(image.relativePath),
    format: (image) => image.format,
  };
  return columnOrder.map((name): Column => {
    if ((integerColumns as readonly string[]).includes(name))
      return { name, type: 'integer', storageType: 'BIGINT' };
    const read = values[name as TextColumn];
    const distinct = new Set(images.map(read)).size;
    return {
      name,
      type: logicalTypeOf('VARCHAR', { distinct, nonNull: images.length }),
      storageType: 'VARCHAR',
    };
  });
}

/**
 * Writes the snapshot of an image dataset: one row per kept image, `_row_id` in the given (path)
 * order, as zstd Parquet like every other snapshot, then profiles it with the shared profile code.
 * The rows go in through DuckDB's appender into a staging table. On failure no file is left.
 */
export async function writeImageSnapshot(
  db: DuckDBInstance,
  images: readonly FolderImage[],
  outputPath: string,
  signal?: AbortSignal,
): Promise<ImageSnapshot> {
  const columns = snapshotColumns(images);
  const table = newStageTableName();
  try {
    await withConnection(db, async (connection) => {
      try {
        await connection.run(
          `CREATE TABLE ${quoteIdent(table)} (${quoteIdent(rowIdColumn)} BIGINT, image VARCHAR, path VARCHAR, ` +
            'folder VARCHAR, width BIGINT, height BIGINT, format VARCHAR, size_bytes BIGINT)',
        );
        const appender = await connection.createAppender(table);
        try {
          images.forEach((image, rowId) => {
            appender.appendBigInt(BigInt(rowId));
            appender.appendVarchar(image.sha256);
            appender.appendVarchar(image.relativePath);
            appender.appendVarchar(parentFolderName(image.relativePath));
            appender.appendBigInt(BigInt(image.width));
            appender.appendBigInt(BigInt(image.height));
            appender.appendVarchar(image.format);
            appender.appendBigInt(BigInt(image.sizeBytes));
            appender.endRow();
          });
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        throwIfAborted(signal);
        await runLongQuery(
          connection,
          `COPY (SELECT * FROM ${quoteIdent(table)} ORDER BY ${quoteIdent(rowIdColumn)}) TO ${quoteLiteral(outputPath)} ` +
            '(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARQUET_VERSION v2)',
          [],
          { signal },
        );
      } finally {
        await dropStage(connection, table);
      }
    });
    throwIfAborted(signal);
    const profile = await profileSnapshot(db, outputPath, columns);
    throwIfAborted(signal);
    return { columns, rowCount: images.length, profile };
  } catch (error) {
    await rm(outputPath, { force: true });
    throw error;
  }
}
