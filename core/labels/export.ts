import { closeSync, openSync, writeSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { InvalidInputError } from '../contract/index.js';
import type { DatasetVersion, LabelExportFormat, LabelSet } from '../contract/index.js';
import type { RegistryDb } from '../registry/index.js';
import { iterateAnnotations } from '../registry/index.js';
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

function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * Every annotation of a set as merge-format JSONL, in log order. The registry's iterator keeps a
 * statement open, and better-sqlite3 refuses writes on the connection meanwhile — so the file is
 * written synchronously while iterating, never yielding to the event loop (where a keypress's
 * `labels.annotate` would otherwise fail as "connection busy").
 */
export async function exportAnnotations(
  db: RegistryDb,
  set: LabelSet,
  outputPath: string,
  options: FileWorkOptions = {},
): Promise<{ outputPath: string; annotations: number }> {
  options.signal?.throwIfAborted();
  let count = 0;
  await writeFileAtomically(outputPath, async (staging) => {
    const fd = openSync(staging, 'wx');
    try {
      const idBySeq = new Map<number, string>();
      let chunk = '';
      for (const a of iterateAnnotations(db, set.id)) {
        idBySeq.set(a.seq, a.id);
        const line: MergeLine = {
          id: a.id,
          row_id: a.rowId,
          annotator: a.annotator,
          action: a.action,
          value: a.value,
          undoes: a.undoes === null ? null : (idBySeq.get(a.undoes) ?? null),
          created_at: a.createdAt,
        };
        chunk += `${JSON.stringify(line)}\n`;
        count += 1;
        if (chunk.length > 1 << 20) {
          writeAllSync(fd, chunk);
          chunk = '';
        }
      }
      writeAllSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
  });
  options.onProgress?.(1, `Wrote ${count.toLocaleString('en-US')} annotations`);
  return { outputPath, annotations: count };
}
