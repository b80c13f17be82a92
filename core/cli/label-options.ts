import os from 'node:os';
import { InvalidInputError } from '../contract/index.js';
import type {
  AgreementReport,
  LabelImportReport,
  LabelSet,
  LabelSetDefinition,
  LabelVersion,
} from '../contract/index.js';
import { formatNumber, table } from './format.js';

/** What the `orchard labels` flags mean, and how its reports read in a terminal. */

/** Tableau 10: distinct, colour-blind-aware defaults for classes created from the command line. */
const palette = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
/** 1…9, 0, then letters; J, K, S and U belong to the labelling view. */
const defaultHotkeys = [...'1234567890abcdefghilmnopqrtvwxyz'];

/** Who is labelling: `--annotator`, else `$ORCHARD_ANNOTATOR`, else the OS user (docs/labelling.md). */
export function resolveAnnotator(given: string | undefined): string {
  if (given?.trim()) return given.trim();
  const fromEnv = process.env['ORCHARD_ANNOTATOR']?.trim();
  if (fromEnv) return fromEnv;
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** `1:5` or `0:1:0.1` → a score range. */
export function parseScoreRange(text: string): { min: number; max: number; step?: number } {
  const parts = text.split(':').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  const [min, max, step] = parts;
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p)))
    throw new InvalidInputError(
      `--score-range ${text}: expected MIN:MAX or MIN:MAX:STEP, e.g. 1:5 or 0:1:0.1`,
    );
  return step === undefined ? { min: min!, max: max! } : { min: min!, max: max!, step };
}

export interface CreateOptions {
  name: string;
  task: string;
  classes?: string;
  hotkeys?: string;
  instructions?: string;
  textColumn?: string;
  suggestionColumn?: string;
  scoreRange?: string;
}

/** The label set definition the `create` flags describe; the engine checks the rest against the data. */
export function definitionFromOptions(o: CreateOptions): LabelSetDefinition {
  const task = o.task;
  if (task !== 'single' && task !== 'multi' && task !== 'score')
    throw new InvalidInputError(`--task ${task}: expected single, multi or score`);
  const base = {
    name: o.name,
    task,
    ...(o.instructions !== undefined ? { instructions: o.instructions } : {}),
    ...(o.textColumn !== undefined ? { textColumn: o.textColumn } : {}),
    ...(o.suggestionColumn !== undefined ? { suggestionColumn: o.suggestionColumn } : {}),
  } as const;
  if (task === 'score') {
    if (o.classes !== undefined)
      throw new InvalidInputError('A score task has a range, not classes: drop --classes.');
    if (o.scoreRange === undefined)
      throw new InvalidInputError('A score task needs --score-range MIN:MAX[:STEP].');
    return { ...base, score: parseScoreRange(o.scoreRange) };
  }
  if (o.scoreRange !== undefined)
    throw new InvalidInputError(`--score-range is for score tasks, not ${task}.`);
  const classes = list(o.classes ?? '');
  if (classes.length < 2)
    throw new InvalidInputError(
      `A ${task}-label set needs --classes with at least 2 names, e.g. --classes cat,dog.`,
    );
  const hotkeys =
    o.hotkeys === undefined ? defaultHotkeys.slice(0, classes.length) : list(o.hotkeys.toLowerCase());
  if (hotkeys.length !== classes.length)
    throw new InvalidInputError(
      o.hotkeys === undefined
        ? `${classes.length} classes are more than the ${defaultHotkeys.length} hotkeys available.`
        : `--hotkeys gives ${hotkeys.length} keys for ${classes.length} classes; give one per class, in order.`,
    );
  return {
    ...base,
    classes: classes.map((name, i) => ({ name, color: palette[i % palette.length]!, hotkey: hotkeys[i]! })),
  };
}

export const percent = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const statistic = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

/** The skipped lines of an import, in file order, as a person reads them. */
export function formatImportReport(
  report: LabelImportReport & { skippedLines?: number },
  set: LabelSet,
): string {
  const classes = set.classes.map((c) => c.name).join(', ');
  const lines = [
    ...report.unknownClasses.map(
      (u) => [u.line, `class \`${u.value}\` is not in the label set (${classes})`] as const,
    ),
    ...report.unknownRows.map(
      (u) =>
        [
          u.line,
          /^\d+$/.test(u.rowId)
            ? `row ${u.rowId} is not an item (the set has ${formatNumber(set.itemCount)}: 0–${set.itemCount - 1})`
            : `no image at ${u.rowId}`,
        ] as const,
    ),
    ...report.invalid.map((u) => [u.line, u.message] as const),
  ].sort((a, b) => a[0] - b[0]);
  const listed = new Set(lines.map(([line]) => line)).size;
  const more = (report.skippedLines ?? listed) - listed;
  return [
    ...lines.map(([line, message]) => `line ${line}: ${message}`),
    ...(more > 0 ? [`… and ${formatNumber(more)} more skipped lines`] : []),
  ].join('\n');
}

export function formatAgreement(report: AgreementReport): string {
  return [
    `annotators: ${report.annotators.join(', ') || 'none'}`,
    `items labelled by two or more: ${formatNumber(report.itemsCompared)}`,
    `percent agreement: ${percent(report.percentAgreement)}`,
    `Cohen's kappa (two annotators): ${statistic(report.cohenKappa)}`,
    `Fleiss' kappa: ${statistic(report.fleissKappa)}`,
    `Krippendorff's alpha: ${statistic(report.krippendorffAlpha)}`,
    ...(report.krippendorffAlphaInterval === null
      ? []
      : [`Krippendorff's alpha (interval, scores): ${statistic(report.krippendorffAlphaInterval)}`]),
    `disagreements awaiting review: ${formatNumber(report.disagreements)}`,
    ...(report.pairwise.length > 0
      ? [
          '',
          table(
            ['a', 'b', 'items', 'kappa'],
            report.pairwise.map((p) => [p.a, p.b, formatNumber(p.items), statistic(p.kappa)]),
          ),
        ]
      : []),
    ...(report.perClass.length > 0
      ? [
          '',
          table(
            ['class', 'fleiss', 'alpha'],
            report.perClass.map((c) => [c.name, statistic(c.fleissKappa), statistic(c.krippendorffAlpha)]),
          ),
        ]
      : []),
  ].join('\n');
}

export function describeVersion(set: LabelSet, v: LabelVersion): string {
  const counts = Object.entries(v.classCounts)
    .map(([name, n]) => `${name} ${formatNumber(n)}`)
    .join(', ');
  return [
    `"${set.name}" v${v.number} (${v.id}): ${formatNumber(v.itemCount)} items, policy ${v.policy}`,
    `classes: ${counts || 'none'}`,
    `left out: ${formatNumber(v.excluded.unlabelled)} unlabelled, ${formatNumber(v.excluded.unresolved)} unresolved`,
  ].join('\n');
}
