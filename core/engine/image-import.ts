import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InvalidInputError } from '../contract/index.js';
import type { ImportOptions, Project } from '../contract/index.js';
import { readImageFolder, scanImageFolder, writeImageSnapshot } from '../data/images/index.js';
import { timed } from '../data/timings.js';
import { StagedObjects, findVersionByImport, imageLookup, registerImageVersion } from '../registry/index.js';
import { unchangedImport, type ImportOutcome } from './import-outcome.js';
import type { JobContext } from './job-runner.js';
import type { EngineParts } from './parts.js';

export interface ImageFolderRequest {
  readonly project: Project;
  readonly folder: string;
  readonly datasetName: string | undefined;
  /** Table options (format, types, delimiter, encoding) mean nothing for a folder; any set is refused. */
  readonly options?: ImportOptions | undefined;
}

/** Share of the progress bar reading and decoding takes; the snapshot, profile and commit the rest. */
const readShare = 0.9;
/** Problems named in the error when no file of a folder is usable. */
const problemsInError = 5;

/** The dataset a folder lands in unless the user names one: the folder's own name. */
export function defaultImageDatasetName(folder: string): string {
  return path.basename(path.resolve(folder)).slice(0, 120) || 'images';
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError('The import was cancelled.');
}

/**
 * Imports a folder of images as a dataset version (docs/labelling.md "Image datasets"): lists the
 * image files, reads and decodes them (8 at a time) staging each new image and thumbnail, returns the
 * existing version when the listing of `path NUL sha256` lines is unchanged, else writes and profiles
 * the Parquet snapshot, moves the objects into the store, and only then registers images and version
 * in one transaction. A failure or cancel leaves no row, and the staged files are removed.
 */
export async function importImageFolder(
  parts: EngineParts,
  request: ImageFolderRequest,
  job: JobContext,
): Promise<ImportOutcome> {
  const { project, folder } = request;
  const tableOptions = Object.entries(request.options ?? {}).filter(([, value]) => value !== undefined);
  if (tableOptions.length > 0)
    throw new InvalidInputError(
      `${folder} is a folder of images; the options ${tableOptions.map(([name]) => name).join(', ')} apply only to table files.`,
      { path: folder, options: tableOptions.map(([name]) => name) },
    );
  const datasetName = request.datasetName ?? defaultImageDatasetName(folder);
  const label = path.basename(folder);
  job.progress(0, `Looking for images in ${label}`);
  const scan = await timed('images: scan folder', () => scanImageFolder(folder, job.signal));
  const total = scan.files.length;
  const objects = new StagedObjects(parts.store);
  const snapshotPath = parts.store.stagingPath('.parquet');
  try {
    const known = imageLookup(parts.db);
    const read = await timed('images: read, decode, stage', () =>
      readImageFolder(
        scan,
        {
          known: (sha256) => known(sha256) ?? undefined,
          stage: (sha256, bytes) => objects.stage(sha256, bytes),
        },
        {
          signal: job.signal,
          onProgress: (done) =>
            job.progress(
              (readShare * done) / total,
              `Reading images (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`,
            ),
        },
      ),
    );
    throwIfCancelled(job.signal);
    const existing = findVersionByImport(parts.db, project.id, datasetName, read.listingSha256);
    if (existing) return unchangedImport(existing, datasetName, 'folder');
    if (read.images.length === 0) {
      const problems = read.warnings.slice(0, problemsInError).join('; ');
      throw new InvalidInputError(
        `${folder} has no usable image: all ${total.toLocaleString('en-US')} image files were left out (${problems}${
          read.warnings.length > problemsInError ? '; …' : ''
        }).`,
        { path: folder, warnings: [...read.warnings] },
      );
    }
    job.progress(readShare, 'Writing and profiling the snapshot');
    const snapshot = await timed('images: snapshot + profile', () =>
      writeImageSnapshot(parts.duck, read.images, snapshotPath, job.signal),
    );
    throwIfCancelled(job.signal);
    job.progress(0.97, 'Saving images');
    await timed('images: commit objects', () => objects.commit());
    const stored = await parts.store.commit(snapshotPath);
    const version = registerImageVersion(parts.db, read.newImages, {
      projectId: project.id,
      datasetName,
      importKey: read.listingSha256,
      snapshot: { sha256: stored.sha256, sizeBytes: stored.sizeBytes },
      rowCount: snapshot.rowCount,
      columns: snapshot.columns,
      source: { path: folder, format: 'images', sizeBytes: read.sizeBytes, sha256: read.listingSha256 },
      warnings: [...read.warnings],
      profile: snapshot.profile,
      actor: parts.actor,
    });
    const count = read.leftOut;
    const warned = count === 0 ? '' : `; ${count.toLocaleString('en-US')} warning${count === 1 ? '' : 's'}`;
    return {
      result: {
        versionId: version.id,
        datasetId: version.datasetId,
        reused: false,
        rowCount: version.rowCount,
        newImages: read.newImages.length,
      },
      message: `Imported ${version.rowCount.toLocaleString('en-US')} images as ${datasetName} v${version.number}${warned}.`,
    };
  } finally {
    await objects.discard();
    await rm(snapshotPath, { force: true });
  }
}
