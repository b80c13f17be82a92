import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { updateToSchemaVersion1 } from './0001-foundation.js';
import { updateToSchemaVersion2 } from './0002-validation.js';
import { updateToSchemaVersion3 } from './0003-training.js';
import { updateToSchemaVersion4 } from './0004-labels.js';

function migrated() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  updateToSchemaVersion1(db);
  updateToSchemaVersion2(db);
  updateToSchemaVersion3(db);
  updateToSchemaVersion4(db);
  db.exec(`
    INSERT INTO projects (id, name, created_at) VALUES ('p', 'p', 't');
    INSERT INTO objects (sha256, size_bytes, media_type, created_at) VALUES ('snap', 1, 'application/vnd.apache.parquet', 't');
    INSERT INTO datasets (id, project_id, name, created_at) VALUES ('d', 'p', 'd', 't');
    INSERT INTO dataset_versions (id, dataset_id, number, snapshot_sha256, row_count, columns_json, source_path,
      source_format, source_size_bytes, source_sha256, import_key, warnings_json, created_at)
      VALUES ('v', 'd', 1, 'snap', 3, '[]', '/x', 'csv', 1, 'h', 'k', '[]', 't');
    INSERT INTO label_sets (id, dataset_version_id, name, definition_json, item_kind, created_by, created_at)
      VALUES ('s', 'v', 'animals', '{}', 'row', 'me', 't');
  `);
  return db;
}

function annotate(
  db: Database.Database,
  id: string,
  row: number,
  who: string,
  action: string,
  value: string | null,
) {
  db.prepare(
    `INSERT INTO annotations (id, label_set_id, row_id, annotator, action, value_json, origin, created_at)
     VALUES (?, 's', ?, ?, ?, ?, 'app', 't')`,
  ).run(id, row, who, action, value);
}

describe('migration 0004-labels', () => {
  it('keeps the current label per item and annotator beside the append-only log', () => {
    const db = migrated();
    annotate(db, 'a1', 0, 'ana', 'label', '{"classes":["cat"]}');
    annotate(db, 'a2', 0, 'ana', 'label', '{"classes":["dog"]}');
    annotate(db, 'a3', 0, 'ben', 'skip', null);
    annotate(db, 'a4', 0, 'rita', 'review', '{"classes":["cat"]}');
    const current = db
      .prepare('SELECT annotator, action, value_json FROM current_labels ORDER BY annotator')
      .all();
    expect(current).toEqual([
      { annotator: 'ana', action: 'label', value_json: '{"classes":["dog"]}' },
      { annotator: 'ben', action: 'skip', value_json: null },
    ]);
    expect(db.prepare('SELECT reviewer, value_json FROM current_reviews').all()).toEqual([
      { reviewer: 'rita', value_json: '{"classes":["cat"]}' },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM annotations').get()).toEqual({ n: 4 });
  });

  it('refuses to change or delete an annotation, a label without a value, and a repeated id', () => {
    const db = migrated();
    annotate(db, 'a1', 0, 'ana', 'label', '{"classes":["cat"]}');
    expect(() => db.prepare("UPDATE annotations SET annotator = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM annotations').run()).toThrow(/append-only/);
    expect(() => annotate(db, 'a2', 0, 'ana', 'label', null)).toThrow(/CHECK/);
    expect(() => annotate(db, 'a1', 1, 'ana', 'skip', null)).toThrow(/UNIQUE/);
  });

  it('refuses an annotation of a missing label set and an unknown action', () => {
    const db = migrated();
    expect(() =>
      db
        .prepare(
          `INSERT INTO annotations (id, label_set_id, row_id, annotator, action, origin, created_at)
           VALUES ('x', 'nope', 0, 'ana', 'skip', 'app', 't')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() => annotate(db, 'a9', 0, 'ana', 'shrug', null)).toThrow(/CHECK/);
  });

  it('keeps label versions immutable', () => {
    const db = migrated();
    db.exec(`
      INSERT INTO objects (sha256, size_bytes, media_type, created_at) VALUES ('lv', 1, 'application/jsonl', 't');
      INSERT INTO label_versions (id, label_set_id, number, sha256, policy, item_count, class_counts_json,
        excluded_json, up_to_seq, created_by, created_at)
        VALUES ('l', 's', 1, 'lv', 'agreed', 0, '{}', '{}', 0, 'me', 't');
    `);
    expect(() => db.prepare('UPDATE label_versions SET item_count = 5').run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM label_versions').run()).toThrow(/immutable/);
  });
});
