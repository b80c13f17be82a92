import { InvalidInputError } from '../../contract/errors.js';
import type { SplitConfig } from '../../contract/training.js';
import { mulberry32, shuffleInPlace } from './prng.js';

/** Which split a row went to. */
export const splitCodes = { train: 0, validation: 1, test: 2 } as const;

export interface HoldoutRequest {
  /** Rows to split, in a fixed order (ascending `_row_id`); the result is indexed the same way. */
  readonly rows: number;
  /** Class index per row for a stratified split; null splits all rows as one group. */
  readonly classes: Int32Array | null;
  /** Names of the classes, for messages. */
  readonly labels: readonly string[] | null;
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
}

/** Row indices of each class (or one group of all rows), each ascending. */
function groupsOf(rows: number, classes: Int32Array | null, classCount: number): Int32Array[] {
  if (classes === null) return [Int32Array.from({ length: rows }, (_, index) => index)];
  const sizes = new Int32Array(classCount);
  for (let row = 0; row < rows; row += 1) sizes[classes[row] as number] += 1;
  const groups = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(classCount);
  for (let row = 0; row < rows; row += 1) {
    const group = classes[row] as number;
    (groups[group] as Int32Array)[filled[group] as number] = row;
    filled[group] += 1;
  }
  return groups;
}

function refuseSingletons(groups: readonly Int32Array[], labels: readonly string[] | null): void {
  const single = groups.findIndex((group) => group.length === 1);
  if (single < 0) return;
  const label = labels?.[single] ?? String(single);
  throw new InvalidInputError(
    `Class '${label}' has a single example, so a stratified split cannot put it in both training and evaluation. ` +
      'Add more examples of it, drop it from the data, or set split.stratify to false.',
    { class: label },
  );
}

/**
 * Assigns each row to train, validation or test (`splitCodes`). Stratified: every class is
 * shuffled on its own and cut at the same shares, so each split keeps the class mix. The
 * generator is seeded, so the same rows and seed always give the same split.
 */
export function assignHoldout(request: HoldoutRequest): Uint8Array {
  const { rows, classes, labels } = request;
  const groups = groupsOf(rows, classes, labels?.length ?? 0);
  if (classes !== null) refuseSingletons(groups, labels);
  const random = mulberry32(request.seed);
  const assignment = new Uint8Array(rows);
  for (const group of groups) {
    shuffleInPlace(group, random);
    const testCount = Math.round(group.length * request.test);
    const validationCount = Math.round(group.length * request.validation);
    group.forEach((row, position) => {
      assignment[row] =
        position < testCount
          ? splitCodes.test
          : position < testCount + validationCount
            ? splitCodes.validation
            : splitCodes.train;
    });
  }
  const counts = [0, 0, 0];
  for (const code of assignment) counts[code] = (counts[code] ?? 0) + 1;
  const [train, validation, test] = counts as [number, number, number];
  if (train === 0 || test === 0 || (request.validation > 0 && validation === 0)) {
    throw new InvalidInputError(
      `${rows} rows are too few to split into training (${train}), validation (${validation}) and test (${test}) rows. ` +
        'Add rows, or raise the validation and test shares.',
      { rows, train, validation, test },
    );
  }
  return assignment;
}

export interface FoldRequest {
  readonly rows: number;
  readonly classes: Int32Array | null;
  readonly labels: readonly string[] | null;
  readonly folds: number;
  readonly seed: number;
}

export interface Fold {
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/**
 * K folds over `rows` rows: each row is in exactly one fold's validation part. Stratified: each
 * class is shuffled and dealt round-robin, continuing where the previous class stopped, so fold
 * sizes differ by at most one and each fold keeps the class mix.
 */
export function assignFolds(request: FoldRequest): { folds: Fold[]; warnings: string[] } {
  const { rows, classes, labels, folds } = request;
  if (rows < folds) {
    throw new InvalidInputError(
      `${rows} rows outside the test split are too few for ${folds} folds. Use fewer folds or add rows.`,
      { rows, folds },
    );
  }
  const groups = groupsOf(rows, classes, labels?.length ?? 0);
  const warnings: string[] = [];
  if (classes !== null) {
    refuseSingletons(groups, labels);
    const small = groups.flatMap((group, index) =>
      group.length > 0 && group.length < folds ? [labels?.[index] ?? String(index)] : [],
    );
    if (small.length > 0) {
      warnings.push(
        `Classes ${small.map((label) => `'${label}'`).join(', ')} have fewer examples than the ${folds} folds; some folds validate without them.`,
      );
    }
  }
  // Each fold's seed stream is offset from the holdout's so the two shuffles are independent.
  const random = mulberry32((request.seed ^ 0x5bd1e995) >>> 0);
  const foldOf = new Int32Array(rows);
  let next = 0;
  for (const group of groups) {
    shuffleInPlace(group, random);
    for (const row of group) {
      foldOf[row] = next;
      next = (next + 1) % folds;
    }
  }
  const sizes = new Int32Array(folds);
  for (const fold of foldOf) sizes[fold] += 1;
  const result = Array.from({ length: folds }, (_, fold): Fold => {
    const validation = new Int32Array(sizes[fold] as number);
    const train = new Int32Array(rows - validation.length);
    let v = 0;
    let t = 0;
    for (let row = 0; row < rows; row += 1) {
      if (foldOf[row] === fold) validation[v++] = row;
      else train[t++] = row;
    }
    return { train, validation };
  });
  return { folds: result, warnings };
}

/**
 * The folds of a k-fold split over the training rows (`y`: their class indices, used when
 * `stratify`), or null for a holdout split; the folds' warnings are added to `warnings`. Tables and
 * image folders fold the same way.
 */
export function foldsOfSplit(
  split: SplitConfig,
  train: { readonly n: number; readonly y: Float32Array },
  options: { stratify: boolean; labels: readonly string[] | null; seed: number; warnings: string[] },
): Fold[] | null {
  if (split.kind !== 'kfold') return null;
  const assigned = assignFolds({
    rows: train.n,
    classes: options.stratify ? Int32Array.from(train.y) : null,
    labels: options.labels,
    folds: split.folds,
    seed: options.seed,
  });
  options.warnings.push(...assigned.warnings);
  return assigned.folds;
}
