import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RegistryVersionError, openRegistry, schemaVersion } from './database.js';
import { migrations } from './migrations/index.js';
import type { Migration } from './migrations/index.js';
import { useTempDir } from './test-support.js';

describe('openRegistry', () => {
  const tempDir = useTempDir();

  it('applies every migration, in WAL mode with a busy timeout', () => {
    const db = openRegistry(path.join(tempDir(), 'orchard.db'));
    expect(schemaVersion(db)).toBe(migrations.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('is idempotent when opened again', () => {
    const file = path.join(tempDir(), 'orchard.db');
    openRegistry(file).close();
    const db = openRegistry(file);
    expect((db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      migrations.length,
    );
    db.close();
  });

  it('refuses a database from a newer Orchard', () => {
    const file = path.join(tempDir(), 'orchard.db');
    openRegistry(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openRegistry(file)).toThrow(RegistryVersionError);
    expect(() => openRegistry(file)).toThrow(/schema version 999, newer/);
  });

  it('catches a migration edited after it was applied', () => {
    const file = path.join(tempDir(), 'orchard.db');
    openRegistry(file).close();
    const edited: Migration[] = [
      {
        version: 1,
        name: '0001-foundation',
        fingerprint: 'CREATE TABLE something_else (x)',
        up: (db) => db.exec('CREATE TABLE something_else (x)'),
      },
      ...migrations.slice(1),
    ];
    expect(() => openRegistry(file, edited)).toThrow(/was edited after it was applied/);
  });

  it('rolls a failing migration back whole', () => {
    const file = path.join(tempDir(), 'orchard.db');
    openRegistry(file).close();
    const broken: Migration[] = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: '9999-broken',
        fingerprint: 'CREATE TABLE half_done (x)',
        up: (db) => {
          db.exec('CREATE TABLE half_done (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => openRegistry(file, broken)).toThrow(/boom/);
    const db = openRegistry(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    db.close();
  });
});
