import { NotFoundError } from '../contract/index.js';
import type { Column, Dataset, DatasetProfile, DatasetVersion, SourceFormat } from '../contract/index.js';
import { appendAudit } from './audit.js';
import type { RegistryDb } from './database.js';
import { newId, now } from './ids.js';
import { registerObject } from './objects.js';

export const rowIdColumn = '_row_id';

interface VersionRow {
  id: string;
  dataset_id: string;
  number: number;
  parent_id: string | null;
  snapshot_sha256: string;
  row_count: number;
  columns_json: string;
  source_path: string;
  source_format: string;
  source_size_bytes: number;
  source_sha256: string;
  warnings_json: string;
  created_at: string;
}

const versionColumnNames = [
  'id',
  'dataset_id',
  'number',
  'parent_id',
  'snapshot_sha256',
  'row_count',
  'columns_json',
  'source_path',
  'source_format',
  'source_size_bytes',
  'source_sha256',
  'warnings_json',
  'created_at',
] as const;
const versionColumns = versionColumnNames.join(', ');
const joinedVersionColumns = versionColumnNames.map((c) => `v.${c}`).join(', ');

function toVersion(r: VersionRow): DatasetVersion {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    number: r.number,
    parentId: r.parent_id,
    snapshotSha256: r.snapshot_sha256,
    rowCount: r.row_count,
    columns: JSON.parse(r.columns_json) as Column[],
    source: {
      path: r.source_path,
      format: r.source_format as SourceFormat,
      sizeBytes: r.source_size_bytes,
      sha256: r.source_sha256,
    },
    rowIdColumn,
    warnings: JSON.parse(r.warnings_json) as string[],
    createdAt: r.created_at,
  };
}

export function listDatasets(db: RegistryDb, projectId: string): Dataset[] {
  const rows = db
    .prepare(
      `SELECT d.id, d.project_id, d.name, d.created_at,
         (SELECT count(*) FROM dataset_versions v WHERE v.dataset_id = d.id) AS version_count,
         (SELECT v.id FROM dataset_versions v WHERE v.dataset_id = d.id ORDER BY v.number DESC LIMIT 1) AS latest
       FROM datasets d WHERE d.project_id = ? ORDER BY d.created_at, d.id`,
    )
    .all(projectId) as {
    id: string;
    project_id: string;
    name: string;
    created_at: string;
    version_count: number;
    latest: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    createdAt: r.created_at,
    versionCount: r.version_count,
    latestVersionId: r.latest,
  }));
}

export function getDataset(db: RegistryDb, id: string): { id: string; projectId: string; name: string } {
  const row = db.prepare('SELECT id, project_id, name FROM datasets WHERE id = ?').get(id) as
    { id: string; project_id: string; name: string } | undefined;
  if (!row) throw new NotFoundError(`No dataset with id ${id}.`, { datasetId: id });
  return { id: row.id, projectId: row.project_id, name: row.name };
}

export function listVersions(db: RegistryDb, datasetId: string): DatasetVersion[] {
  getDataset(db, datasetId);
  return (
    db
      .prepare(`SELECT ${versionColumns} FROM dataset_versions WHERE dataset_id = ? ORDER BY number DESC`)
      .all(datasetId) as VersionRow[]
  ).map(toVersion);
}

export function getVersion(db: RegistryDb, id: string): DatasetVersion {
  const row = db.prepare(`SELECT ${versionColumns} FROM dataset_versions WHERE id = ?`).get(id) as
    VersionRow | undefined;
  if (!row) throw new NotFoundError(`No dataset version with id ${id}.`, { versionId: id });
  return toVersion(row);
}

