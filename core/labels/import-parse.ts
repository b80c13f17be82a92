import path from 'node:path';
import { AnnotatorName, InvalidInputError, annotationActions } from '../contract/index.js';
import type { AnnotationAction, LabelSet, LabelValue } from '../contract/index.js';
import { describeJson, valueFromCell, valueFromJsonLabel, valueFromJsonValue } from './label-values.js';
import type { ValueCheck } from './label-values.js';
import { normaliseImagePath } from './snapshot-rows.js';

/**
 * One line of a label file judged on its own: an annotation to append, or why it is skipped.
 * CSV (`row_id,label[,annotator]`) and JSONL (frozen `{row_id,label}` lines or the merge format
 * `{id,row_id,annotator,action,value,undoes,created_at}`) end up in the same shape.
 */

export interface PendingAnnotation {
  readonly line: number;
  /** The merge format's id; frozen and CSV lines get a deterministic one once the file's hash is known. */
  readonly id: string | null;
  readonly rowId: number;
  readonly annotator: string;
  readonly action: AnnotationAction;
  readonly value: LabelValue | null;
  /** The id of the annotation this one undoes (merge format). */
  readonly undoesId: string | null;
  readonly createdAt: string | undefined;
}

export type LineOutcome =
  | { readonly kind: 'annotation'; readonly annotation: PendingAnnotation }
  | { readonly kind: 'unknownClasses'; readonly values: readonly string[] }
  | { readonly kind: 'unknownRow'; readonly rowId: string }
  | { readonly kind: 'invalid'; readonly message: string };

/** What a line is checked against: the set, its items, and (image sets) how paths map to rows. */
export interface ImportTarget {
  readonly set: LabelSet;
  /** Image sets: `path` → row id; null for tables. Looked up lazily (only files that name paths need it). */
  readonly rowIdOfPath: ((imagePath: string) => number | undefined) | null;
  /** For lines that name no annotator: the caller's, else the file name. */
  readonly defaultAnnotator: string;
}

/** The default annotator of a file: its name without the extension (`ana-labels.csv` → `ana-labels`). */
export function annotatorFromFileName(file: string): string {
  const base = path.basename(file);
  const stem = base.slice(0, base.length - path.extname(base).length).trim() || base;
  return stem.slice(0, 80);
}

const invalid = (message: string): LineOutcome => ({ kind: 'invalid', message });

function fromCheck(check: ValueCheck): LineOutcome | LabelValue {
  if (check.ok) return check.value;
  return 'unknownClasses' in check
    ? { kind: 'unknownClasses', values: check.unknownClasses }
    : invalid(check.message);
}

type RowOutcome = { readonly rowId: number } | LineOutcome;

/** A line that sets a label (not a merged annotation): no id of its own, no undo link. */
function plainLabel(line: number, rowId: number, annotator: string, value: LabelValue): LineOutcome {
  return {
    kind: 'annotation',
    annotation: {
      line,
      id: null,
      rowId,
      annotator,
      action: 'label',
      value,
      undoesId: null,
      createdAt: undefined,
    },
  };
}

function rowFromId(target: ImportTarget, raw: string): RowOutcome {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return invalid(`row_id \`${text}\` is not a whole number`);
  const rowId = Number(text);
  if (!Number.isSafeInteger(rowId) || rowId >= target.set.itemCount)
    return { kind: 'unknownRow', rowId: text };
  return { rowId };
}

function rowFromPath(target: ImportTarget, raw: string): RowOutcome {
  const imagePath = normaliseImagePath(raw);
  if (target.rowIdOfPath === null)
    return invalid('`path` names images only in an image dataset; give `row_id` instead');
  if (imagePath === '') return invalid('the path is empty');
  const rowId = target.rowIdOfPath(imagePath);
  return rowId === undefined ? { kind: 'unknownRow', rowId: imagePath } : { rowId };
}

function annotatorOf(target: ImportTarget, raw: unknown): string | LineOutcome {
  if (raw === undefined || raw === null || raw === '') return target.defaultAnnotator;
  if (typeof raw !== 'string') return invalid(`\`annotator\` must be text, got ${describeJson(raw)}`);
  const parsed = AnnotatorName.safeParse(raw);
  if (!parsed.success)
    return raw.trim() === '' ? target.defaultAnnotator : invalid('the annotator name is over 80 characters');
  return parsed.data;
}

const isOutcome = (x: unknown): x is LineOutcome => typeof x === 'object' && x !== null && 'kind' in x;

/** The columns a CSV header names (lower-cased, trimmed); `_row_id` stands for `row_id`. */
export interface CsvColumns {
  readonly rowId: number | undefined;
  readonly path: number | undefined;
  readonly label: number;
  readonly annotator: number | undefined;
  readonly count: number;
}

