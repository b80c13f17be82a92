import type { FreezePolicy, LabelSet, LabelValue } from '../contract/index.js';
import { frozenLabel, labelKey } from './label-set-rules.js';
import { rowIndex } from './label-state.js';
import type { LabelTable } from './label-state.js';

/**
 * How a frozen version settles each item (docs/labelling.md, "Label versions"): a reviewer's label
 * wins; otherwise `agreed` takes an item whose annotators all gave the same label, `majority` the
 * most common label, a tie staying unresolved. Pure, so the policy is tested without a database.
 */

export interface Settled {
  /** Settled items in row id order. */
  readonly labels: readonly (readonly [rowId: number, value: LabelValue])[];
  /** Items with labels that the policy could not settle. */
  readonly unresolved: number;
  /** Items anyone labelled or reviewed (settled or not). */
  readonly touched: number;
}

/** The item's settled value among its annotators' labels (value indexes), or null. */
function settleItem(keys: readonly string[], codes: readonly number[], policy: FreezePolicy): number | null {
  const tally = new Map<string, { code: number; count: number }>();
  for (const code of codes) {
    const entry = tally.get(keys[code]!);
    if (entry) entry.count += 1;
    else tally.set(keys[code]!, { code, count: 1 });
  }
  const ranked = [...tally.values()].sort((a, b) => b.count - a.count);
  if (ranked.length === 1) return ranked[0]!.code;
  if (policy === 'agreed' || ranked.length === 0) return null;
  return ranked[0]!.count > ranked[1]!.count ? ranked[0]!.code : null;
}

export function settleLabels(
  set: Pick<LabelSet, 'task'>,
  table: LabelTable,
  reviews: ReadonlyMap<number, LabelValue>,
  policy: FreezePolicy,
): Settled {
  const k = table.annotators.length;
  const keys = table.values.map((value) => labelKey(set, value));
  const settled: [number, LabelValue][] = [];
  let unresolved = 0;
  table.rowIds.forEach((rowId, i) => {
    const review = reviews.get(rowId);
    if (review) return void settled.push([rowId, review]);
    const codes = Array.from(table.cells.subarray(i * k, (i + 1) * k)).filter((code) => code >= 0);
    const code = settleItem(keys, codes, policy);
    if (code === null) unresolved += 1;
    else settled.push([rowId, table.values[code]!]);
  });
  // An item a reviewer labelled though no annotator's label stands (e.g. all were cleared) is settled too.
  let reviewOnly = 0;
  for (const [rowId, value] of reviews) {
    if (rowIndex(table, rowId) >= 0) continue;
    settled.push([rowId, value]);
    reviewOnly += 1;
  }
  settled.sort((a, b) => a[0] - b[0]);
  return { labels: settled, unresolved, touched: table.rowIds.length + reviewOnly };
}

/** One canonical JSONL line: `{"row_id":N,"label":…}` (class, sorted class list, or number). */
export function frozenLine(set: Pick<LabelSet, 'task'>, rowId: number, value: LabelValue): string {
  return `${JSON.stringify({ row_id: rowId, label: frozenLabel(set, value) })}\n`;
}

/** Settled items per class (each class of a multi-label counts), or per score value. */
export function classCounts(
  set: Pick<LabelSet, 'classes'>,
  labels: Settled['labels'],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of set.classes) counts[c.name] = 0;
  for (const [, value] of labels) {
    const keys = 'score' in value ? [String(value.score)] : value.classes;
    for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
