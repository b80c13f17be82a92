import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { updateToSchemaVersion1 } from './0001-foundation.js';
import { updateToSchemaVersion2 } from './0002-validation.js';

describe('migration 0002-validation', () => {
  it('adds suites, suite versions and validation runs on top of 0001', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    updateToSchemaVersion1(db);
    updateToSchemaVersion2(db);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['validation_suites', 'suite_versions', 'validation_runs']),
    );
  });

  it('refuses a run status outside passed/failed and a suite of a missing dataset', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    updateToSchemaVersion1(db);
    updateToSchemaVersion2(db);
    expect(() =>
      db
        .prepare(
          "INSERT INTO validation_suites (id, dataset_id, name, created_at) VALUES ('s', 'nope', 'n', 't')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO validation_runs (id, dataset_version_id, suite_version_id, status, results_json, duration_ms, created_at) VALUES ('r', 'v', 's', 'meh', '[]', 1, 't')",
        )
        .run(),
    ).toThrow(/CHECK|FOREIGN KEY/);
  });
});
