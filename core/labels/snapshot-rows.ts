import type { DatasetVersion } from '../contract/index.js';
import { withConnection } from '../data/duck.js';
import { quoteIdent } from '../data/sql.js';
import type { LabelFileStores } from './types.js';

export interface ImageRow {
  readonly rowId: number;
  /** Relative to the imported folder, `/`-separated. */
  readonly path: string;
  /** sha256 of the image in the object store. */
  readonly image: string;
}

/** An image dataset version: a folder import, whose snapshot has `path` and `image` columns. */
export function isImageVersion(version: DatasetVersion): boolean {
  return (
    version.source.format === 'images' &&
    version.columns.some((c) => c.name === 'path') &&
    version.columns.some((c) => c.name === 'image')
  );
}

/** Image rows of a version in row id order, streamed chunk by chunk (a folder may hold a million images). */
export async function* imageRows(parts: LabelFileStores, version: DatasetVersion): AsyncGenerator<ImageRow> {
  const connection = await parts.duck.connect();
  try {
    const result = await connection.stream(
      `SELECT CAST(${quoteIdent(version.rowIdColumn)} AS DOUBLE), path, image FROM read_parquet($1) ORDER BY 1`,
      [parts.store.pathOf(version.snapshotSha256)],
    );
    for await (const rows of result.yieldRowsJs())
      for (const [rowId, imagePath, image] of rows)
        yield { rowId: Number(rowId), path: String(imagePath), image: String(image) };
  } finally {
    connection.closeSync();
  }
}

/** `path` → row id for an image version, so label files may name images by path. */
export async function rowIdsByPath(
  parts: LabelFileStores,
  version: DatasetVersion,
): Promise<Map<string, number>> {
  return withConnection(parts.duck, async (connection) => {
    const result = await connection.stream(
      `SELECT path, CAST(${quoteIdent(version.rowIdColumn)} AS DOUBLE) FROM read_parquet($1)`,
      [parts.store.pathOf(version.snapshotSha256)],
    );
    const byPath = new Map<string, number>();
    for await (const rows of result.yieldRowsJs())
      for (const [imagePath, rowId] of rows) byPath.set(String(imagePath), Number(rowId));
    return byPath;
  });
}

/** How a label file writes an image path: `/`-separated, without a leading `./`. */
export function normaliseImagePath(raw: string): string {
  return raw
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '');
}
