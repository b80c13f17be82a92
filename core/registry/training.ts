import { NotFoundError, TrainingConfig } from '../contract/index.js';
import type {
  BackendChoice,
  EpochMetrics,
  Evaluation,
  ModelVersion,
  Run,
  RunEnvironment,
  TrainingTask,
} from '../contract/index.js';
import { appendAudit } from './audit.js';
import type { RegistryDb } from './database.js';
import { newId, now } from './ids.js';
import { registerObject } from './objects.js';

interface RunRow {
  id: string;
  project_id: string;
  parent_run_id: string | null;
  name: string;
  status: Run['status'];
  job_id: string | null;
  config_json: string;
  dataset_version_id: string;
  dataset_snapshot_sha256: string;
  label_version_sha256: string | null;
  backend_json: string | null;
  environment_json: string | null;
  summary_json: string;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

function toRun(db: RegistryDb, row: RunRow): Run {
  const epochs = (
    db
      .prepare(
        'SELECT epoch, metrics_json, seconds, samples_per_second FROM run_epochs WHERE run_id = ? ORDER BY epoch',
      )
      .all(row.id) as {
      epoch: number;
      metrics_json: string;
      seconds: number;
      samples_per_second: number;
    }[]
  ).map((e) => ({
    epoch: e.epoch,
    metrics: JSON.parse(e.metrics_json) as Record<string, number>,
    seconds: e.seconds,
    samplesPerSecond: e.samples_per_second,
  }));
  const model = db.prepare('SELECT id FROM model_versions WHERE run_id = ?').get(row.id) as
    { id: string } | undefined;
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    parentRunId: row.parent_run_id,
    status: row.status,
    jobId: row.job_id,
    config: TrainingConfig.parse(JSON.parse(row.config_json)),
    datasetVersionId: row.dataset_version_id,
    datasetSnapshotSha256: row.dataset_snapshot_sha256,
    labelVersionSha256: row.label_version_sha256,
    backend: row.backend_json ? (JSON.parse(row.backend_json) as BackendChoice) : null,
    environment: row.environment_json ? (JSON.parse(row.environment_json) as RunEnvironment) : null,
    epochs,
    summary: JSON.parse(row.summary_json) as Record<string, number>,
    modelVersionId: model?.id ?? null,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export function createRun(
  db: RegistryDb,
  input: {
    projectId: string;
    parentRunId?: string | undefined;
    name: string;
    config: TrainingConfig;
    datasetVersionId: string;
    datasetSnapshotSha256: string;
    /** The label version the target comes from, if any. */
    labelVersion?: { id: string; sha256: string } | null | undefined;
    actor: string;
  },
): Run {
  const create = db.transaction((): Run => {
    const id = newId('run');
    db.prepare(
      `INSERT INTO runs (id, project_id, parent_run_id, name, status, config_json, dataset_version_id, dataset_snapshot_sha256,
         label_version_id, label_version_sha256, created_at)
       VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.projectId,
      input.parentRunId ?? null,
      input.name,
      JSON.stringify(input.config),
      input.datasetVersionId,
      input.datasetSnapshotSha256,
      input.labelVersion?.id ?? null,
      input.labelVersion?.sha256 ?? null,
      now(),
    );
    appendAudit(db, {
      actor: input.actor,
      action: 'run.created',
      subjectId: id,
      details: { datasetVersionId: input.datasetVersionId, parentRunId: input.parentRunId ?? null },
    });
    return getRun(db, id);
  });
  return create.immediate();
}

export function getRun(db: RegistryDb, runId: string): Run {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw new NotFoundError(`No run with id ${runId}.`, { runId });
  return toRun(db, row);
}

export function listRuns(db: RegistryDb, projectId: string, parentRunId?: string): Run[] {
  const rows = (
    parentRunId
      ? db
          .prepare(
            'SELECT * FROM runs WHERE project_id = ? AND parent_run_id = ? ORDER BY created_at DESC, id DESC',
          )
          .all(projectId, parentRunId)
      : db
          .prepare(
            'SELECT * FROM runs WHERE project_id = ? AND parent_run_id IS NULL ORDER BY created_at DESC, id DESC',
          )
          .all(projectId)
  ) as RunRow[];
  return rows.map((row) => toRun(db, row));
}

export function attachRunJob(db: RegistryDb, runId: string, jobId: string): void {
  db.prepare('UPDATE runs SET job_id = ? WHERE id = ?').run(jobId, runId);
}

export function markRunRunning(
  db: RegistryDb,
  runId: string,
  backend: BackendChoice,
  environment: RunEnvironment,
): void {
  db.prepare(`UPDATE runs SET status = 'running', backend_json = ?, environment_json = ? WHERE id = ?`).run(
    JSON.stringify(backend),
    JSON.stringify(environment),
    runId,
  );
}

export function appendRunEpoch(db: RegistryDb, runId: string, epoch: EpochMetrics): void {
  db.prepare(
    'INSERT OR REPLACE INTO run_epochs (run_id, epoch, metrics_json, seconds, samples_per_second) VALUES (?, ?, ?, ?, ?)',
  ).run(runId, epoch.epoch, JSON.stringify(epoch.metrics), epoch.seconds, epoch.samplesPerSecond);
}

export function finishRun(
  db: RegistryDb,
  runId: string,
  outcome: {
    status: 'succeeded' | 'failed' | 'cancelled';
    error?: string | undefined;
    summary?: Record<string, number>;
  },
): Run {
  db.prepare('UPDATE runs SET status = ?, error = ?, summary_json = ?, finished_at = ? WHERE id = ?').run(
    outcome.status,
    outcome.error ?? null,
    JSON.stringify(outcome.summary ?? {}),
    now(),
    runId,
  );
  return getRun(db, runId);
}

/** Runs whose job was cut off by a crash are interrupted too. */
export function markOrphanedRunsInterrupted(db: RegistryDb): number {
  return db
    .prepare(
      `UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'The engine stopped while this run trained.'
       WHERE status IN ('queued', 'running') AND job_id IN (SELECT id FROM jobs WHERE status = 'interrupted')`,
    )
    .run(now()).changes;
}

interface ModelRow {
  id: string;
  project_id: string;
  run_id: string;
  name: string;
  number: number;
  task: TrainingTask;
  artifact_sha256: string;
  signature_json: string;
  evaluation_json: string;
  created_at: string;
}

function toModel(row: ModelRow): ModelVersion {
  return {
    id: row.id,
    projectId: row.project_id,
    runId: row.run_id,
    name: row.name,
    number: row.number,
    task: row.task,
    artifactSha256: row.artifact_sha256,
    signature: JSON.parse(row.signature_json) as ModelVersion['signature'],
    evaluation: JSON.parse(row.evaluation_json) as Evaluation,
    createdAt: row.created_at,
  };
}

/** Registers a finished run's model (its artifact already complete in the object store) and the run's outcome, together. */
export function registerModelVersion(
  db: RegistryDb,
  input: {
    runId: string;
    name: string;
    task: TrainingTask;
    artifact: { sha256: string; sizeBytes: number };
    signature: ModelVersion['signature'];
    evaluation: Evaluation;
    summary: Record<string, number>;
    actor: string;
  },
): ModelVersion {
  const register = db.transaction((): ModelVersion => {
    const run = getRun(db, input.runId);
    registerObject(db, {
      sha256: input.artifact.sha256,
      sizeBytes: input.artifact.sizeBytes,
      mediaType: 'application/vnd.orchard.model',
    });
    const number =
      ((
        db
          .prepare('SELECT max(number) AS n FROM model_versions WHERE project_id = ? AND name = ?')
          .get(run.projectId, input.name) as {
          n: number | null;
        }
      ).n ?? 0) + 1;
    const id = newId('mdl');
    db.prepare(
      `INSERT INTO model_versions (id, project_id, run_id, name, number, task, artifact_sha256, signature_json, evaluation_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      run.projectId,
      run.id,
      input.name,
      number,
      input.task,
      input.artifact.sha256,
      JSON.stringify(input.signature),
      JSON.stringify(input.evaluation),
      now(),
    );
    finishRun(db, run.id, { status: 'succeeded', summary: input.summary });
    appendAudit(db, {
      actor: input.actor,
      action: 'model_version.created',
      subjectId: id,
      details: { runId: run.id, number },
    });
    return getModelVersion(db, id);
  });
  return register.immediate();
}

export function getModelVersion(db: RegistryDb, id: string): ModelVersion {
  const row = db.prepare('SELECT * FROM model_versions WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) throw new NotFoundError(`No model version with id ${id}.`, { modelVersionId: id });
  return toModel(row);
}

export function listModelVersions(db: RegistryDb, projectId: string): ModelVersion[] {
  return (
    db
      .prepare('SELECT * FROM model_versions WHERE project_id = ? ORDER BY created_at DESC, id DESC')
      .all(projectId) as ModelRow[]
  ).map(toModel);
}
