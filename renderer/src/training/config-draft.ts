import type { ColumnProfile, DatasetVersion } from '../../../core/contract/schemas.js';
import { TrainingConfig } from '../../../core/contract/training.js';
import type { BackendName, TrainingTask } from '../../../core/contract/training.js';

export type EarlyStoppingMetric = 'val_loss' | 'val_accuracy' | 'val_auc' | 'val_rmse';

/** What a draft is built for: the version's id and columns, and whether it is a folder of images. */
export type DraftVersion = Pick<DatasetVersion, 'id' | 'columns' | 'source'>;

/** The training form as typed: numbers stay text until the config is built, so half-typed values survive. */
export interface TrainDraft {
  readonly name: string;
  /** Predict a column of the version, or a frozen label version of a label set on it. */
  readonly targetSource: 'column' | 'labels';
  /** The column to predict (target source `column`). */
  readonly target: string;
  /** The label version to predict (target source `labels`); empty until one is picked. */
  readonly labelVersionId: string;
  /** The new column the labels become; it must not clash with the version's own columns. */
  readonly labelColumn: string;
  readonly task: TrainingTask;
  /** Null: every column but the target. Tables only; an image classifier learns from the image. */
  readonly features: readonly string[] | null;
  readonly splitKind: 'holdout' | 'kfold';
  readonly validationShare: string;
  readonly testShare: string;
  readonly folds: string;
  readonly stratify: boolean;
  readonly modelKind: 'linear' | 'mlp' | 'cnn';
  /** MLP hidden layer sizes, "64,64". */
  readonly layers: string;
  readonly activation: 'relu' | 'tanh' | 'elu';
  /** MLP or CNN dropout. */
  readonly dropout: string;
  readonly batchNorm: boolean;
  readonly l2: string;
  /** CNN: images are resized to imageSize × imageSize. */
  readonly imageSize: string;
  readonly channels: '1' | '3';
  /** CNN conv filters per block, "16,32". */
  readonly filters: string;
  /** CNN dense units before the output. */
  readonly dense: string;
  readonly flipHorizontal: boolean;
  readonly maxShiftPixels: string;
  readonly optimizer: 'adam' | 'sgd' | 'rmsprop';
  readonly learningRate: string;
  readonly batchSize: string;
  readonly epochs: string;
  readonly earlyStopping: boolean;
  readonly earlyStoppingMetric: EarlyStoppingMetric;
  readonly patience: string;
  readonly classWeights: 'none' | 'balanced';
  readonly seed: string;
  readonly backend: 'auto' | BackendName;
}

export const defaultDraft: TrainDraft = {
  name: '',
  targetSource: 'column',
  target: '',
  labelVersionId: '',
  labelColumn: 'label',
  task: 'binary',
  features: null,
  splitKind: 'holdout',
  validationShare: '0.15',
  testShare: '0.15',
  folds: '5',
  stratify: true,
  modelKind: 'mlp',
  layers: '64,64',
  activation: 'relu',
  dropout: '0',
  batchNorm: false,
  l2: '0',
  imageSize: '32',
  channels: '3',
  filters: '16,32',
  dense: '64',
  flipHorizontal: false,
  maxShiftPixels: '0',
  optimizer: 'adam',
  learningRate: '0.001',
  batchSize: '256',
  epochs: '20',
  earlyStopping: true,
  earlyStoppingMetric: 'val_loss',
  patience: '5',
  classWeights: 'none',
  seed: '42',
  backend: 'auto',
};

/** A small CNN that trains in seconds on a few hundred images; the user grows it from there. */
export const defaultImageDraft: TrainDraft = {
  ...defaultDraft,
  task: 'image_classification',
  modelKind: 'cnn',
  splitKind: 'holdout',
  dropout: '0.25',
  batchSize: '32',
  epochs: '10',
};

export function isImageVersion(version: Pick<DatasetVersion, 'source'>): boolean {
  return version.source.format === 'images';
}

/** `base`, or `base_2`, `base_3`… whichever the version does not have yet. */
export function freeColumnName(version: Pick<DatasetVersion, 'columns'>, base: string): string {
  const taken = new Set(version.columns.map((column) => column.name));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n += 1;
  return `${base}_${n}`;
}

/**
 * The form's first state for a version: on images, the CNN defaults with the folder name (the
 * pre-label of an imported folder) as target; on tables, no target yet.
 */
