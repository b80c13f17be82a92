import type { Database } from 'better-sqlite3';

/** Validation suites (versioned, immutable definitions) and the runs of suite versions on dataset versions. */
export const schemaVersion2Sql = `
    CREATE TABLE validation_suites (
      id TEXT PRIMARY KEY,
      dataset_id TEXT NOT NULL REFERENCES datasets(id),
      name TEXT NOT NULL,
      -- Training on a version of the dataset is refused while this suite failed on it.
      required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
      created_at TEXT NOT NULL,
      UNIQUE (dataset_id, name)
    );

    CREATE TABLE suite_versions (
      id TEXT PRIMARY KEY,
      suite_id TEXT NOT NULL REFERENCES validation_suites(id),
      number INTEGER NOT NULL CHECK (number > 0),
      definition_json TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (suite_id, number)
    );

    CREATE TABLE validation_runs (
      id TEXT PRIMARY KEY,
      dataset_version_id TEXT NOT NULL REFERENCES dataset_versions(id),
      suite_version_id TEXT NOT NULL REFERENCES suite_versions(id),
      status TEXT NOT NULL CHECK (status IN ('passed', 'failed')),
      results_json TEXT NOT NULL,
      duration_ms REAL NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX validation_runs_by_version ON validation_runs(dataset_version_id, created_at);
`;

export function updateToSchemaVersion2(db: Database): void {
  db.exec(schemaVersion2Sql);
}
