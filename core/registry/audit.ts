import type { RegistryDb } from './database.js';
import { now } from './ids.js';

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Appends one entry; the table's triggers refuse any update or delete. */
export function appendAudit(
  db: RegistryDb,
  entry: { actor: string; action: string; subjectId?: string; details?: Record<string, unknown> },
): void {
  db.prepare(
    'INSERT INTO audit_log (at, actor, action, subject_id, details_json) VALUES (?, ?, ?, ?, ?)',
  ).run(now(), entry.actor, entry.action, entry.subjectId ?? null, JSON.stringify(entry.details ?? {}));
}

export function listAudit(db: RegistryDb, limit = 100): AuditEntry[] {
  const rows = db
    .prepare(
      'SELECT seq, at, actor, action, subject_id, details_json FROM audit_log ORDER BY seq DESC LIMIT ?',
    )
    .all(limit) as {
    seq: number;
    at: string;
    actor: string;
    action: string;
    subject_id: string | null;
    details_json: string;
  }[];
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subjectId: r.subject_id,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
  }));
}
