import type { Database } from 'better-sqlite3';

/**
 * Images (one row per distinct image object), label sets, the append-only annotation log with the
 * current label per item kept beside it by triggers, and frozen label versions.
 */
export const schemaVersion4Sql = `
    CREATE TABLE images (
      sha256 TEXT PRIMARY KEY REFERENCES objects(sha256),
      width INTEGER NOT NULL CHECK (width > 0),
      height INTEGER NOT NULL CHECK (height > 0),
      format TEXT NOT NULL CHECK (format IN ('png','jpeg','webp')),
      -- Longest side 256 px, WebP; made by the import job.
      thumbnail_sha256 TEXT REFERENCES objects(sha256)
    );

    CREATE TABLE label_sets (
      id TEXT PRIMARY KEY,
      dataset_version_id TEXT NOT NULL REFERENCES dataset_versions(id),
      name TEXT NOT NULL,
      definition_json TEXT NOT NULL,
      item_kind TEXT NOT NULL CHECK (item_kind IN ('image','text','row')),
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (dataset_version_id, name)
    );

    CREATE TABLE annotations (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      label_set_id TEXT NOT NULL REFERENCES label_sets(id),
      row_id INTEGER NOT NULL CHECK (row_id >= 0),
      annotator TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('label','skip','clear','review')),
      value_json TEXT,
      undoes INTEGER REFERENCES annotations(seq),
      origin TEXT NOT NULL CHECK (origin IN ('app','cli','import')),
      created_at TEXT NOT NULL,
      CHECK ((action IN ('label','review')) = (value_json IS NOT NULL))
    );
    CREATE INDEX annotations_by_item ON annotations(label_set_id, row_id, seq);
    CREATE TRIGGER annotations_no_update BEFORE UPDATE ON annotations
      BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
    CREATE TRIGGER annotations_no_delete BEFORE DELETE ON annotations
      BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;

    -- Derived from the log (the latest annotation per item and annotator), so the queue and the
    -- progress counts stay cheap on a million items. Only the triggers below write it.
    CREATE TABLE current_labels (
      label_set_id TEXT NOT NULL,
      row_id INTEGER NOT NULL,
      annotator TEXT NOT NULL,
      seq INTEGER NOT NULL,
      action TEXT NOT NULL,
      value_json TEXT,
      PRIMARY KEY (label_set_id, annotator, row_id)
    ) WITHOUT ROWID;
    CREATE INDEX current_labels_by_item ON current_labels(label_set_id, row_id);

    -- The latest review per item, whoever the reviewer.
    CREATE TABLE current_reviews (
      label_set_id TEXT NOT NULL,
      row_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      reviewer TEXT NOT NULL,
      value_json TEXT NOT NULL,
      PRIMARY KEY (label_set_id, row_id)
    ) WITHOUT ROWID;

    CREATE TRIGGER annotations_keep_current AFTER INSERT ON annotations WHEN NEW.action <> 'review'
    BEGIN
      INSERT INTO current_labels (label_set_id, row_id, annotator, seq, action, value_json)
      VALUES (NEW.label_set_id, NEW.row_id, NEW.annotator, NEW.seq, NEW.action, NEW.value_json)
      ON CONFLICT (label_set_id, annotator, row_id) DO UPDATE
        SET seq = excluded.seq, action = excluded.action, value_json = excluded.value_json;
    END;
    CREATE TRIGGER annotations_keep_review AFTER INSERT ON annotations WHEN NEW.action = 'review'
    BEGIN
      INSERT INTO current_reviews (label_set_id, row_id, seq, reviewer, value_json)
      VALUES (NEW.label_set_id, NEW.row_id, NEW.seq, NEW.annotator, NEW.value_json)
      ON CONFLICT (label_set_id, row_id) DO UPDATE
        SET seq = excluded.seq, reviewer = excluded.reviewer, value_json = excluded.value_json;
    END;

    CREATE TABLE label_versions (
      id TEXT PRIMARY KEY,
      label_set_id TEXT NOT NULL REFERENCES label_sets(id),
      number INTEGER NOT NULL CHECK (number > 0),
      -- The canonical JSONL of {row_id, label} lines, in the object store.
      sha256 TEXT NOT NULL REFERENCES objects(sha256),
      policy TEXT NOT NULL CHECK (policy IN ('agreed','majority')),
      item_count INTEGER NOT NULL CHECK (item_count >= 0),
      class_counts_json TEXT NOT NULL,
      excluded_json TEXT NOT NULL,
      up_to_seq INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (label_set_id, number)
    );
    CREATE TRIGGER label_versions_no_update BEFORE UPDATE ON label_versions
      BEGIN SELECT RAISE(ABORT, 'label versions are immutable'); END;
    CREATE TRIGGER label_versions_no_delete BEFORE DELETE ON label_versions
      BEGIN SELECT RAISE(ABORT, 'label versions are immutable'); END;
`;

export function updateToSchemaVersion4(db: Database): void {
  db.exec(schemaVersion4Sql);
}
