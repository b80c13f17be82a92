import { InvalidInputError } from '../contract/index.js';
import type { DatasetVersion, TrainingConfig } from '../contract/index.js';
import { getLabelSet, getLabelVersion } from '../registry/index.js';
import type { LabelColumn } from '../train/data/prepare.js';
import type { EngineParts } from './parts.js';

/** What a run trains on besides the snapshot: the label version its target comes from, if any. */
export interface TrainingLabels {
  readonly labelVersion: { readonly id: string; readonly sha256: string };
  readonly column: LabelColumn;
}

/**
 * Checks a config's label version against the dataset version and task, and says how its labels
 * join the snapshot. Labels key on `_row_id`, which is stable within one dataset version only, so
 * the label set must be on the very version trained on.
 */
export function trainingLabels(
  parts: EngineParts,
  config: TrainingConfig,
  version: DatasetVersion,
): TrainingLabels | undefined {
  const labelVersionId = config.target.labelVersionId;
  if (labelVersionId === undefined) return undefined;
  const labelVersion = getLabelVersion(parts.db, labelVersionId);
  const set = getLabelSet(parts.db, labelVersion.labelSetId);
  if (labelVersion.datasetVersionId !== version.id) {
    throw new InvalidInputError(
      `Label version ${labelVersionId} labels dataset version ${labelVersion.datasetVersionId}, not ${version.id}; ` +
        'row ids differ between versions, so train on the version the labels were made on.',
      { labelVersionId, datasetVersionId: version.id },
    );
  }
  if (version.columns.some((c) => c.name === config.target.column)) {
    throw new InvalidInputError(
      `The labels become the column \`${config.target.column}\`, which the dataset already has; name the target something else (e.g. "label").`,
      { column: config.target.column },
    );
  }
  if (set.task === 'multi') {
    throw new InvalidInputError(
      `"${set.name}" is a multi-label set; training on multi-label targets is not supported yet. Use a single-label or score set.`,
    );
  }
  if (set.task === 'score' && config.task !== 'regression') {
    throw new InvalidInputError(`"${set.name}" holds scores; train it with task regression.`);
  }
  if (set.task === 'single' && config.task === 'regression') {
    throw new InvalidInputError(`"${set.name}" holds classes; train it with a classification task.`);
  }
  if (labelVersion.itemCount === 0) {
    throw new InvalidInputError(
      `Label version ${labelVersion.number} of "${set.name}" has no labelled items.`,
    );
  }
  const numeric = set.task === 'score';
  return {
    labelVersion: { id: labelVersion.id, sha256: labelVersion.sha256 },
    column: {
      jsonlPath: parts.store.pathOf(labelVersion.sha256),
      column: {
        name: config.target.column,
        type: numeric ? 'float' : 'categorical',
        storageType: numeric ? 'DOUBLE' : 'VARCHAR',
      },
    },
  };
}
