import type { ColumnProfile } from '../../../core/contract/schemas.js';
import { SearchConfig, TrainingConfig } from '../../../core/contract/training.js';
import type { BackendName, TrainingTask } from '../../../core/contract/training.js';

export type TabularTask = Exclude<TrainingTask, 'image_classification'>;
export type EarlyStoppingMetric = 'val_loss' | 'val_accuracy' | 'val_auc' | 'val_rmse';

/** The training form as typed: numbers stay text until the config is built, so half-typed values survive. */
export interface TrainDraft {
  readonly name: string;
  readonly target: string;
  readonly task: TabularTask;
  /** Null: every column but the target. */
  readonly features: readonly string[] | null;
  readonly splitKind: 'holdout' | 'kfold';
  readonly validationShare: string;
  readonly testShare: string;
  readonly folds: string;
  readonly stratify: boolean;
  readonly modelKind: 'linear' | 'mlp';
  /** MLP hidden layer sizes, "64,64". */
  readonly layers: string;
  readonly activation: 'relu' | 'tanh' | 'elu';
  readonly dropout: string;
  readonly batchNorm: boolean;
  readonly l2: string;
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
  target: '',
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

/** The search variant of the form: ranges around the draft's own values. */
export interface SearchDraft {
  readonly strategy: 'random' | 'successive_halving';
  readonly trials: string;
  readonly metric: EarlyStoppingMetric;
  readonly learningRateMin: string;
  readonly learningRateMax: string;
  /** "64,128,256" */
  readonly batchSizes: string;
  /** Layer options separated by `;`: "32; 64,64; 128,64". */
  readonly layerOptions: string;
  readonly dropoutMin: string;
  readonly dropoutMax: string;
  readonly seed: string;
}

export const defaultSearchDraft: SearchDraft = {
  strategy: 'random',
  trials: '8',
  metric: 'val_loss',
  learningRateMin: '0.0001',
  learningRateMax: '0.01',
  batchSizes: '64,128,256',
  layerOptions: '32; 64,64; 128,64',
  dropoutMin: '0',
  dropoutMax: '0.3',
  seed: '7',
};

export interface TaskSuggestion {
  readonly task: TabularTask;
  readonly reason: string;
}

const maxClasses = 50;

/** What to predict for a target, from its type and distinct count in the version's profile. */
export function suggestTask(column: ColumnProfile): TaskSuggestion {
  const distinct = `${column.distinct} distinct values`;
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

type Built<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: string[] };

function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
}

