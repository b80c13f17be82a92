import type { AnnotationAction, LabelProgress, LabelSet, LabelValue } from '../contract/index.js';
import type { RegistryDb, StateSnapshot } from '../registry/index.js';
import {
  annotationsSince,
  canonicalValueJson,
  countSince,
  currentReviews,
  currentStateSnapshot,
  lastSeq,
} from '../registry/index.js';

/**
 * Every annotator's current state of every item of a label set, held in typed arrays and brought
 * up to date by replaying the log after the last seq seen. The view asks for the queue every ~20
 * items and for progress on every keypress; on a million items, recounting `current_labels` in
 * SQL each time costs 100+ ms, replaying the one new annotation costs microseconds. Because the
 * replay reads the log (not this process's own writes), writes by the CLI, an import or another
 * engine on the same workspace are seen too. Agreement, review and freezing read the same arrays.
 */

/** An annotator's code for an item: no label (never, or cleared), skipped, or ≥ 0 = a value index. */
export const openCode = -1;
const skippedCode = -2;

interface AnnotatorState {
  /** Per row id: `openCode`, `skippedCode`, or the index of the current value. */
  readonly codes: Int32Array;
  done: number;
  skipped: number;
  /** Items currently labelled with each value index. */
  readonly perValue: number[];
}

/** The current labels as a matrix: one row per labelled item, one column per annotator. */
export interface LabelTable {
  /** Annotators with at least one current label, sorted. */
  readonly annotators: readonly string[];
  /** Items anyone labelled, ascending. */
  readonly rowIds: Uint32Array;
  /** `rowIds.length × annotators.length`, row-major: a value index, or −1 where not labelled. */
  readonly cells: Int32Array;
  readonly values: readonly LabelValue[];
}

