import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InvalidInputError } from '../contract/index.js';
import type { ImportOptions, Project } from '../contract/index.js';
import { importToSnapshot } from '../data/import-file.js';
import { profileSnapshot } from '../data/profile.js';
import { findVersionByImport, hashFile, registerVersion } from '../registry/index.js';
import type { JobContext } from './job-runner.js';
import type { EngineParts } from './parts.js';

export interface ImportRequest {
  readonly project: Project;
  readonly sourcePath: string;
  readonly datasetName: string | undefined;
  readonly options: ImportOptions | undefined;
}

/** The dataset a file lands in unless the user names one: its file name without extension. */
export function defaultDatasetName(sourcePath: string): string {
  const base = path.basename(sourcePath);
  const dot = base.indexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).slice(0, 120) || 'dataset';
}

/** Same bytes read with the same options make the same version; key order must not matter. */
export function importKey(sourceSha256: string, options: ImportOptions | undefined): string {
  const o = options ?? {};
  const types = Object.entries(o.columnTypes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const canonical = JSON.stringify([sourceSha256, o.format ?? null, o.delimiter ?? null, o.encoding ?? null, types]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Hash the source, reuse the version if this exact import exists, else snapshot to Parquet in
 * staging, profile it, move the snapshot into the object store, and only then register the rows.
 * A failure or cancel at any step leaves the registry untouched and removes the staged file.
 */
export async function importDataset(
  parts: EngineParts,
  request: ImportRequest,
  job: JobContext,
): Promise<{ result: Record<string, unknown>; message: string }> {
  const { sourcePath, options, project } = request;
  const info = await stat(sourcePath).catch(() => null);
  if (!info) throw new InvalidInputError(`${sourcePath} does not exist; check the path and try again.`, { path: sourcePath });
  if (!info.isFile()) throw new InvalidInputError(`${sourcePath} is not a file; choose a data file.`, { path: sourcePath });
  const datasetName = request.datasetName ?? defaultDatasetName(sourcePath);

  job.progress(0, `Reading ${path.basename(sourcePath)}`);
  const source = await hashFile(sourcePath, {
    signal: job.signal,
    onBytes: (bytes) => job.progress(0.15 * (bytes / Math.max(1, info.size)), 'Fingerprinting the file'),
  }).catch((error: unknown) => {
    if (job.signal.aborted) throw new CancelledError();
    throw error;
  });
  const key = importKey(source.sha256, options);
  const existing = findVersionByImport(parts.db, project.id, datasetName, key);
  if (existing) {
    return {
      result: { versionId: existing.id, datasetId: existing.datasetId, reused: true, rowCount: existing.rowCount },
      message: `Unchanged: ${datasetName} v${existing.number} already holds this file.`,
    };
  }

  const staged = parts.store.stagingPath('.parquet');
  try {
    const snapshot = await importToSnapshot({
      db: parts.duck,
      sourcePath,
      outputPath: staged,
      options,
      signal: job.signal,
      onProgress: (fraction, message) => job.progress(0.15 + 0.65 * fraction, message),
    });
    job.progress(0.8, 'Profiling columns');
    const profile = await profileSnapshot(parts.duck, staged, snapshot.columns);
    if (job.signal.aborted) throw new CancelledError();
    job.progress(0.95, 'Saving the snapshot');
    const stored = await parts.store.commit(staged);
    const version = registerVersion(parts.db, {
      projectId: project.id,
      datasetName,
      importKey: key,
      snapshot: { sha256: stored.sha256, sizeBytes: stored.sizeBytes },
      rowCount: snapshot.rowCount,
      columns: snapshot.columns,
      source: { path: sourcePath, format: snapshot.format, sizeBytes: source.sizeBytes, sha256: source.sha256 },
      warnings: snapshot.warnings,
      profile,
      actor: parts.actor,
    });
    return {
      result: { versionId: version.id, datasetId: version.datasetId, reused: false, rowCount: version.rowCount },
      message: `Imported ${version.rowCount.toLocaleString('en-US')} rows as ${datasetName} v${version.number}.`,
    };
  } finally {
    await rm(staged, { force: true });
  }
}
