import { copyFile, open } from 'node:fs/promises';
import { InvalidInputError } from '../contract/index.js';
import type { DatasetVersion, LabelExportFormat, LabelSet } from '../contract/index.js';
import type { RegistryDb } from '../registry/index.js';
import { annotationLogEnd, annotationLogPage } from '../registry/index.js';
import { exportImageTree } from './export-imagenet.js';
import { frozenLines, withImages } from './frozen-lines.js';
import type { FrozenLine } from './frozen-lines.js';
import { frozenToCsvCell } from './label-values.js';
import { isImageVersion } from './snapshot-rows.js';
import type { ImageRow } from './snapshot-rows.js';
import { TextSink, writeFileAtomically } from './staging.js';
import type { FileWorkOptions, LabelFileStores, LabelVersionExport } from './types.js';
import { csvField } from '../data/csv-field.js';

export interface ExportResult {
  readonly outputPath: string;
  readonly format: LabelExportFormat;
  readonly items: number;
}

/** Refuses, before any work, an export the set cannot have: the ImageNet layout is one folder per class. */
export function checkExportable(
  set: LabelSet,
  datasetVersion: DatasetVersion,
  format: LabelExportFormat,
): void {
  if (format !== 'imagenet') return;
  if (!isImageVersion(datasetVersion))
    throw new InvalidInputError(
      `Label set "${set.name}" labels a table, not images: the imagenet format copies image files into class folders. Export it as csv or jsonl.`,
      { labelSetId: set.id, format },
    );
  if (set.task !== 'single')
    throw new InvalidInputError(
      `Label set "${set.name}" is a ${set.task === 'multi' ? 'multi-label' : 'score'} set: the imagenet format puts each image in exactly one class folder. Export it as csv or jsonl.`,
      { labelSetId: set.id, format, task: set.task },
    );
}

async function writeCsv(
  parts: LabelFileStores,
  job: LabelVersionExport,
  staging: string,
  options: FileWorkOptions,
) {
  const images = isImageVersion(job.datasetVersion);
  const sink = new TextSink(staging);
  let items = 0;
  try {
    await sink.write(images ? 'row_id,path,label\n' : 'row_id,label\n');
    const lines = frozenLines(parts, job.version);
    const rows: AsyncIterable<FrozenLine & { readonly image?: ImageRow }> = images
      ? withImages(parts, lines, job.datasetVersion)
      : lines;
    for await (const line of rows) {
      const pathCell = line.image ? `${csvField(line.image.path)},` : '';
      await sink.write(`${line.rowId},${pathCell}${csvField(frozenToCsvCell(line.label))}\n`);
      items += 1;
      if (items % 10_000 === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.(
          items / Math.max(1, job.version.itemCount),
          `Wrote ${items.toLocaleString('en-US')} labels`,
        );
      }
    }
    await sink.close();
  } catch (error) {
    sink.destroy();
    throw error;
  }
  return items;
}

/**
 * Writes a label version as `csv` (`row_id,label`, plus `path` for images; multi-label as `a;b`),
 * `jsonl` (the frozen lines, byte for byte: its sha256 is the version's hash) or `imagenet`
 * (`<out>/<class>/<file>` copies of the images). Nothing appears at `outputPath` until it is whole.
 */
export async function exportLabelVersion(
  parts: LabelFileStores,
  job: LabelVersionExport,
  options: FileWorkOptions = {},
): Promise<ExportResult> {
  checkExportable(job.set, job.datasetVersion, job.format);
  const done = (items: number): ExportResult => ({ outputPath: job.outputPath, format: job.format, items });
  if (job.format === 'imagenet') {
    const items = await exportImageTree(parts, job, options);
    return done(items);
  }
  if (job.format === 'jsonl') {
    await writeFileAtomically(job.outputPath, (staging) =>
      copyFile(parts.store.pathOf(job.version.sha256), staging),
    );
    return done(job.version.itemCount);
  }
  let items = 0;
  await writeFileAtomically(job.outputPath, async (staging) => {
    items = await writeCsv(parts, job, staging, options);
  });
  return done(items);
}

/** One merge-format line: `undoes` names the undone annotation by id, since seqs differ between workspaces. */
export interface MergeLine {
  readonly id: string;
  readonly row_id: number;
  readonly annotator: string;
  readonly action: string;
  readonly value: unknown;
  readonly undoes: string | null;
  readonly created_at: string;
}

/** Annotations read from the registry per page of the merge export (then the event loop gets a turn). */
const annotationPageSize = 5_000;

/**
 * Every annotation of a set as merge-format JSONL, in log order, as the log stood when the export
 * began (annotations made meanwhile are left for the next export). The log is read a page at a time
 * (`annotationLogPage`) and each page written before the next is read, so labelling goes on while a
 * large log is exported (a keypress's write waits for one page, not the whole export) and memory
 * holds one page, whatever the log's length. Cancellable between pages.
 */
export async function exportAnnotations(
  db: RegistryDb,
  set: LabelSet,
  outputPath: string,
  options: FileWorkOptions = {},
): Promise<{ outputPath: string; annotations: number }> {
  options.signal?.throwIfAborted();
  const end = annotationLogEnd(db, set.id);
  let count = 0;
  await writeFileAtomically(outputPath, async (staging) => {
    const file = await open(staging, 'wx');
    try {
      for (let afterSeq = 0; ;) {
        options.signal?.throwIfAborted();
        const page = annotationLogPage(db, set.id, afterSeq, end.lastSeq, annotationPageSize);
        if (page.length === 0) break;
        let text = '';
        for (const a of page) {
          const line: MergeLine = {
            id: a.id,
            row_id: a.rowId,
            annotator: a.annotator,
            action: a.action,
            value: a.value,
            undoes: a.undoesId,
            created_at: a.createdAt,
          };
          text += `${JSON.stringify(line)}\n`;
        }
        await file.writeFile(text, 'utf8');
        count += page.length;
        afterSeq = page.at(-1)?.seq ?? end.lastSeq;
        options.onProgress?.(
          end.count === 0 ? 1 : count / end.count,
          `Wrote ${count.toLocaleString('en-US')} of ${end.count.toLocaleString('en-US')} annotations`,
        );
      }
    } finally {
      await file.close();
    }
  });
  options.onProgress?.(1, `Wrote ${count.toLocaleString('en-US')} annotations`);
  return { outputPath, annotations: count };
}