function byCodeUnit(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

export class LabelState {
  /** The last seq of the log this state reflects. */
  upToSeq = 0;
  private readonly annotators = new Map<string, AnnotatorState>();
  /** Per row id: how many annotators currently label / skip it (for "anyone" progress). */
  private readonly labelledBy: Uint32Array;
  private readonly skippedBy: Uint32Array;
  private labelledByAnyone = 0;
  private skippedByAnyone = 0;
  /** Distinct stored values (canonical JSON) → index; each value parsed, and its progress keys. */
  private readonly valueIndex = new Map<string, number>();
  private readonly values: LabelValue[] = [];
  private readonly valueKeys: string[][] = [];

  constructor(private readonly set: Pick<LabelSet, 'itemCount' | 'task' | 'classes'>) {
    this.labelledBy = new Uint32Array(set.itemCount);
    this.skippedBy = new Uint32Array(set.itemCount);
  }

  /** Applies one logged annotation (reviews are not an annotator's own label and are ignored). */
  apply(rowId: number, annotator: string, action: AnnotationAction, valueJson: string | null): void {
    if (action === 'review') return;
    const code =
      action === 'label' && valueJson !== null
        ? this.codeOf(valueJson)
        : action === 'skip'
          ? skippedCode
          : openCode;
    this.setCode(this.annotator(annotator), rowId, code);
  }

  /** Loads a snapshot of current states (a fresh state, or one too far behind to replay). */
  load(snapshot: StateSnapshot): void {
    const codes = snapshot.values.map((json) => this.codeOf(json));
    for (const { name, rowIds, codes: packed } of snapshot.annotators) {
      const state = this.annotator(name);
      rowIds.forEach((rowId, i) => {
        const code = packed[i]!;
        this.setCode(state, rowId, code >= 0 ? codes[code]! : code === -2 ? skippedCode : openCode);
      });
    }
    this.upToSeq = snapshot.upToSeq;
  }

  private setCode(state: AnnotatorState, rowId: number, after: number): void {
    if (rowId >= this.set.itemCount) return;
    const before = state.codes[rowId]!;
    if (before === after) return;
    if (before >= 0) {
      state.done -= 1;
      state.perValue[before]! -= 1;
      if (--this.labelledBy[rowId]! === 0) this.labelledByAnyone -= 1;
    } else if (before === skippedCode) {
      state.skipped -= 1;
      if (--this.skippedBy[rowId]! === 0) this.skippedByAnyone -= 1;
    }
    if (after >= 0) {
      state.done += 1;
      state.perValue[after] = (state.perValue[after] ?? 0) + 1;
      if (this.labelledBy[rowId]!++ === 0) this.labelledByAnyone += 1;
    } else if (after === skippedCode) {
      state.skipped += 1;
      if (this.skippedBy[rowId]!++ === 0) this.skippedByAnyone += 1;
    }
    state.codes[rowId] = after;
  }

  /** The annotator's codes per row id (undefined when they never annotated this set). */
  codesOf(annotator: string): Int32Array | undefined {
    return this.annotators.get(annotator)?.codes;
  }

  /** Items the annotator has neither labelled nor skipped. */
  todo(annotator: string): number {
    const state = this.annotators.get(annotator);
    return this.set.itemCount - (state ? state.done + state.skipped : 0);
  }

  /** Done, skipped and per-class counts for one annotator, or (without one) anyone. */
  progress(annotator?: string): LabelProgress {
    const perClass: Record<string, number> = {};
    for (const c of this.set.classes) perClass[c.name] = 0;
    const count = (state: AnnotatorState) =>
      state.perValue.forEach((n, index) => {
        if (n > 0) for (const key of this.valueKeys[index]!) perClass[key] = (perClass[key] ?? 0) + n;
      });
    const mine = annotator === undefined ? undefined : this.annotators.get(annotator);
    if (annotator === undefined) for (const state of this.annotators.values()) count(state);
    else if (mine) count(mine);
    const annotators = [...this.annotators.entries()]
      .filter(([, state]) => state.done > 0)
      .map(([name, state]) => ({ name, done: state.done }))
      .sort((a, b) => byCodeUnit(a.name, b.name));
    return {
      total: this.set.itemCount,
      done: annotator === undefined ? this.labelledByAnyone : (mine?.done ?? 0),
      skipped: annotator === undefined ? this.skippedByAnyone : (mine?.skipped ?? 0),
      perClass,
      annotators,
    };
  }

  /** The current labels as a matrix, for agreement, review and freezing. */
  table(): LabelTable {
    const names = [...this.annotators.entries()]
      .filter(([, state]) => state.done > 0)
      .map(([name]) => name)
      .sort(byCodeUnit);
    const columns = names.map((name) => this.annotators.get(name)!.codes);
    const rowIds = new Uint32Array(this.labelledByAnyone);
    const cells = new Int32Array(this.labelledByAnyone * names.length);
    let at = 0;
    for (let rowId = 0; rowId < this.set.itemCount; rowId++) {
      if (this.labelledBy[rowId] === 0) continue;
      rowIds[at] = rowId;
      columns.forEach((codes, j) => (cells[at * names.length + j] = Math.max(-1, codes[rowId]!)));
      at += 1;
    }
    return { annotators: names, rowIds, cells, values: this.values };
  }

  private annotator(name: string): AnnotatorState {
    let state = this.annotators.get(name);
    if (!state) {
      state = { codes: new Int32Array(this.set.itemCount).fill(openCode), done: 0, skipped: 0, perValue: [] };
      this.annotators.set(name, state);
    }
    return state;
  }

  private codeOf(valueJson: string): number {
    let code = this.valueIndex.get(valueJson);
    if (code === undefined) {
      code = this.values.length;
      const value = JSON.parse(valueJson) as LabelValue;
      this.values.push(value);
      this.valueKeys.push('score' in value ? [String(value.score)] : value.classes);
      this.valueIndex.set(valueJson, code);
    }
    return code;
  }
}

/** The position of `rowId` in the table (binary search over its ascending row ids), or −1. */
export function rowIndex(table: Pick<LabelTable, 'rowIds'>, rowId: number): number {
  let lo = 0;
  let hi = table.rowIds.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = table.rowIds[mid]!;
    if (at === rowId) return mid;
    if (at < rowId) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A label table from `[rowId, annotator, value]` entries (tests and small inputs). */
export function labelTableOf(entries: readonly (readonly [number, string, LabelValue])[]): LabelTable {
  const itemCount = entries.reduce((max, [rowId]) => Math.max(max, rowId + 1), 0);
  const state = new LabelState({ itemCount, task: 'single', classes: [] });
  for (const [rowId, annotator, value] of entries)
    state.apply(rowId, annotator, 'label', canonicalValueJson(value));
  return state.table();
}

/** How many sets keep their state in memory (each costs ~4 bytes per item per annotator). */
const maxSets = 6;

/** Past this many new annotations (an import, another engine's session), reloading beats replaying. */
const maxReplay = 20_000;

/** The engine's label states, one per set, least recently used dropped first. */
export class LabelStates {
  private readonly states = new Map<string, LabelState>();

  /** The set's state, built on first use and brought up to the log's end. */
  current(db: RegistryDb, set: LabelSet): LabelState {
    let state = this.states.get(set.id);
    if (state) this.states.delete(set.id);
    if (!state || countSince(db, set.id, state.upToSeq) > maxReplay) {
      state = new LabelState(set);
      state.load(currentStateSnapshot(db, set.id));
    }
    this.states.set(set.id, state);
    while (this.states.size > maxSets) this.states.delete(this.states.keys().next().value!);
    const { logged, upToSeq } = annotationsSince(db, set.id, state.upToSeq);
    for (const [, rowId, annotator, action, valueJson] of logged)
      state.apply(rowId, annotator, action, valueJson);
    state.upToSeq = upToSeq;
    return state;
  }
}

/** A set's current labels and reviews, read together, and the set's last seq they reflect. */
export interface CurrentLabels {
  readonly table: LabelTable;
  /** The latest review's value per reviewed item. */
  readonly reviews: ReadonlyMap<number, LabelValue>;
  readonly upToSeq: number;
}

/** Reads a set's current labels and reviews in one transaction, through the engine's states when given. */
export function currentLabelsOf(db: RegistryDb, set: LabelSet, states = new LabelStates()): CurrentLabels {
  const read = db.transaction((): CurrentLabels => {
    const table = states.current(db, set).table();
    const reviews = new Map<number, LabelValue>();
    for (const [rowId, review] of currentReviews(db, set.id))
      if (review.value) reviews.set(rowId, review.value);
    return { table, reviews, upToSeq: lastSeq(db, set.id) };
  });
  return read.deferred();
}
