import { NotFoundError } from '../contract/index.js';
import type { Job, JobStatus, RpcErrorShape } from '../contract/index.js';
import type { RegistryDb } from './database.js';
import { newId, now } from './ids.js';

interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string;
  error_json: string | null;
  result_json: string | null;
  created_at: string;
  finished_at: string | null;
}

const jobColumns = 'id, kind, status, progress, message, error_json, result_json, created_at, finished_at';

function toJob(r: JobRow): Job {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    message: r.message,
    error: r.error_json ? (JSON.parse(r.error_json) as Job['error']) : null,
    result: r.result_json ? (JSON.parse(r.result_json) as Record<string, unknown>) : null,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export function insertJob(db: RegistryDb, kind: string, params: unknown, ownerPid: number): Job {
  const id = newId('job');
  db.prepare(
    `INSERT INTO jobs (id, kind, status, params_json, owner_pid, created_at) VALUES (?, ?, 'queued', ?, ?, ?)`,
  ).run(id, kind, JSON.stringify(params ?? {}), ownerPid, now());
  return getJob(db, id);
}

export function getJob(db: RegistryDb, id: string): Job {
  const row = db.prepare(`SELECT ${jobColumns} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
  if (!row) throw new NotFoundError(`No job with id ${id}.`, { jobId: id });
  return toJob(row);
}

export function listJobs(db: RegistryDb, limit: number): Job[] {
  return (
    db
      .prepare(`SELECT ${jobColumns} FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(limit) as JobRow[]
  ).map(toJob);
}

export function markJobRunning(db: RegistryDb, id: string): void {
  db.prepare(`UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`).run(
    now(),
    id,
  );
}

export function updateJobProgress(db: RegistryDb, id: string, progress: number, message: string): void {
  db.prepare(`UPDATE jobs SET progress = ?, message = ? WHERE id = ? AND status = 'running'`).run(
    Math.min(1, Math.max(0, progress)),
    message,
    id,
  );
}

export function finishJob(
  db: RegistryDb,
  id: string,
  outcome:
    | { status: 'succeeded'; result: Record<string, unknown>; message: string }
    | { status: 'failed' | 'cancelled'; error: RpcErrorShape; message: string },
): Job {
  const errorJson = outcome.status === 'succeeded' ? null : JSON.stringify(outcome.error);
  const resultJson = outcome.status === 'succeeded' ? JSON.stringify(outcome.result) : null;
  db.prepare(
    `UPDATE jobs SET status = ?, progress = CASE WHEN ? = 'succeeded' THEN 1 ELSE progress END, message = ?,
       error_json = ?, result_json = ?, finished_at = ? WHERE id = ?`,
  ).run(outcome.status, outcome.status, outcome.message, errorJson, resultJson, now(), id);
  return getJob(db, id);
}

/**
 * Jobs left queued or running by an engine process that no longer exists were cut off by a crash
 * or a kill: mark them interrupted so none stays a ghost. Returns how many were marked.
 */
export function markOrphanedJobsInterrupted(db: RegistryDb, isAlive: (pid: number) => boolean): number {
  const open = db.prepare(`SELECT id, owner_pid FROM jobs WHERE status IN ('queued', 'running')`).all() as {
    id: string;
    owner_pid: number;
  }[];
  const mark = db.prepare(
    `UPDATE jobs SET status = 'interrupted', message = 'The engine stopped while this job ran.', finished_at = ? WHERE id = ?`,
  );
  let count = 0;
  for (const job of open) {
    if (isAlive(job.owner_pid)) continue;
    mark.run(now(), job.id);
    count += 1;
  }
  return count;
}