/** The version a dataset already has for this exact file read with these exact options, if any. */
export function findVersionByImport(
  db: RegistryDb,
  projectId: string,
  datasetName: string,
  importKey: string,
): DatasetVersion | null {
  const row = db
    .prepare(
      `SELECT ${joinedVersionColumns} FROM dataset_versions v
       JOIN datasets d ON d.id = v.dataset_id
       WHERE d.project_id = ? AND d.name = ? AND v.import_key = ?`,
    )
    .get(projectId, datasetName, importKey) as VersionRow | undefined;
  return row ? toVersion(row) : null;
}

export interface NewVersion {
  projectId: string;
  datasetName: string;
  importKey: string;
  snapshot: { sha256: string; sizeBytes: number };
  rowCount: number;
  columns: Column[];
  source: DatasetVersion['source'];
  warnings: string[];
  profile: Omit<DatasetProfile, 'versionId' | 'computedAt'>;
  actor: string;
}

/**
 * Registers an imported version in one transaction: the snapshot object (already complete on
 * disk), the dataset if new, the version as a child of the dataset's latest one, its profile and an
 * audit entry. Either all of it lands or none.
 */
export function registerVersion(db: RegistryDb, input: NewVersion): DatasetVersion {
  const register = db.transaction((): DatasetVersion => {
    const existing = findVersionByImport(db, input.projectId, input.datasetName, input.importKey);
    if (existing) return existing;
    const createdAt = now();
    registerObject(db, {
      sha256: input.snapshot.sha256,
      sizeBytes: input.snapshot.sizeBytes,
      mediaType: 'application/vnd.apache.parquet',
    });
    let dataset = db
      .prepare('SELECT id FROM datasets WHERE project_id = ? AND name = ?')
      .get(input.projectId, input.datasetName) as { id: string } | undefined;
    if (!dataset) {
      dataset = { id: newId('ds') };
      db.prepare('INSERT INTO datasets (id, project_id, name, created_at) VALUES (?, ?, ?, ?)').run(
        dataset.id,
        input.projectId,
        input.datasetName,
        createdAt,
      );
      appendAudit(db, {
        actor: input.actor,
        action: 'dataset.created',
        subjectId: dataset.id,
        details: { name: input.datasetName },
      });
    }
    const parent = db
      .prepare('SELECT id, number FROM dataset_versions WHERE dataset_id = ? ORDER BY number DESC LIMIT 1')
      .get(dataset.id) as { id: string; number: number } | undefined;
    const id = newId('dsv');
    db.prepare(
      `INSERT INTO dataset_versions (${versionColumns}, import_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      dataset.id,
      (parent?.number ?? 0) + 1,
      parent?.id ?? null,
      input.snapshot.sha256,
      input.rowCount,
      JSON.stringify(input.columns),
      input.source.path,
      input.source.format,
      input.source.sizeBytes,
      input.source.sha256,
      JSON.stringify(input.warnings),
      createdAt,
      input.importKey,
    );
    db.prepare('INSERT INTO dataset_profiles (version_id, profile_json, computed_at) VALUES (?, ?, ?)').run(
      id,
      JSON.stringify(input.profile),
      createdAt,
    );
    appendAudit(db, {
      actor: input.actor,
      action: 'dataset_version.created',
      subjectId: id,
      details: {
        datasetId: dataset.id,
        parentId: parent?.id ?? null,
        sourceSha256: input.source.sha256,
        rowCount: input.rowCount,
      },
    });
    return getVersion(db, id);
  });
  return register.immediate();
}

export function getProfile(db: RegistryDb, versionId: string): DatasetProfile {
  getVersion(db, versionId);
  const row = db
    .prepare('SELECT profile_json, computed_at FROM dataset_profiles WHERE version_id = ?')
    .get(versionId) as { profile_json: string; computed_at: string } | undefined;
  if (!row) throw new NotFoundError(`Dataset version ${versionId} has no profile yet.`, { versionId });
  const profile = JSON.parse(row.profile_json) as Omit<DatasetProfile, 'versionId' | 'computedAt'>;
  return { ...profile, versionId, computedAt: row.computed_at };
}