/** Reads the header; a missing required column refuses the whole file (nothing is imported). */
export function csvColumns(fileName: string, header: readonly string[], imageSet: boolean): CsvColumns {
  const names = header.map((h) => h.trim().toLowerCase());
  const at = (...wanted: string[]) => {
    const i = names.findIndex((n) => wanted.includes(n));
    return i < 0 ? undefined : i;
  };
  const found = header.map((h) => `\`${h.trim()}\``).join(', ');
  const expected = `the first line must name the columns: ${imageSet ? 'row_id (or path)' : 'row_id'},label[,annotator]`;
  const rowId = at('row_id', '_row_id');
  const imagePath = imageSet ? at('path') : undefined;
  const label = at('label');
  if (rowId === undefined && imagePath === undefined)
    throw new InvalidInputError(
      `${fileName}: the header has no \`${imageSet ? 'row_id` or `path' : 'row_id'}\` column (found ${found}); ${expected}.`,
      { column: 'row_id' },
    );
  if (label === undefined)
    throw new InvalidInputError(
      `${fileName}: the header has no \`label\` column (found ${found}); ${expected}.`,
      {
        column: 'label',
      },
    );
  return { rowId, path: imagePath, label, annotator: at('annotator'), count: header.length };
}

export function parseCsvRecord(
  target: ImportTarget,
  columns: CsvColumns,
  line: number,
  fields: readonly string[],
): LineOutcome {
  if (fields.length !== columns.count)
    return invalid(
      `${fields.length} field${fields.length === 1 ? '' : 's'} where the header has ${columns.count} (quote a value that holds a comma)`,
    );
  const row =
    columns.rowId !== undefined
      ? rowFromId(target, fields[columns.rowId]!)
      : rowFromPath(target, fields[columns.path!]!);
  if (isOutcome(row)) return row;
  const value = fromCheck(valueFromCell(target.set, fields[columns.label]!));
  if (isOutcome(value)) return value;
  const annotator = annotatorOf(
    target,
    columns.annotator === undefined ? undefined : fields[columns.annotator],
  );
  if (isOutcome(annotator)) return annotator;
  return plainLabel(line, row.rowId, annotator, value);
}

function rowOfJson(target: ImportTarget, record: Record<string, unknown>): RowOutcome {
  const rowId = record['row_id'];
  if (rowId !== undefined) {
    if (typeof rowId !== 'number' || !Number.isInteger(rowId) || rowId < 0)
      return invalid(`\`row_id\` must be a whole number, got ${describeJson(rowId)}`);
    return rowId >= target.set.itemCount ? { kind: 'unknownRow', rowId: String(rowId) } : { rowId };
  }
  if (typeof record['path'] === 'string') return rowFromPath(target, record['path']);
  return invalid(target.rowIdOfPath ? 'the line has no `row_id` or `path`' : 'the line has no `row_id`');
}

function mergeFields(target: ImportTarget, record: Record<string, unknown>) {
  const id = record['id'];
  if (typeof id !== 'string' || id.length < 8 || id.length > 64)
    return invalid(`\`id\` must be text of 8–64 characters, got ${describeJson(id)}`);
  const action = record['action'];
  if (typeof action !== 'string' || !(annotationActions as readonly string[]).includes(action))
    return invalid(`\`action\` must be one of ${annotationActions.join(', ')}, got ${describeJson(action)}`);
  const undoes = record['undoes'] ?? null;
  if (undoes !== null && typeof undoes !== 'string')
    return invalid(`\`undoes\` must be the id of an annotation or null, got ${describeJson(undoes)}`);
  const createdRaw = record['created_at'];
  let createdAt: string | undefined;
  if (createdRaw !== undefined && createdRaw !== null) {
    const time = typeof createdRaw === 'string' ? Date.parse(createdRaw) : Number.NaN;
    if (Number.isNaN(time))
      return invalid(`\`created_at\` must be an ISO date and time, got ${describeJson(createdRaw)}`);
    createdAt = new Date(time).toISOString();
  }
  let value: LabelValue | null = null;
  const rawValue = record['value'] ?? null;
  if (action === 'label' || action === 'review') {
    if (rawValue === null) return invalid(`a ${action} needs a \`value\``);
    const checked = fromCheck(valueFromJsonValue(target.set, rawValue));
    if (isOutcome(checked)) return checked;
    value = checked;
  } else if (rawValue !== null) {
    return invalid(`a ${action} carries no \`value\`, got ${describeJson(rawValue)}`);
  }
  return { id, action: action as AnnotationAction, value, undoesId: undoes, createdAt };
}

/** One JSONL line: a frozen `{row_id, label}` line, or a merge-format annotation (it has `id`/`action`). */
export function parseJsonLine(target: ImportTarget, line: number, text: string): LineOutcome {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return invalid(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return invalid(`expected a JSON object, got ${describeJson(record)}`);
  const fields = record as Record<string, unknown>;
  const row = rowOfJson(target, fields);
  if (isOutcome(row)) return row;
  const annotator = annotatorOf(target, fields['annotator']);
  if (isOutcome(annotator)) return annotator;
  if ('id' in fields || 'action' in fields) {
    const merge = mergeFields(target, fields);
    if (isOutcome(merge)) return merge;
    return { kind: 'annotation', annotation: { line, rowId: row.rowId, annotator, ...merge } };
  }
  if (!('label' in fields)) return invalid('the line has no `label`');
  const value = fromCheck(valueFromJsonLabel(target.set, fields['label']));
  if (isOutcome(value)) return value;
  return plainLabel(line, row.rowId, annotator, value);
}
