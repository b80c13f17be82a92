import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../contract/index.js';
import { safeFileName, uniqueName } from './file-names.js';
import { frozenLines, withImages } from './frozen-lines.js';
import { writeFolderAtomically } from './staging.js';
import type { FileWorkOptions, LabelFileStores, LabelVersionExport } from './types.js';

/**
 * The ImageNet folder layout (`<out>/<class>/<file>`), which torchvision's `ImageFolder`, Keras'
 * `image_dataset_from_directory` and most other tools read. Images come from the object store by
 * sha256; two images with the same file name in one class (from different sub-folders) become
 * `x.png` and `x-1.png`, decided in row order so the same version always gives the same tree.
 */
export async function exportImageTree(
  parts: LabelFileStores,
  job: LabelVersionExport,
  options: FileWorkOptions,
): Promise<number> {
  let items = 0;
  await writeFolderAtomically(job.outputPath, job.replaceFolder ?? false, async (staging) => {
    // Class folder names are made safe and unique up front, in the set's class order.
    const takenFolders = new Set<string>();
    const folderOf = new Map<string, string>();
    for (const c of job.set.classes)
      folderOf.set(c.name, uniqueName(takenFolders, safeFileName(c.name, 'class')));
    const takenFiles = new Map<string, Set<string>>();
    for (const folder of folderOf.values()) {
      await mkdir(path.join(staging, folder));
      takenFiles.set(folder, new Set());
    }
    for await (const line of withImages(parts, frozenLines(parts, job.version), job.datasetVersion)) {
      const className = typeof line.label === 'string' ? line.label : null;
      const folder = className === null ? undefined : folderOf.get(className);
      const taken = folder === undefined ? undefined : takenFiles.get(folder);
      if (folder === undefined || taken === undefined)
        throw new InvalidInputError(
          `Row ${line.rowId} of label version ${job.version.id} has label ${JSON.stringify(line.label)}, which is not one class of the set.`,
        );
      const name = uniqueName(taken, safeFileName(path.posix.basename(line.image.path), `row-${line.rowId}`));
      try {
        await copyFile(
          parts.store.pathOf(line.image.image),
          path.join(staging, folder, name),
          constants.COPYFILE_EXCL,
        );
      } catch (error) {
        throw new InvalidInputError(
          `Cannot copy image ${line.image.path} (row ${line.rowId}) from the object store: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
          { rowId: line.rowId, path: line.image.path },
        );
      }
      items += 1;
      if (items % 100 === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.(
          items / Math.max(1, job.version.itemCount),
          `Copied ${items.toLocaleString('en-US')} images`,
        );
      }
    }
    options.signal?.throwIfAborted();
  });
  return items;
}
