import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InvalidInputError, NotFoundError } from '../contract/index.js';
import type { DatasetVersion, LabelImportReport, LabelSet } from '../contract/index.js';
import type { NewAnnotation, RegistryDb } from '../registry/index.js';
import { annotationHistory, appendAnnotations } from '../registry/index.js';
import { csvColumns, parseCsvRecord, parseJsonLine, annotatorFromFileName } from './import-parse.js';
import type { CsvColumns, ImportTarget, LineOutcome, PendingAnnotation } from './import-parse.js';
import { csvRecords, readLines } from './import-lines.js';
import { isImageVersion, rowIdsByPath } from './snapshot-rows.js';
import type { FileWorkOptions, LabelFileStores } from './types.js';

export interface LabelImport {
  readonly set: LabelSet;
  readonly datasetVersion: DatasetVersion;
  /** An absolute path the caller may read. */
  readonly file: string;
  /** For lines that name no annotator (default: the file name). */
  readonly annotator?: string | undefined;
}

/** Each list of the report keeps its first entries; a file of a million bad lines still answers small. */
export const maxReportedPerKind = 1000;

export interface LabelImportResult extends LabelImportReport {
  readonly format: 'csv' | 'jsonl';
  /** Lines not imported, however many of them the lists show. */
  readonly skippedLines: number;
  /** Entries beyond the first `maxReportedPerKind` of each list (counted, not listed). */
  readonly omitted: {
    readonly unknownClasses: number;
    readonly unknownRows: number;
    readonly invalid: number;
  };
}

function detectFormat(file: string, firstLine: string): 'csv' | 'jsonl' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  return firstLine.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

class ReportBuilder {
  readonly report = {
    unknownClasses: [] as LabelImportReport['unknownClasses'],
    unknownRows: [] as LabelImportReport['unknownRows'],
    invalid: [] as LabelImportReport['invalid'],
  };
  readonly omitted = { unknownClasses: 0, unknownRows: 0, invalid: 0 };
  skippedLines = 0;

  add(line: number, outcome: Exclude<LineOutcome, { kind: 'annotation' }>): void {
    const { report } = this;
    this.skippedLines += 1;
    const room = (list: readonly unknown[], kind: keyof ReportBuilder['omitted']) => {
      if (list.length < maxReportedPerKind) return true;
      this.omitted[kind] += 1;
      return false;
    };
    if (outcome.kind === 'invalid') {
      if (room(report.invalid, 'invalid')) report.invalid.push({ line, message: outcome.message });
    } else if (outcome.kind === 'unknownRow') {
      if (room(report.unknownRows, 'unknownRows')) report.unknownRows.push({ line, rowId: outcome.rowId });
    } else {
      for (const value of outcome.values)
        if (room(report.unknownClasses, 'unknownClasses')) report.unknownClasses.push({ line, value });
    }
  }
}

/** Ids of lines that carry none: the same file imported into the same set by the same annotator adds nothing. */
function lineId(setId: string, fileSha256: string, a: PendingAnnotation): string {
  const digest = createHash('sha256')
    .update(`${setId}\0${fileSha256}\0${a.line}\0${a.annotator}`)
    .digest('hex');
  return `imp_${digest.slice(0, 40)}`;
}

async function checkFile(file: string): Promise<{ name: string; size: number }> {
  const name = path.basename(file);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotFoundError(`${file}: no such file.`, { path: file });
    throw new InvalidInputError(`${file}: cannot read it (${error.code ?? error.message}).`, { path: file });
  });
  if (info.isDirectory())
    throw new InvalidInputError(`${file} is a folder; give a CSV or JSONL file of labels.`, { path: file });
  if (info.size === 0)
    throw new InvalidInputError(
      `${name} is empty; a label file needs a header line and one line per label.`,
      {
        path: file,
      },
    );
  return { name, size: info.size };
}

/**
 * Reads a label file line by line (never whole) into annotations with origin `import`, reporting
 * what it skips with line numbers, then appends the rest in one transaction. A missing header
 * column refuses the whole file.
 */
