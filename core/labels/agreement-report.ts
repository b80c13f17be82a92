import { InvalidInputError } from '../contract/index.js';
import type { AgreementReport, LabelSet } from '../contract/index.js';
import {
  cohensKappa,
  fleissKappa,
  krippendorffAlphaInterval,
  krippendorffAlphaNominal,
} from '../domain/agreement/index.js';
import type { Label } from '../domain/agreement/index.js';
import { labelKey } from './label-set-rules.js';
import type { LabelTable } from './label-state.js';

/**
 * The agreement report of a label set, computed by `core/domain/agreement` on the annotators'
 * current labels (docs/labelling.md, "Agreement and review"). Labels are compared as categories
 * (`labelKey`: the class, the sorted class list, or the score); per class, each label becomes the
 * one-vs-rest judgement "is it this class?".
 */

/** The coefficient, or null where the data leave nothing to measure (the domain code throws then). */
function orNull(compute: () => number): number | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof InvalidInputError) return null;
    throw error;
  }
}

function byCodeUnit(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Fleiss' kappa over items every annotator labelled, each given as its raters' categories. */
function fleissOf(rows: readonly (readonly string[])[]): number | null {
  if (rows.length === 0) return null;
  const categories = [...new Set(rows.flat())].sort(byCodeUnit);
  const counts = rows.map((row) => categories.map((c) => row.filter((x) => x === c).length));
  return orNull(() => fleissKappa(counts).kappa);
}

function alphaOf(units: readonly (readonly Label[])[]): number | null {
  return units.length === 0 ? null : orNull(() => krippendorffAlphaNominal(units).alpha);
}

/** Interval alpha of score sets: each unit's scores as numbers. */
function intervalAlphaOf(units: readonly (readonly Label[])[]): number | null {
  if (units.length === 0) return null;
  return orNull(
    () =>
      krippendorffAlphaInterval(units.map((row) => row.map((x) => (x === null ? null : Number(x))))).alpha,
  );
}

const labelled = (row: readonly Label[]) => row.reduce((n, x) => (x === null ? n : n + 1), 0);

/** Every annotator labelled the item (needs two or more annotators). */
function isComplete(row: readonly Label[]): row is string[] {
  return row.length >= 2 && row.every((x) => x !== null);
}

export function agreementReport(
  set: Pick<LabelSet, 'task' | 'classes'>,
  table: LabelTable,
  reviewed: ReadonlySet<number>,
): AgreementReport {
  const { annotators, cells, values } = table;
  const k = annotators.length;
  const keys = values.map((value) => labelKey(set, value));
  /** Each labelled item's categories per annotator (null = not labelled), from one value index → key. */
  const rowsOf = (category: (valueIndex: number) => string): Label[][] =>
    Array.from(table.rowIds, (_, i) =>
      Array.from({ length: k }, (_, j) => {
        const code = cells[i * k + j]!;
        return code < 0 ? null : category(code);
      }),
    );
  const keyed = rowsOf((code) => keys[code]!);
  const compared = keyed.filter((row) => labelled(row) >= 2);
  const unanimous = (row: readonly Label[]) => new Set(row.filter((x) => x !== null)).size === 1;
  const column = (j: number) => keyed.map((row) => row[j] ?? null);

  const pairwise: AgreementReport['pairwise'] = [];
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const a = column(i);
      const b = column(j);
      const both = a.filter((x, r) => x !== null && b[r] !== null).length;
      pairwise.push({
        a: annotators[i]!,
        b: annotators[j]!,
        items: both,
        kappa: both === 0 ? null : orNull(() => cohensKappa(a, b).kappa),
      });
    }

  // One-vs-rest per class: the set's classes, or for scores the values annotators gave.
  const classNames =
    set.task === 'score'
      ? [...new Set(keyed.flat().filter((x): x is string => x !== null))].sort(
          (x, y) => Number(x) - Number(y),
        )
      : set.classes.map((c) => c.name);
  const perClass = classNames.map((name) => {
    const isThis = values.map((value) =>
      'score' in value ? String(value.score) === name : value.classes.includes(name),
    );
    const judged = rowsOf((code) => (isThis[code] ? 'yes' : 'no'));
    return {
      name,
      fleissKappa: fleissOf(judged.filter(isComplete)),
      krippendorffAlpha: alphaOf(judged.filter((row) => labelled(row) >= 2)),
    };
  });

  let disagreements = 0;
  keyed.forEach((row, i) => {
    if (labelled(row) >= 2 && !unanimous(row) && !reviewed.has(table.rowIds[i]!)) disagreements += 1;
  });

  return {
    annotators: [...annotators],
    itemsCompared: compared.length,
    percentAgreement: compared.length === 0 ? null : compared.filter(unanimous).length / compared.length,
    cohenKappa: k === 2 ? (pairwise[0]?.kappa ?? null) : null,
    fleissKappa: fleissOf(keyed.filter(isComplete)),
    krippendorffAlpha: alphaOf(compared),
    // Score keys are `String(score)` (`labelKey`), so they read back as the numbers given.
    krippendorffAlphaInterval: set.task === 'score' ? intervalAlphaOf(compared) : null,
    pairwise,
    perClass,
    disagreements,
  };
}
