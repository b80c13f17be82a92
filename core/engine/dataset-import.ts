import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InvalidInputError } from '../contract/index.js';
import type { ImportOptions, Project } from '../contract/index.js';
import { importToSnapshot } from '../data/import-file.js';
import { profileSnapshot } from '../data/profile.js';
import { timed } from '../data/timings.js';
import { findVersionByImport, hashFile, registerVersion } from '../registry/index.js';
import { importImageFolder } from './image-import.js';
import { unchangedImport, type ImportOutcome } from './import-outcome.js';
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
  const canonical = JSON.stringify([
    sourceSha256,
    o.format ?? null,
    o.delimiter ?? null,
    o.encoding ?? null,
    types,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Hash the source while snapshotting it to Parquet in staging (profiled from DuckDB's staging
 * table on the way); reuse the version if this exact import exists (the snapshot is then stopped
 * and dropped), else move the snapshot into the object store, and only then register the rows.
 * A failure or cancel at any step leaves the registry untouched and removes the staged file.
 */
export async function importDataset(
  parts: EngineParts,
  request: ImportRequest,
  job: JobContext,
): Promise<ImportOutcome> {
  const { sourcePath, options, project } = request;
  const info = await stat(sourcePath).catch(() => null);
  if (!info)
    throw new InvalidInputError(`${sourcePath} does not exist; check the path and try again.`, {
      path: sourcePath,
    });
  if (info.isDirectory())
    return importImageFolder(
      parts,
      { project, folder: sourcePath, datasetName: request.datasetName, options },
      job,
    );
  if (!info.isFile())
    throw new InvalidInputError(`${sourcePath} is not a file; choose a data file.`, { path: sourcePath });
  const datasetName = request.datasetName ?? defaultDatasetName(sourcePath);

  job.progress(0, `Reading ${path.basename(sourcePath)}`);
  // The source is hashed while DuckDB reads it: both stream the same (page-cached) file, and the
  // hash runs on Node's side while DuckDB's threads parse. If the hash shows this exact import
  // already exists, the read is stopped and the existing version returned.
  const importAbort = new AbortController();
  const importSignal = AbortSignal.any([job.signal, importAbort.signal]);
  const hashing = timed('sha256 of source', () => hashFile(sourcePath, { signal: importSignal })).then(
    (source) => {
      const key = importKey(source.sha256, options);
      const existing = findVersionByImport(parts.db, project.id, datasetName, key);
      if (existing) importAbort.abort();
      return { source, key, existing };
    },
    (error: unknown) => {
      importAbort.abort();
      if (job.signal.aborted) throw new CancelledError();
      throw error;
    },
  );

  const staged = parts.store.stagingPath('.parquet');
  try {
    const importing = timed('importToSnapshot total (incl. profile)', () =>
      importToSnapshot({
        db: parts.duck,
        sourcePath,
        outputPath: staged,
        options,
        signal: importSignal,
        profile: true,
        onProgress: (fraction, message) => job.progress(0.95 * fraction, message),
      }),
    );
    // Settle both before acting on either, so no read is left running and no error is unhandled.
    const [hashed, imported] = await Promise.allSettled([hashing, importing]);
    if (hashed.status === 'rejected') throw hashed.reason;
    const { source, key, existing } = hashed.value;
    if (existing) return unchangedImport(existing, datasetName, 'file');
    if (imported.status === 'rejected') throw imported.reason;
    const snapshot = imported.value;
    const profile = snapshot.profile ?? (await profileSnapshot(parts.duck, staged, snapshot.columns));
    if (job.signal.aborted) throw new CancelledError();
    job.progress(0.95, 'Saving the snapshot');
    const stored = await timed('object store commit (sha256 + fsync)', () => parts.store.commit(staged));
    const version = registerVersion(parts.db, {
      projectId: project.id,
      datasetName,
      importKey: key,
      snapshot: { sha256: stored.sha256, sizeBytes: stored.sizeBytes },
      rowCount: snapshot.rowCount,
      columns: snapshot.columns,
      source: {
        path: sourcePath,
        format: snapshot.format,
        sizeBytes: source.sizeBytes,
        sha256: source.sha256,
      },
      warnings: snapshot.warnings,
      profile,
      actor: parts.actor,
    });
    return {
      result: {
        versionId: version.id,
        datasetId: version.datasetId,
        reused: false,
        rowCount: version.rowCount,
      },
      message: `Imported ${version.rowCount.toLocaleString('en-US')} rows as ${datasetName} v${version.number}.`,
    };
  } finally {
    await rm(staged, { force: true });
  }
}
