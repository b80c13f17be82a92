import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, SuiteDefinition } from '../contract/index.js';
import type { CheckResult, Suite, SuiteVersion, ValidationRun } from '../contract/index.js';
import { appendAudit } from './audit.js';
import type { RegistryDb } from './database.js';
import { getDataset } from './datasets.js';
import { newId, now } from './ids.js';

interface SuiteRow {
  id: string;
  dataset_id: string;
  name: string;
  required: number;
}

interface SuiteVersionRow {
  id: string;
  suite_id: string;
  number: number;
  definition_json: string;
  sha256: string;
  created_at: string;
}

interface RunRow {
  id: string;
  dataset_version_id: string;
  suite_version_id: string;
  status: 'passed' | 'failed';
  results_json: string;
  duration_ms: number;
  created_at: string;
}

/** Key order must not make two equal definitions differ. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function suiteDefinitionHash(definition: SuiteDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

function toSuiteVersion(row: SuiteVersionRow, datasetId: string): SuiteVersion {
  return {
    id: row.id,
    suiteId: row.suite_id,
    datasetId,
    number: row.number,
    definition: SuiteDefinition.parse(JSON.parse(row.definition_json)),
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

function latestSuiteVersionRow(db: RegistryDb, suiteId: string): SuiteVersionRow {
  const row = db
    .prepare('SELECT * FROM suite_versions WHERE suite_id = ? ORDER BY number DESC LIMIT 1')
    .get(suiteId) as SuiteVersionRow | undefined;
  if (!row) throw new NotFoundError(`Suite ${suiteId} has no versions.`, { suiteId });
  return row;
}

function toSuite(db: RegistryDb, row: SuiteRow): Suite {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    name: row.name,
    required: row.required === 1,
    latestVersion: toSuiteVersion(latestSuiteVersionRow(db, row.id), row.dataset_id),
  };
}

export function getSuite(db: RegistryDb, suiteId: string): Suite {
  const row = db.prepare('SELECT * FROM validation_suites WHERE id = ?').get(suiteId) as SuiteRow | undefined;
  if (!row) throw new NotFoundError(`No validation suite with id ${suiteId}.`, { suiteId });
  return toSuite(db, row);
}

export function listSuites(db: RegistryDb, datasetId: string): Suite[] {
  getDataset(db, datasetId);
  const rows = db
    .prepare('SELECT * FROM validation_suites WHERE dataset_id = ? ORDER BY created_at, id')
    .all(datasetId) as SuiteRow[];
  return rows.map((row) => toSuite(db, row));
}

export function getSuiteVersion(db: RegistryDb, suiteVersionId: string): SuiteVersion {
  const row = db
    .prepare(
      `SELECT sv.*, s.dataset_id FROM suite_versions sv JOIN validation_suites s ON s.id = sv.suite_id WHERE sv.id = ?`,
    )
    .get(suiteVersionId) as (SuiteVersionRow & { dataset_id: string }) | undefined;
  if (!row) throw new NotFoundError(`No suite version with id ${suiteVersionId}.`, { suiteVersionId });
  return toSuiteVersion(row, row.dataset_id);
}

/**
 * Saves a definition: a new suite (its version 1), or with `suiteId` a new version of that suite.
 * Saving a definition equal to the suite's latest version returns it unchanged.
 */
