import { NotFoundError } from '../contract/index.js';
import type { Annotation, ImageRef } from '../contract/index.js';
import type { RegistryDb } from './database.js';
import { toAnnotation } from './labels.js';
import type { AnnotationRow } from './labels.js';

/**
 * Read-side queries of labelling. The engine keeps each set's current labels in typed arrays
 * (`core/labels/label-state.ts`); these queries build and refresh them without turning a million
 * rows into a million JS objects. Values are stored canonically (`canonicalValueJson`), so equal
 * labels are equal strings.
 */

/** One entry of the log as the engine's caches replay it. */
export type LoggedAction = readonly [
  seq: number,
  rowId: number,
  annotator: string,
  action: Annotation['action'],
  valueJson: string | null,
];

/*
 * `+label_set_id` in these queries stops SQLite from preferring the item index for the set filter:
 * the log must be read by seq (the rowid), which touches only the new entries.
 */

/** How many annotations of the set came after `afterSeq` (to choose between replaying and reloading). */
export function countSince(db: RegistryDb, labelSetId: string, afterSeq: number): number {
  return (
    db
      .prepare('SELECT count(*) AS n FROM annotations WHERE seq > ? AND +label_set_id = ?')
      .get(afterSeq, labelSetId) as {
      n: number;
    }
  ).n;
}

/**
 * Annotations of a set after `afterSeq`, in log order, and the log's last seq when read (so a
 * caller's next read starts there even when only other sets were written).
 */
export function annotationsSince(
  db: RegistryDb,
  labelSetId: string,
  afterSeq: number,
): { logged: LoggedAction[]; upToSeq: number } {
  const read = db.transaction(() => {
    const upToSeq = Math.max(afterSeq, globalLastSeq(db));
    const logged = db
      .prepare(
        `SELECT seq, row_id, annotator, action, value_json FROM annotations
         WHERE seq > ? AND seq <= ? AND +label_set_id = ? ORDER BY seq`,
      )
      .raw()
      .all(afterSeq, upToSeq, labelSetId) as LoggedAction[];
    return { logged, upToSeq };
  });
  return read.deferred();
}

function globalLastSeq(db: RegistryDb): number {
  return (db.prepare('SELECT max(seq) AS seq FROM annotations').get() as { seq: number | null }).seq ?? 0;
}

/** Every annotator's current state of a set (see `currentStateSnapshot`). */
export interface StateSnapshot {
  /** The distinct current values (canonical JSON); a code ≥ 0 indexes this list. */
  readonly values: readonly string[];
  /** Per annotator, their items and each item's code: −2 skipped, −1 cleared, ≥ 0 a value. */
  readonly annotators: readonly {
    readonly name: string;
    readonly rowIds: Uint32Array;
    readonly codes: Int32Array;
  }[];
  /** The log's last seq when read: everything up to it is in the snapshot. */
  readonly upToSeq: number;
}

/** Past this many characters of distinct values, `instr` over them costs more than it saves. */
const maxPackedValueChars = 1 << 16;

/**
 * Every current label, skip and clear of a set, read in one transaction. Each row comes back from
 * SQLite as one number — row id and value packed, the value found by `instr` in the list of
 * distinct values — because materialising a million rows as strings took seconds, plain numbers a
 * fraction of that.
 */
export function currentStateSnapshot(db: RegistryDb, labelSetId: string): StateSnapshot {
  const read = db.transaction((): StateSnapshot => {
    const upToSeq = globalLastSeq(db);
    const values = db
      .prepare(
        'SELECT DISTINCT value_json FROM current_labels WHERE label_set_id = ? AND value_json IS NOT NULL',
      )
      .pluck()
      .all(labelSetId) as string[];
    const names = db
      .prepare('SELECT DISTINCT annotator FROM current_labels WHERE label_set_id = ?')
      .pluck()
      .all(labelSetId) as string[];
    // JSON text never holds a raw U+0001, so it delimits whole values in one searchable string.
    const joined = `\u0001${values.join('\u0001')}\u0001`;
    if (joined.length > maxPackedValueChars)
      return { values, annotators: unpackedState(db, labelSetId, names, values), upToSeq };
    const valueAt = new Map<number, number>();
    let at = 1;
    values.forEach((value, index) => {
      valueAt.set(at, index);
      at += [...value].length + 1; // instr counts characters, not UTF-16 units
    });
    const radix = joined.length + 2;
    const select = db
      .prepare(
        `SELECT row_id * $radix + CASE action WHEN 'skip' THEN 0 WHEN 'clear' THEN 1
           ELSE 1 + instr($joined, char(1) || value_json || char(1)) END
         FROM current_labels WHERE label_set_id = $set AND annotator = $annotator`,
      )
      .pluck();
    const annotators = names.map((name) => {
      const packed = select.all({ radix, joined, set: labelSetId, annotator: name }) as number[];
      const rowIds = new Uint32Array(packed.length);
      const codes = new Int32Array(packed.length);
      packed.forEach((p, i) => {
        const rowId = Math.floor(p / radix);
        const code = p - rowId * radix;
        rowIds[i] = rowId;
        codes[i] = code === 0 ? -2 : code === 1 ? -1 : valueAt.get(code - 1)!;
      });
      return { name, rowIds, codes };
    });
    return { values, annotators, upToSeq };
  });
  return read.deferred();
}

