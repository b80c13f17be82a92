import type { Database } from 'better-sqlite3';

/** Training runs (with their epochs) and the model versions finished runs register. */
export const schemaVersion3Sql = `
    CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      parent_run_id TEXT REFERENCES runs(id),
      name TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
      job_id TEXT REFERENCES jobs(id),
      config_json TEXT NOT NULL,
      dataset_version_id TEXT NOT NULL REFERENCES dataset_versions(id),
      dataset_snapshot_sha256 TEXT NOT NULL,
      backend_json TEXT,
      environment_json TEXT,
      summary_json TEXT NOT NULL DEFAULT '{}',
      error TEXT,
      created_at TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE INDEX runs_by_project ON runs(project_id, created_at);

    CREATE TABLE run_epochs (
      run_id TEXT NOT NULL REFERENCES runs(id),
      epoch INTEGER NOT NULL,
      metrics_json TEXT NOT NULL,
      seconds REAL NOT NULL,
      samples_per_second REAL NOT NULL,
      PRIMARY KEY (run_id, epoch)
    );

    CREATE TABLE model_versions (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      run_id TEXT NOT NULL UNIQUE REFERENCES runs(id),
      name TEXT NOT NULL,
      number INTEGER NOT NULL CHECK (number > 0),
      task TEXT NOT NULL,
      artifact_sha256 TEXT NOT NULL REFERENCES objects(sha256),
      signature_json TEXT NOT NULL,
      evaluation_json TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (project_id, name, number)
    );
`;

export function updateToSchemaVersion3(db: Database): void {
  db.exec(schemaVersion3Sql);
}
