import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { OrchardError } from '../contract/index.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/index.js';

export type RegistryDb = SqliteDatabase;

export class RegistryVersionError extends OrchardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
    this.name = 'RegistryVersionError';
  }
}

/** The hash of a migration's fingerprint, kept so an edited, already-applied migration is caught. */
export function migrationHash(migration: Migration): string {
  return createHash('sha256').update(migration.fingerprint).digest('hex');
}

/**
 * Opens (or creates) the registry: WAL, a busy timeout for concurrent readers and writers, foreign
 * keys, then every pending migration in one transaction under PRAGMA user_version.
 */
export function openRegistry(file: string, migrations: readonly Migration[] = allMigrations): RegistryDb {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: RegistryDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: RegistryDb, migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const apply = db.transaction(() => {
    const current = schemaVersion(db);
    if (current > latest) {
      throw new RegistryVersionError(
        `This workspace's registry is at schema version ${current}, newer than this Orchard understands (${latest}). ` +
          'Update Orchard, or open another workspace.',
        { current, latest },
      );
    }
    const applied = db.prepare('SELECT version, name, sha256 FROM schema_migrations').all() as {
      version: number;
      name: string;
      sha256: string;
    }[];
    for (const row of applied) {
      const migration = migrations.find((m) => m.version === row.version);
      if (migration && migrationHash(migration) !== row.sha256) {
        throw new RegistryVersionError(
          `Migration ${row.name} was edited after it was applied to this workspace; restore it and add a new migration instead.`,
          { version: row.version },
        );
      }
    }
    const insert = db.prepare(
      'INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)',
    );
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      migration.up(db);
      insert.run(migration.version, migration.name, migrationHash(migration), new Date().toISOString());
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  apply.immediate();
}
