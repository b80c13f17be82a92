import type { DatasetVersion, LabelSet, ReviewItem } from '../contract/index.js';
import { rowIdColumn } from '../data/column-types.js';
import { reviewsOfRows } from '../registry/index.js';
import { imagesOf, readRows } from './items.js';
import type { ItemSources } from './items.js';
import { rowIndex } from './label-state.js';
import type { LabelTable } from './label-state.js';

/**
 * Items two or more annotators labelled differently, by row id: those no reviewer decided yet, or
 * (with `includeReviewed`) all of them. Values are stored canonically, so two labels differ exactly
 * when their value indexes do.
 */
export function disagreements(
  table: LabelTable,
  reviewed: ReadonlySet<number>,
  includeReviewed: boolean,
): number[] {
  const k = table.annotators.length;
  const found: number[] = [];
  table.rowIds.forEach((rowId, i) => {
    let first = -1;
    let differ = false;
    for (let j = 0; j < k; j++) {
      const code = table.cells[i * k + j]!;
      if (code < 0) continue;
      if (first < 0) first = code;
      else if (code !== first) differ = true;
    }
    if (differ && (includeReviewed || !reviewed.has(rowId))) found.push(rowId);
  });
  return found;
}

/**
 * One page of the review queue, each item with every vote and the latest review; only the page's
 * rows are read from the snapshot.
 */
export async function reviewQueue(
  sources: ItemSources,
  set: LabelSet,
  version: DatasetVersion,
  current: { table: LabelTable; reviewed: ReadonlySet<number> },
  page: { offset: number; limit: number; includeReviewed: boolean },
): Promise<{ items: ReviewItem[]; total: number }> {
  const { table } = current;
  const all = disagreements(table, current.reviewed, page.includeReviewed);
  const rowIds = all.slice(page.offset, page.offset + page.limit);
  const reviews = reviewsOfRows(sources.db, set.id, rowIds);
  const rows = await readRows(sources.duck, sources.store, version, rowIds);
  const images = imagesOf(sources.db, set, rows);
  const k = table.annotators.length;
  const items = rowIds.map((rowId) => {
    const i = rowIndex(table, rowId);
    return {
      rowId,
      values: rows.get(rowId) ?? { [rowIdColumn]: rowId },
      image: images.get(rowId) ?? null,
      votes: table.annotators.flatMap((annotator, j) => {
        const code = table.cells[i * k + j]!;
        return code < 0 ? [] : [{ annotator, value: table.values[code]! }];
      }),
      review: reviews.get(rowId) ?? null,
    };
  });
  return { items, total: all.length };
}
