import type { Database } from 'better-sqlite3';
import { schemaVersion1Sql, updateToSchemaVersion1 } from './0001-foundation.js';
import { schemaVersion2Sql, updateToSchemaVersion2 } from './0002-validation.js';
import { schemaVersion3Sql, updateToSchemaVersion3 } from './0003-training.js';
import { schemaVersion4Sql, updateToSchemaVersion4 } from './0004-labels.js';
import { schemaVersion5Sql, updateToSchemaVersion5 } from './0005-run-labels.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /**
   * What the migration does, as text: its SQL (or, for a migration written as code, a description
   * that changes whenever the code does). Its hash is kept when applied so an edit is caught; the
   * function's own source is not used because it differs between the tsc build and tsx/vitest.
   */
  readonly fingerprint: string;
  readonly up: (db: Database) => void;
}

/** Every migration in order; append only. An applied migration must never be edited. */
export const migrations: readonly Migration[] = [
  { version: 1, name: '0001-foundation', fingerprint: schemaVersion1Sql, up: updateToSchemaVersion1 },
  { version: 2, name: '0002-validation', fingerprint: schemaVersion2Sql, up: updateToSchemaVersion2 },
  { version: 3, name: '0003-training', fingerprint: schemaVersion3Sql, up: updateToSchemaVersion3 },
  { version: 4, name: '0004-labels', fingerprint: schemaVersion4Sql, up: updateToSchemaVersion4 },
  { version: 5, name: '0005-run-labels', fingerprint: schemaVersion5Sql, up: updateToSchemaVersion5 },
];
