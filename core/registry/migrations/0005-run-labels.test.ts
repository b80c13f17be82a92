import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from './index.js';

describe('migration 0005-run-labels', () => {
  it('adds the label version a run trained on, which must exist', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    for (const m of migrations.filter((m) => m.version <= 5)) m.up(db);
    const columns = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['label_version_id', 'label_version_sha256']));
    db.prepare("INSERT INTO projects (id, name, created_at) VALUES ('p', 'p', 't')").run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO runs (id, project_id, name, status, config_json, dataset_version_id, dataset_snapshot_sha256,
             label_version_id, created_at) VALUES ('r', 'p', 'n', 'queued', '{}', 'v', 'h', 'missing', 't')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
