import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InvalidInputError } from '../../contract/errors.js';
import { hasImageExtension, imageExtensions } from './sniff.js';

export interface FolderImageFile {
  /** Relative to the folder, `/`-separated on every platform: what the snapshot's `path` holds. */
  readonly relativePath: string;
  readonly absolutePath: string;
}

export interface FolderScan {
  readonly folder: string;
  /** Files with an image extension, sorted bytewise (UTF-8) by relative path: the `_row_id` order. */
  readonly files: readonly FolderImageFile[];
  /** Entries passed over with a reason (symbolic links, unreadable sub-folders). */
  readonly warnings: readonly string[];
}

/**
 * Lists every `.png`, `.jpg`, `.jpeg` and `.webp` file below `folder`, nested folders included.
 * Symbolic links are not followed: a link could lead out of a folder the session may read (browser
 * mode checks the folder, not each file), or round in a cycle. A missing folder, a file, or a folder
 * without any image file is an `InvalidInputError` saying so.
 */
export async function scanImageFolder(folder: string, signal?: AbortSignal): Promise<FolderScan> {
  const info = await stat(folder).catch(() => null);
  if (!info)
    throw new InvalidInputError(`${folder} does not exist; check the path and try again.`, { path: folder });
  if (!info.isDirectory())
    throw new InvalidInputError(`${folder} is not a folder of images.`, { path: folder });
  const found: Array<{ key: Buffer; file: FolderImageFile }> = [];
  const warnings: string[] = [];
  let otherFiles = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    if (signal?.aborted === true) throw new CancelledError('The import was cancelled.');
    const relativeDir = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(folder, relativeDir), { withFileTypes: true });
    } catch (error) {
      if (relativeDir === '') throw error;
      warnings.push(
        `${relativeDir}/: could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); left out`,
      );
      continue;
    }
    for (const entry of entries) {
      const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) pending.push(relativePath);
      else if (entry.isSymbolicLink()) {
        if (hasImageExtension(entry.name))
          warnings.push(`${relativePath}: is a symbolic link, which Orchard does not follow; left out`);
      } else if (entry.isFile() && hasImageExtension(entry.name)) {
        const absolutePath = path.join(folder, ...relativePath.split('/'));
        found.push({ key: Buffer.from(relativePath, 'utf8'), file: { relativePath, absolutePath } });
      } else otherFiles += 1;
    }
  }
  if (found.length === 0) {
    const others = otherFiles > 0 ? ` (it has ${otherFiles} other file${otherFiles === 1 ? '' : 's'})` : '';
    throw new InvalidInputError(
      `${folder} has no image files${others}. Orchard imports folders of ${imageExtensions.join(', ')} files, nested folders included.`,
      { path: folder },
    );
  }
  found.sort((a, b) => Buffer.compare(a.key, b.key));
  return { folder, files: found.map((entry) => entry.file), warnings };
}