/** The plain path, for sets with very many distinct values (e.g. fine-grained scores). */
function unpackedState(
  db: RegistryDb,
  labelSetId: string,
  names: readonly string[],
  values: readonly string[],
) {
  const index = new Map(values.map((value, i) => [value, i]));
  const select = db
    .prepare('SELECT row_id, action, value_json FROM current_labels WHERE label_set_id = ? AND annotator = ?')
    .raw();
  return names.map((name) => {
    const rows = select.all(labelSetId, name) as [number, Annotation['action'], string | null][];
    const rowIds = Uint32Array.from(rows, (r) => r[0]);
    const codes = Int32Array.from(rows, ([, action, json]) =>
      action === 'skip' ? -2 : action === 'clear' || json === null ? -1 : index.get(json)!,
    );
    return { name, rowIds, codes };
  });
}

/** One annotation of a set by its seq (e.g. the one an undo names). */
export function getAnnotation(db: RegistryDb, labelSetId: string, seq: number): Annotation {
  const row = db
    .prepare('SELECT * FROM annotations WHERE seq = ? AND label_set_id = ?')
    .get(seq, labelSetId) as AnnotationRow | undefined;
  if (!row) throw new NotFoundError(`Label set ${labelSetId} has no annotation ${seq}.`, { seq });
  return toAnnotation(row);
}

/** The annotators' current labels of the given items: rowId → [annotator, valueJson] by annotator. */
export function labelsOfRows(
  db: RegistryDb,
  labelSetId: string,
  rowIds: readonly number[],
): Map<number, [string, string][]> {
  const select = db.prepare(
    `SELECT annotator, value_json FROM current_labels
     WHERE label_set_id = ? AND row_id = ? AND action = 'label' ORDER BY annotator`,
  );
  return new Map(rowIds.map((rowId) => [rowId, select.raw().all(labelSetId, rowId) as [string, string][]]));
}

/** The latest review of each given item that has one. */
export function reviewsOfRows(
  db: RegistryDb,
  labelSetId: string,
  rowIds: readonly number[],
): Map<number, Annotation> {
  const select = db.prepare(
    `SELECT a.* FROM current_reviews r JOIN annotations a ON a.seq = r.seq WHERE r.label_set_id = ? AND r.row_id = ?`,
  );
  const result = new Map<number, Annotation>();
  for (const rowId of rowIds) {
    const row = select.get(labelSetId, rowId) as AnnotationRow | undefined;
    if (row) result.set(rowId, toAnnotation(row));
  }
  return result;
}

/** Size and format of registered images (the image import writes `images`); unknown hashes are absent. */
export function imageRefs(db: RegistryDb, sha256s: readonly string[]): Map<string, ImageRef> {
  const select = db.prepare('SELECT sha256, width, height, format FROM images WHERE sha256 = ?');
  const result = new Map<string, ImageRef>();
  for (const sha256 of new Set(sha256s)) {
    const row = select.get(sha256) as ImageRef | undefined;
    if (row)
      result.set(sha256, { sha256: row.sha256, width: row.width, height: row.height, format: row.format });
  }
  return result;
}

/**
 * The newest classification model trained on any version of this dataset version's dataset,
 * preferring models trained on this very version; null when there is none.
 */
export function latestClassifierFor(db: RegistryDb, datasetVersionId: string): string | null {
  const row = db
    .prepare(
      `SELECT m.id FROM model_versions m
       JOIN runs r ON r.id = m.run_id
       JOIN dataset_versions trained ON trained.id = r.dataset_version_id
       JOIN dataset_versions here ON here.id = ? AND here.dataset_id = trained.dataset_id
       WHERE m.task IN ('binary', 'multiclass', 'image_classification')
       ORDER BY (r.dataset_version_id = here.id) DESC, m.created_at DESC, m.id DESC LIMIT 1`,
    )
    .get(datasetVersionId) as { id: string } | undefined;
  return row?.id ?? null;
}

/** Whether any model at all was trained on this dataset (to say "train one" or "train a classifier"). */
export function hasModelFor(db: RegistryDb, datasetVersionId: string): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM model_versions m JOIN runs r ON r.id = m.run_id
         JOIN dataset_versions trained ON trained.id = r.dataset_version_id
         JOIN dataset_versions here ON here.id = ? AND here.dataset_id = trained.dataset_id LIMIT 1`,
      )
      .get(datasetVersionId) !== undefined
  );
}