export async function importLabels(
  parts: LabelFileStores & { readonly db: RegistryDb },
  job: LabelImport,
  options: FileWorkOptions = {},
): Promise<LabelImportResult> {
  const { name, size } = await checkFile(job.file);
  const byPath = isImageVersion(job.datasetVersion) ? await rowIdsByPath(parts, job.datasetVersion) : null;
  const target: ImportTarget = {
    set: job.set,
    rowIdOfPath: byPath && ((p) => byPath.get(p)),
    defaultAnnotator: job.annotator ?? annotatorFromFileName(job.file),
  };
  const hash = createHash('sha256');
  const builder = new ReportBuilder();
  const pending: PendingAnnotation[] = [];
  const lines = readLines(job.file, {
    signal: options.signal,
    hash,
    onBytes: (bytes) => options.onProgress?.(0.9 * (bytes / size), `Read ${name}`),
  });
  const keep = (line: number, outcome: LineOutcome) => {
    if (outcome.kind === 'annotation') pending.push(outcome.annotation);
    else builder.add(line, outcome);
  };

  /** Parses every line into `pending` or the report; returns the format the file was read as. */
  async function readAll(): Promise<'csv' | 'jsonl'> {
    // The format is decided by the first non-blank line, so peek at it and hand it on.
    let first: Awaited<ReturnType<typeof lines.next>>;
    do first = await lines.next();
    while (!first.done && 'text' in first.value && first.value.text.trim() === '');
    if (first.done)
      throw new InvalidInputError(`${name} holds only blank lines; a label file needs one line per label.`, {
        path: job.file,
      });
    const firstLine = first.value;
    const format = detectFormat(job.file, 'text' in firstLine ? firstLine.text : '');
    if (format === 'jsonl' && 'text' in firstLine && firstLine.text.trimStart().startsWith('['))
      throw new InvalidInputError(
        `${name} is a JSON array; write one JSON object per line (JSON Lines), e.g. {"row_id": 0, "label": "cat"}.`,
        { path: job.file },
      );
    async function* all() {
      yield firstLine;
      yield* lines;
    }

    if (format === 'jsonl') {
      for await (const entry of all()) {
        if ('error' in entry) builder.add(entry.line, { kind: 'invalid', message: entry.error });
        else if (entry.text.trim() !== '') keep(entry.line, parseJsonLine(target, entry.line, entry.text));
      }
    } else if (format === 'csv') {
      const delimiter =
        'text' in firstLine && firstLine.text.includes('\t') && !firstLine.text.includes(',') ? '\t' : ',';
      let columns: CsvColumns | undefined;
      for await (const record of csvRecords(all(), delimiter)) {
        if (columns === undefined) {
          if ('error' in record)
            throw new InvalidInputError(
              `${name} line ${record.line}: cannot read the header (${record.error}).`,
            );
          columns = csvColumns(name, record.fields, byPath !== null);
          continue;
        }
        if ('error' in record) builder.add(record.line, { kind: 'invalid', message: record.error });
        else keep(record.line, parseCsvRecord(target, columns, record.line, record.fields));
      }
    }
    return format;
  }

  let format: 'csv' | 'jsonl';
  try {
    format = await readAll();
  } finally {
    await lines.return(undefined);
  }
  options.signal?.throwIfAborted();
  options.onProgress?.(0.92, `Saving ${pending.length.toLocaleString('en-US')} labels`);
  const fileSha256 = hash.digest('hex');
  const { imported, alreadyPresent } = appendImported(parts.db, job.set.id, name, pending, fileSha256);
  return {
    ...builder.report,
    omitted: builder.omitted,
    skippedLines: builder.skippedLines,
    format,
    imported,
    alreadyPresent,
  };
}

/**
 * Appends in one outer transaction (nested appends are savepoints: all land or none). A merge
 * line's `undoes` names an annotation by id; seqs differ between workspaces, so it is resolved to
 * this log's seq — flushing the batch first when the undone annotation is in it.
 */
function appendImported(
  db: RegistryDb,
  setId: string,
  fileName: string,
  pending: readonly PendingAnnotation[],
  fileSha256: string,
): { imported: number; alreadyPresent: number } {
  const referenced = new Set(pending.flatMap((a) => (a.undoesId === null ? [] : [a.undoesId])));
  const seqById = new Map<string, number>();
  let batch: NewAnnotation[] = [];
  const batchIds = new Set<string>();
  let imported = 0;
  let alreadyPresent = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const result = appendAnnotations(db, setId, batch, { origin: 'import' });
    for (const a of result.annotations) if (referenced.has(a.id)) seqById.set(a.id, a.seq);
    imported += result.annotations.length - result.alreadyPresent;
    alreadyPresent += result.alreadyPresent;
    batch = [];
    batchIds.clear();
  };
  const seqOf = (undoesId: string, rowId: number): number | undefined => {
    if (batchIds.has(undoesId)) flush();
    return seqById.get(undoesId) ?? annotationHistory(db, setId, rowId).find((a) => a.id === undoesId)?.seq;
  };
  const run = db.transaction(() => {
    for (const a of pending) {
      const id = a.id ?? lineId(setId, fileSha256, a);
      // An undo whose target is in neither file nor log keeps its value; only the link is lost.
      const undoes = a.undoesId === null ? undefined : seqOf(a.undoesId, a.rowId);
      batch.push({
        id,
        rowId: a.rowId,
        annotator: a.annotator,
        action: a.action,
        value: a.value,
        undoes,
        createdAt: a.createdAt,
      });
      batchIds.add(id);
      if (batch.length >= 10_000) flush();
    }
    flush();
  });
  try {
    run.immediate();
  } catch (error) {
    if (error instanceof ConflictError)
      throw new ConflictError(
        `${fileName}: ${error.message} Merge an annotations export into the label set it came from (the ids of one set's annotations cannot be added to another).`,
        { ...error.details },
      );
    throw error;
  }
  return { imported, alreadyPresent };
}