export function saveSuite(
  db: RegistryDb,
  input: { datasetId: string; definition: SuiteDefinition; suiteId?: string | undefined; actor: string },
): Suite {
  const save = db.transaction((): Suite => {
    getDataset(db, input.datasetId);
    const sha256 = suiteDefinitionHash(input.definition);
    let suite: SuiteRow | undefined;
    if (input.suiteId) {
      suite = db.prepare('SELECT * FROM validation_suites WHERE id = ?').get(input.suiteId) as
        SuiteRow | undefined;
      if (!suite)
        throw new NotFoundError(`No validation suite with id ${input.suiteId}.`, { suiteId: input.suiteId });
      if (suite.dataset_id !== input.datasetId) {
        throw new ConflictError(`Suite ${input.suiteId} belongs to another dataset.`, {
          suiteId: input.suiteId,
        });
      }
      const latest = latestSuiteVersionRow(db, suite.id);
      if (latest.sha256 === sha256) return toSuite(db, suite);
      const clash = db
        .prepare('SELECT id FROM validation_suites WHERE dataset_id = ? AND name = ? AND id <> ?')
        .get(input.datasetId, input.definition.name, suite.id);
      if (clash)
        throw new ConflictError(`Another suite of this dataset is named "${input.definition.name}".`);
      db.prepare('UPDATE validation_suites SET name = ? WHERE id = ?').run(input.definition.name, suite.id);
    } else {
      const clash = db
        .prepare('SELECT id FROM validation_suites WHERE dataset_id = ? AND name = ?')
        .get(input.datasetId, input.definition.name) as { id: string } | undefined;
      if (clash) {
        throw new ConflictError(
          `This dataset already has a suite named "${input.definition.name}"; save it as a new version of that suite or rename it.`,
          { suiteId: clash.id },
        );
      }
      suite = { id: newId('vs'), dataset_id: input.datasetId, name: input.definition.name, required: 0 };
      db.prepare(
        'INSERT INTO validation_suites (id, dataset_id, name, required, created_at) VALUES (?, ?, ?, 0, ?)',
      ).run(suite.id, suite.dataset_id, suite.name, now());
    }
    const number =
      ((
        db.prepare('SELECT max(number) AS n FROM suite_versions WHERE suite_id = ?').get(suite.id) as {
          n: number | null;
        }
      ).n ?? 0) + 1;
    const versionId = newId('svv');
    db.prepare(
      'INSERT INTO suite_versions (id, suite_id, number, definition_json, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(versionId, suite.id, number, JSON.stringify(input.definition), sha256, now());
    appendAudit(db, {
      actor: input.actor,
      action: 'validation_suite.saved',
      subjectId: versionId,
      details: { suiteId: suite.id, number, sha256 },
    });
    return toSuite(db, { ...suite, name: input.definition.name });
  });
  return save.immediate();
}

export function setSuiteRequired(db: RegistryDb, suiteId: string, required: boolean, actor: string): Suite {
  const update = db.transaction((): Suite => {
    const suite = getSuite(db, suiteId);
    db.prepare('UPDATE validation_suites SET required = ? WHERE id = ?').run(required ? 1 : 0, suiteId);
    appendAudit(db, {
      actor,
      action: 'validation_suite.required_set',
      subjectId: suiteId,
      details: { required },
    });
    return { ...suite, required };
  });
  return update.immediate();
}

function toRun(row: RunRow): ValidationRun {
  return {
    id: row.id,
    datasetVersionId: row.dataset_version_id,
    suiteVersionId: row.suite_version_id,
    status: row.status,
    results: JSON.parse(row.results_json) as CheckResult[],
    durationMs: row.duration_ms,
    createdAt: row.created_at,
  };
}

export function recordValidationRun(
  db: RegistryDb,
  input: {
    datasetVersionId: string;
    suiteVersionId: string;
    results: CheckResult[];
    durationMs: number;
    actor: string;
  },
): ValidationRun {
  const record = db.transaction((): ValidationRun => {
    const failed = input.results.some((r) => !r.passed && r.severity === 'error');
    const id = newId('vrun');
    db.prepare(
      `INSERT INTO validation_runs (id, dataset_version_id, suite_version_id, status, results_json, duration_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.datasetVersionId,
      input.suiteVersionId,
      failed ? 'failed' : 'passed',
      JSON.stringify(input.results),
      input.durationMs,
      now(),
    );
    appendAudit(db, {
      actor: input.actor,
      action: 'validation.ran',
      subjectId: id,
      details: {
        datasetVersionId: input.datasetVersionId,
        suiteVersionId: input.suiteVersionId,
        status: failed ? 'failed' : 'passed',
      },
    });
    return getValidationRun(db, id);
  });
  return record.immediate();
}

export function getValidationRun(db: RegistryDb, runId: string): ValidationRun {
  const row = db.prepare('SELECT * FROM validation_runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw new NotFoundError(`No validation run with id ${runId}.`, { runId });
  return toRun(row);
}

export function listValidationRuns(db: RegistryDb, datasetVersionId: string): ValidationRun[] {
  return (
    db
      .prepare('SELECT * FROM validation_runs WHERE dataset_version_id = ? ORDER BY created_at DESC, id DESC')
      .all(datasetVersionId) as RunRow[]
  ).map(toRun);
}

/** The latest run of any version of `suiteId` on a dataset version, or null. */
export function latestRunOfSuite(
  db: RegistryDb,
  datasetVersionId: string,
  suiteId: string,
): ValidationRun | null {
  const row = db
    .prepare(
      `SELECT r.* FROM validation_runs r JOIN suite_versions sv ON sv.id = r.suite_version_id
       WHERE r.dataset_version_id = ? AND sv.suite_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
    )
    .get(datasetVersionId, suiteId) as RunRow | undefined;
  return row ? toRun(row) : null;
}

/** Each version of a dataset with its latest validation run's status. */
export function latestValidationStatus(
  db: RegistryDb,
  datasetId: string,
): { versionId: string; runId: string; status: 'passed' | 'failed'; createdAt: string }[] {
  getDataset(db, datasetId);
  const rows = db
    .prepare(
      `SELECT r.dataset_version_id AS version_id, r.id AS run_id, r.status, r.created_at FROM validation_runs r
       JOIN dataset_versions v ON v.id = r.dataset_version_id
       WHERE v.dataset_id = ? AND r.id = (
         SELECT r2.id FROM validation_runs r2 WHERE r2.dataset_version_id = r.dataset_version_id
         ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)
       ORDER BY v.number DESC`,
    )
    .all(datasetId) as {
    version_id: string;
    run_id: string;
    status: 'passed' | 'failed';
    created_at: string;
  }[];
  return rows.map((r) => ({
    versionId: r.version_id,
    runId: r.run_id,
    status: r.status,
    createdAt: r.created_at,
  }));
}
