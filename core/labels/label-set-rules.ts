import { InvalidInputError, NotFoundError } from '../contract/index.js';
import type {
  AnnotationAction,
  DatasetVersion,
  LabelItemKind,
  LabelSet,
  LabelValue,
  ParsedLabelSetDefinition,
} from '../contract/index.js';

/**
 * What a label set may be: its definition checked against the dataset version it labels, and each
 * value an annotator sends checked against the set's task. The contract's zod schema already
 * refused what can be judged without the data (duplicate hotkeys, reserved keys, too few classes).
 */

/** The column of an image dataset's snapshot that holds each image's sha256 (docs/labelling.md). */
export const imageColumn = 'image';

function columnList(version: DatasetVersion): string {
  return version.columns.map((c) => `\`${c.name}\``).join(', ');
}

/** Throws naming the column and the version's real columns when `column` is not one of them. */
export function requireColumn(version: DatasetVersion, column: string, role: string): void {
  if (version.columns.some((c) => c.name === column)) return;
  throw new InvalidInputError(
    `The ${role} \`${column}\` is not a column of dataset version ${version.number} (${version.id}); ` +
      `choose one of ${columnList(version)}.`,
    { column, role },
  );
}

/**
 * Checks a definition against the version's columns and decides the item kind: `image` for an
 * image folder, `text` when a text column is named or the table has one (the first becomes the
 * text column), else `row`. Returns the definition as stored.
 */
export function checkLabelSetDefinition(
  version: DatasetVersion,
  definition: ParsedLabelSetDefinition,
): { definition: ParsedLabelSetDefinition; itemKind: LabelItemKind } {
  if (definition.task === 'score' && definition.classes.length > 0)
    throw new InvalidInputError(
      'A score task has a range, not classes; remove the classes or pick single/multi.',
    );
  if (definition.task !== 'score' && definition.score !== undefined)
    throw new InvalidInputError(
      `Only a score task has a range; remove \`score\` from this ${definition.task} set.`,
    );
  if (definition.textColumn !== undefined) requireColumn(version, definition.textColumn, 'text column');
  if (definition.suggestionColumn !== undefined)
    requireColumn(version, definition.suggestionColumn, 'suggestion column');
  if (version.source.format === 'images') {
    if (!version.columns.some((c) => c.name === imageColumn))
      throw new InvalidInputError(
        `Dataset version ${version.id} was imported from images but has no \`${imageColumn}\` column; re-import the folder.`,
      );
    return { definition, itemKind: 'image' };
  }
  if (definition.textColumn !== undefined) return { definition, itemKind: 'text' };
  const firstText = version.columns.find((c) => c.type === 'text');
  if (firstText) return { definition: { ...definition, textColumn: firstText.name }, itemKind: 'text' };
  return { definition, itemKind: 'row' };
}

/** Throws when a row id is not an item of the set (row ids run 0 … itemCount − 1). */
export function requireItems(set: LabelSet, rowIds: readonly number[]): void {
  const outside = rowIds.find((rowId) => rowId >= set.itemCount);
  if (outside === undefined) return;
  throw new NotFoundError(
    `Row ${outside} is not an item of label set "${set.name}": it has ${set.itemCount} items ` +
      `(row ids 0–${Math.max(0, set.itemCount - 1)}).`,
    { rowId: outside },
  );
}

function byCodeUnit(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The set's class named `name` (case and surrounding space ignored), or undefined. */
export function findClass(set: Pick<LabelSet, 'classes'>, name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return set.classes.find((c) => c.name.toLowerCase() === wanted)?.name;
}

function knownClasses(set: LabelSet): string {
  return set.classes.map((c) => c.name).join(', ');
}

/** Whether `score` lies in the range and on a step from its minimum (within float rounding). */
export function fitsScore(set: Pick<LabelSet, 'score'>, score: number): boolean {
  const range = set.score;
  if (!range || !Number.isFinite(score) || score < range.min || score > range.max) return false;
  const steps = (score - range.min) / range.step;
  return Math.abs(steps - Math.round(steps)) < 1e-9 * Math.max(1, Math.abs(steps));
}

/**
 * A value the set's task accepts, in its canonical form (class names as defined, multi-label
 * classes sorted); throws saying what was wrong and what would fit.
 */
export function checkLabelValue(set: LabelSet, value: LabelValue): LabelValue {
  if (set.task === 'score') {
    if (!('score' in value))
      throw new InvalidInputError(`"${set.name}" is a score task: send {score: n}, not classes.`);
    if (!fitsScore(set, value.score)) {
      const r = set.score!;
      throw new InvalidInputError(
        `Score ${value.score} does not fit "${set.name}": scores run from ${r.min} to ${r.max} in steps of ${r.step}.`,
        { score: value.score },
      );
    }
    return { score: value.score };
  }
  if (!('classes' in value))
    throw new InvalidInputError(
      `"${set.name}" is a ${set.task}-label task: send {classes: [...]}, not a score.`,
    );
  const classes = value.classes.map((name) => {
    const known = findClass(set, name);
    if (known === undefined)
      throw new InvalidInputError(
        `"${name}" is not a class of "${set.name}"; its classes are ${knownClasses(set)}.`,
        {
          class: name,
        },
      );
    return known;
  });
  if (set.task === 'single' && classes.length !== 1)
    throw new InvalidInputError(
      `"${set.name}" takes exactly one class per item, got ${classes.length}; use a multi-label set for several.`,
    );
  const repeated = classes.find((c, i) => classes.indexOf(c) !== i);
  if (repeated !== undefined)
    throw new InvalidInputError(`Class "${repeated}" appears twice in one label; give each class once.`);
  return { classes: [...classes].sort(byCodeUnit) };
}

/** A label carries a value; a skip or clear carries none. Returns the value to store. */
export function checkAnnotationValue(
  set: LabelSet,
  action: AnnotationAction,
  value: LabelValue | undefined,
): LabelValue | null {
  if (action === 'label' || action === 'review') {
    if (value === undefined) throw new InvalidInputError(`A ${action} needs a value (the class or score).`);
    return checkLabelValue(set, value);
  }
  if (value !== undefined)
    throw new InvalidInputError(`A ${action} carries no value; leave \`value\` out or send action "label".`);
  return null;
}

/**
 * One label as a comparable category: the class (single), the JSON list of sorted classes
 * (multi, so a label is compared as a set), or the score as text.
 */
export function labelKey(set: Pick<LabelSet, 'task'>, value: LabelValue): string {
  if ('score' in value) return String(value.score);
  if (set.task === 'multi') return JSON.stringify([...value.classes].sort(byCodeUnit));
  return value.classes[0] ?? '';
}

/** What a frozen line holds: the class, the sorted class list (multi), or the number. */
export function frozenLabel(set: Pick<LabelSet, 'task'>, value: LabelValue): string | string[] | number {
  if ('score' in value) return value.score;
  if (set.task === 'multi') return [...value.classes].sort(byCodeUnit);
  return value.classes[0] ?? '';
}

/** The suggestion a cell of the suggestion column makes: a class it names, or a score that fits. */
export function suggestionFor(set: LabelSet, cell: unknown): string | null {
  if (cell === null || cell === undefined || typeof cell === 'object') return null;
  if (set.task === 'score') {
    const score = typeof cell === 'number' ? cell : Number(String(cell).trim());
    return String(cell).trim() !== '' && fitsScore(set, score) ? String(score) : null;
  }
  return findClass(set, String(cell)) ?? null;
}
