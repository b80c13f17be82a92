import type { Database } from 'better-sqlite3';

/** A run whose target comes from a frozen label version records which one, and its hash. */
export const schemaVersion5Sql = `
    ALTER TABLE runs ADD COLUMN label_version_id TEXT REFERENCES label_versions(id);
    ALTER TABLE runs ADD COLUMN label_version_sha256 TEXT;
`;

export function updateToSchemaVersion5(db: Database): void {
  db.exec(schemaVersion5Sql);
}
