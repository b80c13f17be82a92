import type { Database } from 'better-sqlite3';
import { updateToSchemaVersion1 } from './0001-foundation.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

/** Every migration in order; append only. An applied migration must never be edited. */
export const migrations: readonly Migration[] = [
  { version: 1, name: '0001-foundation', up: updateToSchemaVersion1 },
];
