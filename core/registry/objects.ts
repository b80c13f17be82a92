import type { RegistryDb } from './database.js';
import { now } from './ids.js';

/** Records a blob that is already complete in the object store; idempotent (content-addressed). */
export function registerObject(
  db: RegistryDb,
  object: { sha256: string; sizeBytes: number; mediaType: string },
): void {
  db.prepare(
    'INSERT OR IGNORE INTO objects (sha256, size_bytes, media_type, created_at) VALUES (?, ?, ?, ?)',
  ).run(object.sha256, object.sizeBytes, object.mediaType, now());
}

export function listObjectHashes(db: RegistryDb): string[] {
  return (db.prepare('SELECT sha256 FROM objects').all() as { sha256: string }[]).map((r) => r.sha256);
}
