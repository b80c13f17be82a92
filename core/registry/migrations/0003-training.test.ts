import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { updateToSchemaVersion1 } from './0001-foundation.js';
import { updateToSchemaVersion2 } from './0002-validation.js';
import { updateToSchemaVersion3 } from './0003-training.js';

function migrated() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  updateToSchemaVersion1(db);
  updateToSchemaVersion2(db);
  updateToSchemaVersion3(db);
  return db;
}

describe('migration 0003-training', () => {
  it('adds runs, their epochs and model versions', () => {
    const tables = (
      migrated().prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['runs', 'run_epochs', 'model_versions']));
  });

  it('refuses a run of a missing project and an unknown status', () => {
    const db = migrated();
    const insert = (project: string, status: string) =>
      db
        .prepare(
          `INSERT INTO runs (id, project_id, name, status, config_json, dataset_version_id, dataset_snapshot_sha256, created_at)
           VALUES ('r', ?, 'n', ?, '{}', 'v', 'h', 't')`,
        )
        .run(project, status);
    expect(() => insert('nope', 'running')).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO projects (id, name, created_at) VALUES ('p', 'p', 't')").run();
    expect(() => insert('p', 'exploded')).toThrow(/CHECK/);
  });
});
