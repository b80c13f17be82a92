import type { QueueOrder } from '../contract/index.js';
import { mulberry32 } from '../domain/prng.js';

/**
 * Queue orders: a permutation of every row id of a label set, as a Uint32Array (4 bytes an item,
 * so a million-item order is 4 MB and is computed once per dataset version and order, then cached).
 * Position p of the queue shows row `order[p]`. Pure functions; the cache and the data reads that
 * feed them live in `order-cache.ts`.
 */

/** The cache key of an order: everything that decides it (the model too, for least-confident). */
export function orderKey(order: QueueOrder, modelVersionId?: string): string {
  switch (order.kind) {
    case 'sequential':
      return 'sequential';
    case 'random':
      return `random:${order.seed}`;
    case 'stratified':
      return `stratified:${order.seed}:${JSON.stringify(order.column)}`;
    case 'least-confident':
      return `least-confident:${modelVersionId ?? order.modelVersionId ?? ''}`;
  }
}

/** Row ids in file order. */
export function sequentialOrder(itemCount: number): Uint32Array {
  const order = new Uint32Array(itemCount);
  for (let i = 0; i < itemCount; i++) order[i] = i;
  return order;
}

/** Fisher–Yates (Durstenfeld) over `ids` in place, drawing from `random`. */
function shuffleInPlace(ids: Uint32Array, random: () => number): void {
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
  }
}

/** Every row id in a seeded random order: the same seed gives the same queue on every machine. */
export function randomOrder(itemCount: number, seed: number): Uint32Array {
  const order = sequentialOrder(itemCount);
  shuffleInPlace(order, mulberry32(seed));
  return order;
}

/**
 * Stratified by a column: `strata[rowId]` is the row's value index (0 … strataCount − 1, in value
 * order). Rows are shuffled (seeded) within each value, then taken round-robin across values (one
 * of each value in turn, values that ran out dropping away), so every value appears in the first
 * `strataCount` items however rare it is.
 */
export function stratifiedOrder(strata: Int32Array, strataCount: number, seed: number): Uint32Array {
  const sizes = new Uint32Array(strataCount);
  for (const s of strata) sizes[s]! += 1;
  const starts = new Uint32Array(strataCount + 1);
  for (let s = 0; s < strataCount; s++) starts[s + 1] = starts[s]! + sizes[s]!;
  // Counting sort: row ids grouped by value, in row id order within a value (before the shuffle).
  const grouped = new Uint32Array(strata.length);
  const fill = starts.slice(0, strataCount);
  strata.forEach((s, rowId) => (grouped[fill[s]!++] = rowId));
  const random = mulberry32(seed);
  for (let s = 0; s < strataCount; s++) shuffleInPlace(grouped.subarray(starts[s], starts[s + 1]), random);
  const order = new Uint32Array(strata.length);
  let active = Array.from({ length: strataCount }, (_, s) => s).filter((s) => sizes[s]! > 0);
  let at = 0;
  for (let round = 0; active.length > 0; round++) {
    for (const s of active) order[at++] = grouped[starts[s]! + round]!;
    active = active.filter((s) => sizes[s]! > round + 1);
  }
  return order;
}

/** Whether this machine stores the low 32-bit word of a 64-bit integer first. */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Least-confident first: row ids by the model's top-class probability, lowest first, ties by row
 * id. `confidence[rowId]` is that probability (NaN = no prediction, placed last). Sorted as packed
 * 64-bit keys (float bits high, row id low) with the native typed-array sort: non-negative floats
 * order like their bit patterns, and a million keys sort in tens of milliseconds, not a second.
 */
export function leastConfidentOrder(confidence: Float32Array): Uint32Array {
  const n = confidence.length;
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const bits = new Uint32Array(confidence.buffer, confidence.byteOffset, n);
  const [low, high] = littleEndian ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    words[2 * i + high] = Number.isNaN(c) ? 0xffffffff : c <= 0 ? 0 : bits[i]!;
    words[2 * i + low] = i;
  }
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = words[2 * i + low]!;
  return order;
}

/** `positions[rowId]` = the row's position in `order` (for items fetched by row id). */
export function positionsOf(order: Uint32Array): Uint32Array {
  const positions = new Uint32Array(order.length);
  order.forEach((rowId, position) => (positions[rowId] = position));
  return positions;
}

/**
 * Walks the order from position 0 and returns the positions of the first `limit` rows for which
 * `isOpen` holds (the annotator's todo), skipping closed ones without allocating.
 */
export function openPositions(
  order: Uint32Array,
  isOpen: (rowId: number) => boolean,
  limit: number,
): number[] {
  const found: number[] = [];
  for (let p = 0; p < order.length && found.length < limit; p++) if (isOpen(order[p]!)) found.push(p);
  return found;
}