export function initialDraft(version: DraftVersion): TrainDraft {
  const labelColumn = freeColumnName(version, 'label');
  if (!isImageVersion(version)) return { ...defaultDraft, labelColumn };
  const hasFolder = version.columns.some((column) => column.name === 'folder');
  return { ...defaultImageDraft, labelColumn, target: hasFolder ? 'folder' : '' };
}

export interface TaskSuggestion {
  readonly task: TrainingTask;
  readonly reason: string;
}

const maxClasses = 50;

/** What to predict for a target, from its type and distinct count in the version's profile. */
export function suggestTask(column: ColumnProfile, images = false): TaskSuggestion {
  const distinct = `${column.distinct} distinct values`;
  if (images) {
    if (column.distinct < 2)
      return {
        task: 'image_classification',
        reason: `${column.distinct === 1 ? 'one value only' : 'no values'}: an image classifier needs at least 2 classes; pick another target or labels`,
      };
    if (column.distinct > maxClasses)
      return {
        task: 'image_classification',
        reason: `${distinct}: too many classes to learn well; pick another target or labels`,
      };
    return { task: 'image_classification', reason: `${column.distinct} classes of images` };
  }
  if (column.type === 'boolean') return { task: 'binary', reason: 'a boolean column' };
  if (column.distinct === 2) return { task: 'binary', reason: `${column.type}, ${distinct}` };
  if (column.type === 'float') return { task: 'regression', reason: `float, ${distinct}` };
  if (column.type === 'integer')
    return column.distinct <= 20
      ? { task: 'multiclass', reason: `integer with few values (${distinct})` }
      : { task: 'regression', reason: `integer, ${distinct}` };
  if (column.distinct <= maxClasses) return { task: 'multiclass', reason: `${column.type}, ${distinct}` };
  return {
    task: 'multiclass',
    reason: `${column.type} with ${distinct}: too many classes to learn well; pick another target`,
  };
}

/** "64, 64" → [64, 64]; null when any part is not a positive whole number. */
export function parseSizes(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return null;
  const sizes = parts.map(Number);
  return sizes.every((size) => Number.isInteger(size) && size > 0) ? sizes : null;
}

export type Built<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: string[] };

/** Typed text as a number; empty text is NaN so the schema names the field rather than reading 0. */
export function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export function issuesOf(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
}

/** The target part of the config, or what is missing from the draft to make it. */
function targetOf(draft: TrainDraft, version: DraftVersion): Built<TrainingConfig['target']> {
  if (draft.targetSource === 'column') {
    return draft.target === ''
      ? { ok: false, problems: ['Choose the target column to predict.'] }
      : { ok: true, value: { column: draft.target } };
  }
  const column = draft.labelColumn.trim();
  const problems: string[] = [];
  if (draft.labelVersionId === '')
    problems.push('Choose a label version to predict, or switch the target to a column.');
  if (column === '') problems.push('Name the column the labels become, e.g. "label".');
  else if (version.columns.some((c) => c.name === column))
    problems.push(
      `The labels become the column \`${column}\`, which this dataset already has; name it something else, e.g. "${freeColumnName(version, column)}".`,
    );
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, value: { column, labelVersionId: draft.labelVersionId } };
}

function modelOf(draft: TrainDraft, layers: number[] | null, filters: number[] | null): unknown {
  switch (draft.modelKind) {
    case 'linear':
      return { kind: 'linear', l2: num(draft.l2) };
    case 'mlp':
      return {
        kind: 'mlp',
        layers,
        activation: draft.activation,
        dropout: num(draft.dropout),
        batchNorm: draft.batchNorm,
        l2: num(draft.l2),
      };
    case 'cnn':
      return {
        kind: 'cnn',
        imageSize: num(draft.imageSize),
        channels: Number(draft.channels),
        filters,
        dense: num(draft.dense),
        dropout: num(draft.dropout),
        augmentation: { flipHorizontal: draft.flipHorizontal, maxShiftPixels: num(draft.maxShiftPixels) },
      };
  }
}

