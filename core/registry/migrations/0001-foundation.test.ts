import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { updateToSchemaVersion1 } from './0001-foundation.js';

describe('migration 0001-foundation', () => {
  it('creates the foundation tables on an empty database', () => {
    const db = new Database(':memory:');
    updateToSchemaVersion1(db);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'audit_log',
        'dataset_profiles',
        'dataset_versions',
        'datasets',
        'jobs',
        'objects',
        'projects',
      ]),
    );
  });

  it('makes the audit log append-only', () => {
    const db = new Database(':memory:');
    updateToSchemaVersion1(db);
    db.prepare("INSERT INTO audit_log (at, actor, action, details_json) VALUES ('t', 'me', 'x', '{}')").run();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT actor FROM audit_log').get()).toEqual({ actor: 'me' });
  });

  it('refuses a job status outside the closed set', () => {
    const db = new Database(':memory:');
    updateToSchemaVersion1(db);
    expect(() =>
      db
        .prepare(
          "INSERT INTO jobs (id, kind, status, params_json, owner_pid, created_at) VALUES ('j', 'k', 'exploded', '{}', 1, 't')",
        )
        .run(),
    ).toThrow(/CHECK/);
  });
});
