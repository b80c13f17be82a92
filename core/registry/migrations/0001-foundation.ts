import type { Database } from 'better-sqlite3';

/** Projects, datasets and their versions, the object index, jobs, and the append-only audit log. */
export const schemaVersion1Sql = `
    CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      created_at TEXT NOT NULL
    );

    CREATE TABLE objects (
      sha256 TEXT PRIMARY KEY,
      size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
      media_type TEXT NOT NULL,
      created_at TEXT NOT NULL
    );

    CREATE TABLE datasets (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (project_id, name)
    );

    CREATE TABLE dataset_versions (
      id TEXT PRIMARY KEY,
      dataset_id TEXT NOT NULL REFERENCES datasets(id),
      number INTEGER NOT NULL CHECK (number > 0),
      parent_id TEXT REFERENCES dataset_versions(id),
      snapshot_sha256 TEXT NOT NULL REFERENCES objects(sha256),
      row_count INTEGER NOT NULL CHECK (row_count >= 0),
      columns_json TEXT NOT NULL,
      source_path TEXT NOT NULL,
      source_format TEXT NOT NULL,
      source_size_bytes INTEGER NOT NULL,
      source_sha256 TEXT NOT NULL,
      -- Identifies the import options, so the same file read differently is a different version.
      import_key TEXT NOT NULL,
      warnings_json TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (dataset_id, number),
      UNIQUE (dataset_id, import_key)
    );

    CREATE TABLE dataset_profiles (
      version_id TEXT PRIMARY KEY REFERENCES dataset_versions(id),
      profile_json TEXT NOT NULL,
      computed_at TEXT NOT NULL
    );

    CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
      params_json TEXT NOT NULL,
      progress REAL NOT NULL DEFAULT 0,
      message TEXT NOT NULL DEFAULT '',
      error_json TEXT,
      result_json TEXT,
      -- The engine process that owns the job; a dead owner means the job was interrupted.
      owner_pid INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT
    );
    CREATE INDEX jobs_by_status ON jobs(status);

    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      subject_id TEXT,
      details_json TEXT NOT NULL
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export function updateToSchemaVersion1(db: Database): void {
  db.exec(schemaVersion1Sql);
}
