import { ConflictError, LabelClass, LabelValue, NotFoundError, ScoreRange } from '../contract/index.js';
import type {
  Annotation,
  AnnotationAction,
  LabelItemKind,
  LabelProgress,
  LabelSet,
  LabelTask,
  ParsedLabelSetDefinition,
} from '../contract/index.js';
import { appendAudit } from './audit.js';
import type { RegistryDb } from './database.js';
import { getVersion } from './datasets.js';
import { newId, now } from './ids.js';

interface LabelSetRow {
  id: string;
  dataset_version_id: string;
  name: string;
  definition_json: string;
  item_kind: LabelItemKind;
  created_by: string;
  created_at: string;
  row_count: number;
}

export interface AnnotationRow {
  seq: number;
  id: string;
  label_set_id: string;
  row_id: number;
  annotator: string;
  action: AnnotationAction;
  value_json: string | null;
  undoes: number | null;
  origin: Annotation['origin'];
  created_at: string;
}

const setSelect = `SELECT s.*, v.row_count FROM label_sets s JOIN dataset_versions v ON v.id = s.dataset_version_id`;

function toLabelSet(row: LabelSetRow): LabelSet {
  const d = JSON.parse(row.definition_json) as {
    task: LabelTask;
    classes: unknown[];
    score?: unknown;
    instructions: string;
    textColumn?: string;
    suggestionColumn?: string;
  };
  return {
    id: row.id,
    datasetVersionId: row.dataset_version_id,
    name: row.name,
    task: d.task,
    classes: d.classes.map((c) => LabelClass.parse(c)),
    score: d.score === undefined ? null : ScoreRange.parse(d.score),
    instructions: d.instructions,
    textColumn: d.textColumn ?? null,
    suggestionColumn: d.suggestionColumn ?? null,
    itemKind: row.item_kind,
    itemCount: row.row_count,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export function toAnnotation(row: AnnotationRow): Annotation {
  return {
    seq: row.seq,
    id: row.id,
    labelSetId: row.label_set_id,
    rowId: row.row_id,
    annotator: row.annotator,
    action: row.action,
    value: row.value_json === null ? null : LabelValue.parse(JSON.parse(row.value_json)),
    undoes: row.undoes,
    origin: row.origin,
    createdAt: row.created_at,
  };
}

/** A label set on a dataset version; the definition is already validated against the version's columns. */
export function createLabelSet(
  db: RegistryDb,
  input: {
    datasetVersionId: string;
    definition: ParsedLabelSetDefinition;
    itemKind: LabelItemKind;
    actor: string;
  },
): LabelSet {
  const create = db.transaction((): LabelSet => {
    getVersion(db, input.datasetVersionId);
    const taken = db
      .prepare('SELECT id FROM label_sets WHERE dataset_version_id = ? AND name = ?')
      .get(input.datasetVersionId, input.definition.name) as { id: string } | undefined;
    if (taken)
      throw new ConflictError(
        `This dataset version already has a label set named "${input.definition.name}"; choose another name.`,
        { labelSetId: taken.id },
      );
    const id = newId('lbs');
    db.prepare(
      `INSERT INTO label_sets (id, dataset_version_id, name, definition_json, item_kind, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.datasetVersionId,
      input.definition.name,
      JSON.stringify(input.definition),
      input.itemKind,
      input.actor,
      now(),
    );
    appendAudit(db, {
      actor: input.actor,
      action: 'labels.set_created',
      subjectId: id,
      details: { datasetVersionId: input.datasetVersionId, name: input.definition.name },
    });
    return getLabelSet(db, id);
  });
  return create();
}

export function getLabelSet(db: RegistryDb, labelSetId: string): LabelSet {
  const row = db.prepare(`${setSelect} WHERE s.id = ?`).get(labelSetId) as LabelSetRow | undefined;
  if (!row) throw new NotFoundError(`No label set with id ${labelSetId}.`, { labelSetId });
  return toLabelSet(row);
}

export function listLabelSets(
  db: RegistryDb,
  scope: { projectId?: string | undefined; datasetVersionId?: string | undefined },
): LabelSet[] {
  const rows =
    scope.datasetVersionId !== undefined
      ? (db
          .prepare(`${setSelect} WHERE s.dataset_version_id = ? ORDER BY s.created_at, s.id`)
          .all(scope.datasetVersionId) as LabelSetRow[])
      : (db
          .prepare(
            `${setSelect} JOIN datasets d ON d.id = v.dataset_id WHERE d.project_id = ? ORDER BY s.created_at, s.id`,
          )
          .all(scope.projectId ?? '') as LabelSetRow[]);
  return rows.map(toLabelSet);
}

export interface NewAnnotation {
  readonly id: string;
  readonly rowId: number;
  readonly annotator: string;
  readonly action: AnnotationAction;
  readonly value: LabelValue | null;
  readonly undoes?: number | undefined;
  /** Check that the item's current annotation (this annotator's, or the review) is still this seq. */
  readonly expectedSeq?: number | null | undefined;
  /** When imported: the time the colleague made it. */
  readonly createdAt?: string | undefined;
}

export interface AppendResult {
  readonly annotations: Annotation[];
  /** Ids already in the log: stored once, so these were not added again. */
  readonly alreadyPresent: number;
}

function currentSeq(db: RegistryDb, labelSetId: string, a: NewAnnotation): number | null {
  const row =
    a.action === 'review'
      ? (db
          .prepare('SELECT seq FROM current_reviews WHERE label_set_id = ? AND row_id = ?')
          .get(labelSetId, a.rowId) as { seq: number } | undefined)
      : (db
          .prepare('SELECT seq FROM current_labels WHERE label_set_id = ? AND annotator = ? AND row_id = ?')
          .get(labelSetId, a.annotator, a.rowId) as { seq: number } | undefined);
  return row?.seq ?? null;
}

/**
 * Appends annotations in one transaction: all are written or none. A write whose `expectedSeq`
 * no longer matches the item is refused with `conflict` (the item changed in another window),
 * with the current annotation in the details — unless `force`.
 */
export function appendAnnotations(
  db: RegistryDb,
  labelSetId: string,
  inputs: readonly NewAnnotation[],
  options: { origin: Annotation['origin']; force?: boolean | undefined },
): AppendResult {
  const byId = db.prepare('SELECT * FROM annotations WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO annotations (id, label_set_id, row_id, annotator, action, value_json, undoes, origin, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const append = db.transaction((): AppendResult => {
    const written: Annotation[] = [];
    let alreadyPresent = 0;
    for (const a of inputs) {
      const existing = byId.get(a.id) as AnnotationRow | undefined;
      if (existing) {
        if (
          existing.label_set_id !== labelSetId ||
          existing.row_id !== a.rowId ||
          existing.annotator !== a.annotator
        )
          throw new ConflictError(
            `Annotation id ${a.id} is already used by another annotation; make a fresh id (a UUID) for each annotation.`,
            { id: a.id },
          );
        alreadyPresent += 1;
        written.push(toAnnotation(existing));
        continue;
      }
      if (a.expectedSeq !== undefined && !options.force) {
        const seq = currentSeq(db, labelSetId, a);
        if (seq !== a.expectedSeq) {
          const current =
            seq === null
              ? null
              : toAnnotation(db.prepare('SELECT * FROM annotations WHERE seq = ?').get(seq) as AnnotationRow);
          throw new ConflictError(
            `Item ${a.rowId} was changed elsewhere (another window or import) since you saw it; ` +
              `reload it, or keep yours to write over it.`,
            { rowId: a.rowId, expectedSeq: a.expectedSeq, current },
          );
        }
      }
      const row = insert.get(
        a.id,
        labelSetId,
        a.rowId,
        a.annotator,
        a.action,
        a.value === null ? null : canonicalValueJson(a.value),
        a.undoes ?? null,
        options.origin,
        a.createdAt ?? now(),
      ) as AnnotationRow;
      written.push(toAnnotation(row));
    }
    return { annotations: written, alreadyPresent };
  });
  return append.immediate();
}

/**
 * The stored form of a value: classes sorted by code unit, so equal labels are equal strings and
 * SQL can compare them (the review queue groups by `value_json`).
 */
export function canonicalValueJson(value: LabelValue): string {
  if ('score' in value) return JSON.stringify({ score: value.score });
  return JSON.stringify({ classes: [...value.classes].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) });
}

/** Each given item's current annotation by this annotator (absent when none). */
export function currentAnnotations(
  db: RegistryDb,
  labelSetId: string,
  annotator: string,
  rowIds: readonly number[],
): Map<number, Annotation> {
  const result = new Map<number, Annotation>();
  const select = db.prepare(
    `SELECT a.* FROM current_labels c JOIN annotations a ON a.seq = c.seq
     WHERE c.label_set_id = ? AND c.annotator = ? AND c.row_id = ?`,
  );
  for (const rowId of rowIds) {
    const row = select.get(labelSetId, annotator, rowId) as AnnotationRow | undefined;
    if (row) result.set(rowId, toAnnotation(row));
  }
  return result;
}

export function annotationHistory(db: RegistryDb, labelSetId: string, rowId: number): Annotation[] {
  return (
    db
      .prepare('SELECT * FROM annotations WHERE label_set_id = ? AND row_id = ? ORDER BY seq')
      .all(labelSetId, rowId) as AnnotationRow[]
  ).map(toAnnotation);
}

/** The newest annotation's seq in a set's log (0 when it has none), and how many it has up to there. */
export function annotationLogEnd(db: RegistryDb, labelSetId: string): { lastSeq: number; count: number } {
  const row = db
    .prepare(
      'SELECT coalesce(max(seq), 0) AS lastSeq, count(*) AS count FROM annotations WHERE label_set_id = ?',
    )
    .get(labelSetId) as { lastSeq: number; count: number };
  return row;
}

/** One annotation of the log with the id of the annotation it undoes (ids travel between workspaces, seqs do not). */
export interface LoggedAnnotation extends Annotation {
  readonly undoesId: string | null;
}

/**
 * Up to `limit` annotations of a set with `afterSeq < seq ≤ upToSeq`, in log order: one page of the
 * log, read whole, so no statement stays open between pages (better-sqlite3 refuses writes on the
 * connection while one does) and a long reader can yield to the event loop between pages.
 */
export function annotationLogPage(
  db: RegistryDb,
  labelSetId: string,
  afterSeq: number,
  upToSeq: number,
  limit: number,
): LoggedAnnotation[] {
  const rows = db
    .prepare(
      `SELECT a.*, u.id AS undoes_id FROM annotations a LEFT JOIN annotations u ON u.seq = a.undoes
       WHERE a.label_set_id = ? AND a.seq > ? AND a.seq <= ? ORDER BY a.seq LIMIT ?`,
    )
    .all(labelSetId, afterSeq, upToSeq, limit) as (AnnotationRow & { undoes_id: string | null })[];
  return rows.map((row) => ({ ...toAnnotation(row), undoesId: row.undoes_id }));
}

export interface CurrentLabel {
  readonly rowId: number;
  readonly annotator: string;
  readonly seq: number;
  readonly value: LabelValue;
}

/** The annotators' current labels (not skips or clears), ordered by row id then annotator. */
export function currentLabels(db: RegistryDb, labelSetId: string): CurrentLabel[] {
  const rows = db
    .prepare(
      `SELECT row_id, annotator, seq, value_json FROM current_labels
       WHERE label_set_id = ? AND action = 'label' ORDER BY row_id, annotator`,
    )
    .raw()
    .all(labelSetId) as [number, string, number, string][];
  return rows.map(([rowId, annotator, seq, json]) => ({
    rowId,
    annotator,
    seq,
    value: LabelValue.parse(JSON.parse(json)),
  }));
}

/** The latest review of each reviewed item. */
export function currentReviews(db: RegistryDb, labelSetId: string): Map<number, Annotation> {
  const rows = db
    .prepare(`SELECT a.* FROM current_reviews r JOIN annotations a ON a.seq = r.seq WHERE r.label_set_id = ?`)
    .all(labelSetId) as AnnotationRow[];
  return new Map(rows.map((row) => [row.row_id, toAnnotation(row)]));
}

/** The seq of the set's latest annotation (0 when none). */
export function lastSeq(db: RegistryDb, labelSetId: string): number {
  // `+label_set_id` keeps SQLite walking the log backwards by seq (the rowid) rather than reading
  // every entry of the set through the item index to find their maximum.
  const row = db
    .prepare('SELECT seq FROM annotations WHERE +label_set_id = ? ORDER BY seq DESC LIMIT 1')
    .get(labelSetId) as { seq: number } | undefined;
  return row?.seq ?? 0;
}

/**
 * Done/total and per-class counts computed in SQL. The engine answers progress from its label
 * state (`core/labels/label-state.ts`; this query takes ~250 ms on a million labels); this is the
 * reference that state is tested against.
 */
export function labelProgress(db: RegistryDb, set: LabelSet, annotator?: string): LabelProgress {
  const who = annotator === undefined ? '' : 'AND annotator = ?';
  const args: unknown[] = annotator === undefined ? [set.id] : [set.id, annotator];
  const counts = db
    .prepare(
      `SELECT count(DISTINCT CASE WHEN action = 'label' THEN row_id END) AS done,
              count(DISTINCT CASE WHEN action = 'skip' THEN row_id END) AS skipped
       FROM current_labels WHERE label_set_id = ? ${who}`,
    )
    .get(...args) as { done: number; skipped: number };
  const perClassSql =
    set.task === 'score'
      ? `SELECT CAST(json_extract(value_json, '$.score') AS TEXT) AS name, count(*) AS n
         FROM current_labels WHERE label_set_id = ? ${who} AND action = 'label' GROUP BY 1`
      : `SELECT j.value AS name, count(*) AS n
         FROM current_labels c, json_each(c.value_json, '$.classes') j
         WHERE c.label_set_id = ? ${who.replace('annotator', 'c.annotator')} AND c.action = 'label' GROUP BY 1`;
  const perClass: Record<string, number> = {};
  for (const c of set.classes) perClass[c.name] = 0;
  for (const row of db.prepare(perClassSql).all(...args) as { name: string; n: number }[])
    perClass[row.name] = row.n;
  const annotators = db
    .prepare(
      `SELECT annotator AS name, count(*) AS done FROM current_labels
       WHERE label_set_id = ? AND action = 'label' GROUP BY annotator ORDER BY annotator`,
    )
    .all(set.id) as { name: string; done: number }[];
  return { total: set.itemCount, done: counts.done, skipped: counts.skipped, perClass, annotators };
}

export * from './label-versions.js';
export * from './label-queries.js';