/** The draft as a contract config, checked with the contract's own schema. */
export function buildConfig(draft: TrainDraft, datasetVersionId: string): Built<TrainingConfig> {
  const problems: string[] = [];
  if (draft.target === '') problems.push('Choose the target column to predict.');
  const layers = parseSizes(draft.layers);
  if (draft.modelKind === 'mlp' && layers === null)
    problems.push(
      `Layer sizes must be whole numbers separated by commas, like "64,64" (got "${draft.layers}").`,
    );
  if (draft.features !== null && draft.features.length === 0) problems.push('Pick at least one feature.');
  if (problems.length > 0) return { ok: false, problems };
  const candidate = {
    ...(draft.name.trim() !== '' ? { name: draft.name.trim() } : {}),
    datasetVersionId,
    target: { column: draft.target },
    task: draft.task,
    ...(draft.features !== null ? { features: [...draft.features] } : {}),
    split:
      draft.splitKind === 'holdout'
        ? {
            kind: 'holdout',
            validation: num(draft.validationShare),
            test: num(draft.testShare),
            stratify: draft.stratify,
          }
        : { kind: 'kfold', folds: num(draft.folds), test: num(draft.testShare), stratify: draft.stratify },
    model:
      draft.modelKind === 'linear'
        ? { kind: 'linear', l2: num(draft.l2) }
        : {
            kind: 'mlp',
            layers,
            activation: draft.activation,
            dropout: num(draft.dropout),
            batchNorm: draft.batchNorm,
            l2: num(draft.l2),
          },
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

/** Layer options "32; 64,64" → [[32], [64, 64]]; null when one is malformed. */
export function parseLayerOptions(text: string): number[][] | null {
  const options = text
    .split(';')
    .map((option) => option.trim())
    .filter((option) => option !== '');
  const parsed = options.map(parseSizes);
  return parsed.every((sizes): sizes is number[] => sizes !== null) ? parsed : null;
}

export function buildSearch(draft: SearchDraft, modelKind: TrainDraft['modelKind']): Built<SearchConfig> {
  const batchSizes = draft.batchSizes.trim() === '' ? [] : parseSizes(draft.batchSizes);
  const layerOptions = draft.layerOptions.trim() === '' ? [] : parseLayerOptions(draft.layerOptions);
  const problems: string[] = [];
  if (batchSizes === null)
    problems.push(`Batch sizes must be whole numbers like "64,128" (got "${draft.batchSizes}").`);
  if (layerOptions === null)
    problems.push(
      `Layer options must be sizes separated by ";", like "32; 64,64" (got "${draft.layerOptions}").`,
    );
  if (problems.length > 0 || batchSizes === null || layerOptions === null) return { ok: false, problems };
  const candidate = {
    strategy: draft.strategy,
    trials: num(draft.trials),
    metric: draft.metric,
    seed: num(draft.seed),
    space: {
      learningRate: { min: num(draft.learningRateMin), max: num(draft.learningRateMax), log: true },
      ...(batchSizes.length > 0 ? { batchSize: batchSizes } : {}),
      // Layer sizes and dropout only mean something for an MLP.
      ...(modelKind === 'mlp' && layerOptions.length > 0 ? { layers: layerOptions } : {}),
      ...(modelKind === 'mlp' ? { dropout: { min: num(draft.dropoutMin), max: num(draft.dropoutMax) } } : {}),
    },
  };
  const parsed = SearchConfig.safeParse(candidate);
  if (!parsed.success) return { ok: false, problems: issuesOf(parsed.error) };
  const range = parsed.data.space.learningRate;
  if (range && range.min > range.max)
    return { ok: false, problems: ['The learning rate range is upside down: min is above max.'] };
  return { ok: true, value: parsed.data };
}

/** A run's config back as a draft, for "Train again" with changes. */
export function draftFromConfig(config: TrainingConfig): TrainDraft {
  const split = config.split;
  const model = config.model;
  return {
    ...defaultDraft,
    name: '',
    target: config.target.column,
    task: config.task === 'image_classification' ? 'multiclass' : config.task,
    features: config.features ? [...config.features] : null,
    splitKind: split.kind,
    validationShare: split.kind === 'holdout' ? String(split.validation) : defaultDraft.validationShare,
    testShare: String(split.test),
    folds: split.kind === 'kfold' ? String(split.folds) : defaultDraft.folds,
    stratify: split.stratify,
    modelKind: model.kind === 'linear' ? 'linear' : 'mlp',
    layers: model.kind === 'mlp' ? model.layers.join(',') : defaultDraft.layers,
    activation: model.kind === 'mlp' ? model.activation : defaultDraft.activation,
    dropout: model.kind === 'mlp' ? String(model.dropout) : defaultDraft.dropout,
    batchNorm: model.kind === 'mlp' ? model.batchNorm : false,
    l2: model.kind === 'cnn' ? defaultDraft.l2 : String(model.l2),
    optimizer: config.optimizer.kind,
    learningRate: String(config.optimizer.learningRate),
    batchSize: String(config.batchSize),
    epochs: String(config.epochs),
    earlyStopping: config.earlyStopping !== undefined,
    earlyStoppingMetric: config.earlyStopping?.metric ?? defaultDraft.earlyStoppingMetric,
    patience: String(config.earlyStopping?.patience ?? defaultDraft.patience),
    classWeights: config.classWeights === 'balanced' ? 'balanced' : 'none',
    seed: String(config.seed),
    backend: config.backend,
  };
}