/** The draft as a contract config for `version`, checked with the contract's own schema. */
export function buildConfig(draft: TrainDraft, version: DraftVersion): Built<TrainingConfig> {
  const images = isImageVersion(version);
  const target = targetOf(draft, version);
  const problems: string[] = target.ok ? [] : [...target.problems];
  if (images && (draft.task !== 'image_classification' || draft.modelKind !== 'cnn'))
    problems.push('On a folder of images, train an image classification with a CNN.');
  if (!images && (draft.task === 'image_classification' || draft.modelKind === 'cnn'))
    problems.push(
      'Image classification with a CNN needs a dataset imported from a folder of images; this version is a table.',
    );
  const layers = parseSizes(draft.layers);
  if (draft.modelKind === 'mlp' && layers === null)
    problems.push(
      `Layer sizes must be whole numbers separated by commas, like "64,64" (got "${draft.layers}").`,
    );
  const filters = parseSizes(draft.filters);
  if (draft.modelKind === 'cnn' && filters === null)
    problems.push(
      `Conv filters must be whole numbers separated by commas, one per block, like "16,32" (got "${draft.filters}").`,
    );
  // An image classifier learns from the image alone, so any picked columns are left out.
  const features = images ? null : draft.features;
  if (features !== null && features.length === 0) problems.push('Pick at least one feature.');
  if (problems.length > 0 || !target.ok) return { ok: false, problems };
  const splitKind = draft.splitKind;
  const candidate = {
    ...(draft.name.trim() !== '' ? { name: draft.name.trim() } : {}),
    datasetVersionId: version.id,
    target: target.value,
    task: draft.task,
    ...(features !== null ? { features: [...features] } : {}),
    split:
      splitKind === 'holdout'
        ? {
            kind: 'holdout',
            validation: num(draft.validationShare),
            test: num(draft.testShare),
            stratify: draft.stratify,
          }
        : { kind: 'kfold', folds: num(draft.folds), test: num(draft.testShare), stratify: draft.stratify },
    model: modelOf(draft, layers, filters),
    optimizer: { kind: draft.optimizer, learningRate: num(draft.learningRate) },
    batchSize: num(draft.batchSize),
    epochs: num(draft.epochs),
    ...(draft.earlyStopping
      ? { earlyStopping: { metric: draft.earlyStoppingMetric, patience: num(draft.patience) } }
      : {}),
    ...(draft.classWeights === 'balanced' && draft.task !== 'regression' ? { classWeights: 'balanced' } : {}),
    seed: num(draft.seed),
    backend: draft.backend,
  };
  const parsed = TrainingConfig.safeParse(candidate);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: issuesOf(parsed.error) };
}

/** A run's config back as a draft, for "Train again" with changes. */
export function draftFromConfig(config: TrainingConfig): TrainDraft {
  const split = config.split;
  const model = config.model;
  const base = model.kind === 'cnn' ? defaultImageDraft : defaultDraft;
  const labelVersionId = config.target.labelVersionId;
  return {
    ...base,
    name: '',
    targetSource: labelVersionId !== undefined ? 'labels' : 'column',
    target: labelVersionId !== undefined ? '' : config.target.column,
    labelVersionId: labelVersionId ?? '',
    labelColumn: labelVersionId !== undefined ? config.target.column : base.labelColumn,
    task: config.task,
    features: config.features ? [...config.features] : null,
    splitKind: split.kind,
    validationShare: split.kind === 'holdout' ? String(split.validation) : base.validationShare,
    testShare: String(split.test),
    folds: split.kind === 'kfold' ? String(split.folds) : base.folds,
    stratify: split.stratify,
    modelKind: model.kind,
    layers: model.kind === 'mlp' ? model.layers.join(',') : base.layers,
    activation: model.kind === 'mlp' ? model.activation : base.activation,
    dropout: model.kind === 'linear' ? base.dropout : String(model.dropout),
    batchNorm: model.kind === 'mlp' ? model.batchNorm : false,
    l2: model.kind === 'cnn' ? base.l2 : String(model.l2),
    imageSize: model.kind === 'cnn' ? String(model.imageSize) : base.imageSize,
    channels: model.kind === 'cnn' ? (model.channels === 1 ? '1' : '3') : base.channels,
    filters: model.kind === 'cnn' ? model.filters.join(',') : base.filters,
    dense: model.kind === 'cnn' ? String(model.dense) : base.dense,
    flipHorizontal: model.kind === 'cnn' ? model.augmentation.flipHorizontal : false,
    maxShiftPixels: model.kind === 'cnn' ? String(model.augmentation.maxShiftPixels) : base.maxShiftPixels,
    optimizer: config.optimizer.kind,
    learningRate: String(config.optimizer.learningRate),
    batchSize: String(config.batchSize),
    epochs: String(config.epochs),
    earlyStopping: config.earlyStopping !== undefined,
    earlyStoppingMetric: config.earlyStopping?.metric ?? base.earlyStoppingMetric,
    patience: String(config.earlyStopping?.patience ?? base.patience),
    classWeights: config.classWeights === 'balanced' ? 'balanced' : 'none',
    seed: String(config.seed),
    backend: config.backend,
  };
}
