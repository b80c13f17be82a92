import type { DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type { CellValue, DatasetVersion, ImageRef, LabelItem, LabelSet } from '../contract/index.js';
import { readerRowsToCells } from '../data/cells.js';
import { rowIdColumn } from '../data/column-types.js';
import { withConnection } from '../data/duck.js';
import { quoteIdent } from '../data/sql.js';
import type { ObjectStore, RegistryDb } from '../registry/index.js';
import { currentAnnotations, imageRefs } from '../registry/index.js';
import { imageColumn, suggestionFor } from './label-set-rules.js';
import type { VersionPredictions } from './predictions.js';

export type RowValues = Record<string, CellValue>;

export interface ItemSources {
  readonly db: RegistryDb;
  readonly duck: DuckDBInstance;
  readonly store: ObjectStore;
}

/** Keys further apart than this are read by separate queries (a row group holds 122,880 rows). */
const clusterGap = 65_536;

/**
 * Rows of `from` whose integer `key` column is one of `keys`, every key bound as a parameter. Keys
 * are read in clusters of nearby values, each query stating its cluster's range beside the list:
 * the source is stored in key order, so DuckDB skips every row group outside the range by its
 * statistics, and a page with one far-off item (an item cleared long ago) reads two row groups,
 * not the whole file.
 */
export async function selectByKeys(
  duck: DuckDBInstance,
  from: string,
  fromParams: readonly DuckDBValue[],
  key: string,
  keys: readonly number[],
  names: readonly string[],
): Promise<Map<number, RowValues>> {
  const result = new Map<number, RowValues>();
  const sorted = [...new Set(keys)].sort((x, y) => x - y);
  const clusters: number[][] = [];
  for (const k of sorted) {
    const last = clusters.at(-1);
    if (last && k - last.at(-1)! <= clusterGap) last.push(k);
    else clusters.push([k]);
  }
  const keyIndex = names.indexOf(key);
  await withConnection(duck, async (connection) => {
    for (const cluster of clusters) {
      const params: DuckDBValue[] = [...fromParams, cluster[0]!, cluster.at(-1)!];
      const first = params.length - 1;
      const list = cluster.map((k) => {
        params.push(k);
        return `$${params.length}`;
      });
      const sql =
        `SELECT ${names.map(quoteIdent).join(', ')} FROM ${from} ` +
        `WHERE ${quoteIdent(key)} BETWEEN $${first} AND $${first + 1} AND ${quoteIdent(key)} IN (${list.join(', ')})`;
      for (const cells of readerRowsToCells(await connection.runAndReadAll(sql, params))) {
        const values: RowValues = {};
        names.forEach((name, index) => (values[name] = cells[index] ?? null));
        result.set(Number(cells[keyIndex]), values);
      }
    }
  });
  return result;
}

/** The snapshot's columns, `_row_id` first: what an item's `values` hold. */
export function itemColumns(version: DatasetVersion): string[] {
  return [rowIdColumn, ...version.columns.map((c) => c.name).filter((name) => name !== rowIdColumn)];
}

/** The given rows of a version's Parquet snapshot, by row id. */
export function readRows(
  duck: DuckDBInstance,
  store: ObjectStore,
  version: DatasetVersion,
  rowIds: readonly number[],
): Promise<Map<number, RowValues>> {
  return selectByKeys(
    duck,
    'read_parquet($1)',
    [store.pathOf(version.snapshotSha256)],
    rowIdColumn,
    rowIds,
    itemColumns(version),
  );
}

/** Image refs of image items: the `images` row of the sha256 in the `image` column. */
export function imagesOf(
  db: RegistryDb,
  set: LabelSet,
  rows: ReadonlyMap<number, RowValues>,
): Map<number, ImageRef> {
  const result = new Map<number, ImageRef>();
  if (set.itemKind !== 'image') return result;
  const shaOf = (values: RowValues) => (typeof values[imageColumn] === 'string' ? values[imageColumn] : null);
  const refs = imageRefs(
    db,
    [...rows.values()].map(shaOf).filter((sha): sha is string => sha !== null),
  );
  for (const [rowId, values] of rows) {
    const sha = shaOf(values);
    const ref = sha === null ? undefined : (refs.get(sha) ?? refFromRow(sha, values));
    if (ref) result.set(rowId, ref);
  }
  return result;
}

/** The snapshot row carries the same width, height and format, should the `images` row be missing. */
function refFromRow(sha256: string, values: RowValues): ImageRef | undefined {
  const { width, height, format } = values;
  if (typeof width !== 'number' || typeof height !== 'number' || width <= 0 || height <= 0) return undefined;
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') return undefined;
  return { sha256, width, height, format };
}

/**
 * Items as the labelling view shows them: the row's values, its image, this annotator's current
 * annotation (whose seq the view sends back as `expectedSeq`), the suggestion and, in a
 * least-confident queue, the model's guess.
 */
export function buildItems(
  db: RegistryDb,
  set: LabelSet,
  annotator: string,
  entries: readonly { rowId: number; position: number }[],
  rows: ReadonlyMap<number, RowValues>,
  predictions: VersionPredictions | null = null,
): LabelItem[] {
  const rowIds = entries.map((e) => e.rowId);
  const images = imagesOf(db, set, rows);
  const current = currentAnnotations(db, set.id, annotator, rowIds);
  return entries.map(({ rowId, position }) => {
    const values = rows.get(rowId) ?? { [rowIdColumn]: rowId };
    const confidence = predictions?.confidence[rowId];
    return {
      rowId,
      position,
      values,
      image: images.get(rowId) ?? null,
      current: current.get(rowId) ?? null,
      suggestion: set.suggestionColumn === null ? null : suggestionFor(set, values[set.suggestionColumn]),
      prediction:
        predictions && confidence !== undefined && !Number.isNaN(confidence)
          ? { label: predictions.labels[predictions.top[rowId]!] ?? '', confidence }
          : null,
    };
  });
}
