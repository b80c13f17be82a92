import type { LabelSet, LabelValue } from '../contract/index.js';
import { findClass, fitsScore } from './label-set-rules.js';

/**
 * Turning label files' cells into annotation values and back. One place decides what a value
 * looks like in each file format, so export and import round-trip:
 * single `cat`, multi `cat;dog` (CSV) or `["cat","dog"]` (JSON), score `4` / `4`.
 */

/** Separates classes of a multi-label value in a CSV cell. */
export const multiLabelSeparator = ';';

/** What a frozen line's `label` is: class name, sorted class names, or score. */
export type FrozenLabel = string | string[] | number;

export type ValueCheck =
  | { readonly ok: true; readonly value: LabelValue }
  /** Some class names are not in the set: reported as unknown classes. */
  | { readonly ok: false; readonly unknownClasses: readonly string[] }
  /** Anything else that does not fit the task: reported as a malformed line. */
  | { readonly ok: false; readonly message: string };

/** A frozen line's label as a LabelValue (the canonical JSONL is ours, so its shape is trusted). */
export function frozenToValue(label: FrozenLabel): LabelValue {
  if (typeof label === 'number') return { score: label };
  return { classes: typeof label === 'string' ? [label] : label };
}

/** A CSV cell: the class, `a;b` for several, or the score as written by JavaScript. */
export function frozenToCsvCell(label: FrozenLabel): string {
  if (typeof label === 'number') return String(label);
  return typeof label === 'string' ? label : label.join(multiLabelSeparator);
}

function classList(set: LabelSet): string {
  return set.classes.map((c) => c.name).join(', ');
}

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A score within the set's range, on its step (with a tolerance for decimal steps like 0.1). */
export function checkScore(set: LabelSet, score: number, written: string): ValueCheck {
  const range = set.score;
  if (!range) return { ok: false, message: 'the label set has no score range' };
  if (!Number.isFinite(score)) return { ok: false, message: `score \`${written}\` is not a number` };
  if (score < range.min || score > range.max)
    return { ok: false, message: `score ${written} is outside ${range.min}–${range.max}` };
  if (!fitsScore(set, score))
    return {
      ok: false,
      message: `score ${written} is not on the scale ${range.min}–${range.max} in steps of ${range.step}`,
    };
  return { ok: true, value: { score } };
}

/**
 * Class names checked against the set: unknown ones reported, known ones in the set's spelling
 * (names match case-insensitively, as the app does), each once, sorted as the registry stores them.
 */
export function checkClasses(set: LabelSet, names: readonly string[]): ValueCheck {
  if (set.task === 'score')
    return { ok: false, message: `a score set takes a number, not a class (${names.join(', ')})` };
  const unknown = names.filter((n) => findClass(set, n) === undefined);
  if (unknown.length > 0) return { ok: false, unknownClasses: unknown };
  const classes = [...new Set(names.map((n) => findClass(set, n) ?? n))].sort();
  if (set.task === 'single' && classes.length !== 1)
    return {
      ok: false,
      message:
        classes.length === 0
          ? `no label (one of ${classList(set)})`
          : `a single-label set takes one class, got ${classes.length} (${classes.join(', ')})`,
    };
  return { ok: true, value: { classes } };
}

/** A CSV cell: a score, one class, or `a;b` for a multi-label set (a class name holding `;` still matches whole). */
export function valueFromCell(set: LabelSet, cell: string): ValueCheck {
  const text = cell.trim();
  if (set.task === 'score') {
    if (text === '') return { ok: false, message: 'no score' };
    if (!numberPattern.test(text)) return { ok: false, message: `score \`${text}\` is not a number` };
    return checkScore(set, Number(text), text);
  }
  if (findClass(set, text) !== undefined) return checkClasses(set, [text]);
  const names =
    set.task === 'multi' || text.includes(multiLabelSeparator)
      ? text
          .split(multiLabelSeparator)
          .map((n) => n.trim())
          .filter((n) => n !== '')
      : [text].filter((n) => n !== '');
  return checkClasses(set, names);
}

/** A JSON `label`: a class name, an array of class names, or a number for scores. */
export function valueFromJsonLabel(set: LabelSet, label: unknown): ValueCheck {
  if (set.task === 'score') {
    if (typeof label !== 'number')
      return { ok: false, message: `\`label\` must be a number for a score set, got ${describeJson(label)}` };
    return checkScore(set, label, String(label));
  }
  if (typeof label === 'string') return checkClasses(set, [label.trim()].filter(Boolean));
  if (Array.isArray(label) && label.every((l): l is string => typeof l === 'string'))
    return checkClasses(
      set,
      label.map((l) => l.trim()),
    );
  return {
    ok: false,
    message: `\`label\` must be a class name or a list of class names, got ${describeJson(label)}`,
  };
}

/** A merge-format `value` object: `{classes: […]}` or `{score: n}`. */
export function valueFromJsonValue(set: LabelSet, value: unknown): ValueCheck {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const record = value as Record<string, unknown>;
    if (keys.length === 1 && keys[0] === 'score') {
      if (set.task !== 'score') return { ok: false, message: `a score does not fit a ${set.task}-label set` };
      return typeof record['score'] === 'number'
        ? checkScore(set, record['score'], String(record['score']))
        : { ok: false, message: `\`value.score\` must be a number, got ${describeJson(record['score'])}` };
    }
    if (keys.length === 1 && keys[0] === 'classes') return valueFromJsonLabel(set, record['classes']);
  }
  return {
    ok: false,
    message: `\`value\` must be {"classes": […]} or {"score": n}, got ${describeJson(value)}`,
  };
}

/** A short description of a JSON value for an error message. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
