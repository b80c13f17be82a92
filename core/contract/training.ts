import { z } from 'zod';
import { ColumnType, Id } from './schemas.js';

export const trainingTasks = ['binary', 'multiclass', 'regression', 'image_classification'] as const;
export const TrainingTask = z.enum(trainingTasks);
export type TrainingTask = z.infer<typeof TrainingTask>;

export const backendNames = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export const BackendName = z.enum(backendNames);
export type BackendName = z.infer<typeof BackendName>;

const share = z.number().gt(0).lt(1);
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const SplitConfig = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('holdout'),
      /** Shares of the rows held out for validation and for the final test. */
      validation: share.default(0.15),
      test: share.default(0.15),
      /** Keep each class's share the same in every split (classification only). */
      stratify: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kfold'),
      folds: z.number().int().min(2).max(20).default(5),
      /** Rows held out for the final test before folding the rest. */
      test: share.default(0.15),
      stratify: z.boolean().default(true),
    })
    .strict(),
]);
export type SplitConfig = z.infer<typeof SplitConfig>;

export const ModelConfig = z.discriminatedUnion('kind', [
  /** Logistic regression for classification, linear regression for regression. */
  z.object({ kind: z.literal('linear'), l2: z.number().min(0).max(10).default(0) }).strict(),
  z
    .object({
      kind: z.literal('mlp'),
      layers: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([64, 64]),
      activation: z.enum(['relu', 'tanh', 'elu']).default('relu'),
      dropout: z.number().min(0).max(0.9).default(0),
      batchNorm: z.boolean().default(false),
      l2: z.number().min(0).max(10).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('cnn'),
      /** Images are resized to size × size. */
      imageSize: z.number().int().min(8).max(512).default(64),
      channels: z.union([z.literal(1), z.literal(3)]).default(3),
      filters: z.array(z.number().int().min(1).max(512)).min(1).max(6).default([16, 32]),
      dense: z.number().int().min(1).max(4096).default(64),
      dropout: z.number().min(0).max(0.9).default(0.25),
      augmentation: z
        .object({
          flipHorizontal: z.boolean().default(false),
          maxShiftPixels: z.number().int().min(0).max(64).default(0),
        })
        .strict()
        .default({ flipHorizontal: false, maxShiftPixels: 0 }),
    })
    .strict(),
]);
export type ModelConfig = z.infer<typeof ModelConfig>;

export const TrainingConfig = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    datasetVersionId: Id,
    /**
     * What to predict: a column of the dataset version, or — with `labelVersionId` — a frozen label
     * version of a label set on this dataset version, joined on `_row_id` as a new column named `column`.
     */
    target: z.object({ column: z.string().min(1), labelVersionId: Id.optional() }).strict(),
    task: TrainingTask,
    /** Columns to learn from; all but the target and `_row_id` when absent. */
    features: z.array(z.string().min(1)).min(1).max(2000).optional(),
    /** For images: the column holding image object hashes or paths. */
    imageColumn: z.string().min(1).optional(),
    split: SplitConfig.default({ kind: 'holdout', validation: 0.15, test: 0.15, stratify: true }),
    model: ModelConfig.default({
      kind: 'mlp',
      layers: [64, 64],
      activation: 'relu',
      dropout: 0,
      batchNorm: false,
      l2: 0,
    }),
    optimizer: z
      .object({
        kind: z.enum(['adam', 'sgd', 'rmsprop']).default('adam'),
        learningRate: z.number().positive().max(10).default(0.001),
      })
      .strict()
      .default({ kind: 'adam', learningRate: 0.001 }),
    batchSize: z.number().int().min(1).max(65_536).default(256),
    epochs: z.number().int().min(1).max(10_000).default(20),
    earlyStopping: z
      .object({
        metric: z.enum(['val_loss', 'val_accuracy', 'val_auc', 'val_rmse']).default('val_loss'),
        patience: z.number().int().min(1).max(1000).default(5),
      })
      .strict()
      .optional(),
    /** `balanced` weighs classes inversely to their frequency; or a weight per class value. */
    classWeights: z.union([z.literal('balanced'), z.record(z.string(), z.number().positive())]).optional(),
    seed: seed.default(42),
    /** Force a backend; `auto` picks the fastest that works (GPU, native CPU, wasm, plain JS). */
    backend: z.union([z.literal('auto'), BackendName]).default('auto'),
  })
  .strict();
export type TrainingConfig = z.infer<typeof TrainingConfig>;
export type TrainingConfigInput = z.input<typeof TrainingConfig>;

/** Metrics of one epoch; keys like `loss`, `accuracy`, `auc`, `rmse` with `val_` twins. */
export const EpochMetrics = z.object({
  epoch: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.number()),
  seconds: z.number().nonnegative(),
  samplesPerSecond: z.number().nonnegative(),
});
export type EpochMetrics = z.infer<typeof EpochMetrics>;

export const BackendChoice = z.object({
  name: BackendName,
  /** Why faster backends were not used, one line each (e.g. "tensorflow-gpu: not installed"). */
  skipped: z.array(z.string()),
});
export type BackendChoice = z.infer<typeof BackendChoice>;

export const RunEnvironment = z.object({
  orchardVersion: z.string(),
  tfjsVersion: z.string(),
  node: z.string(),
  os: z.string(),
  cpu: z.string(),
  gpu: z.string().nullable(),
});
export type RunEnvironment = z.infer<typeof RunEnvironment>;

export const ClassMetrics = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int().nonnegative(),
});

export const ClassificationMetrics = z.object({
  kind: z.literal('classification'),
  labels: z.array(z.string()),
  accuracy: z.number(),
  balancedAccuracy: z.number(),
  perClass: z.array(ClassMetrics),
  macro: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
  weighted: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
  /** One-vs-rest ROC AUC (macro average for more than two classes); null when a class is absent. */
  rocAuc: z.number().nullable(),
  /** Average precision (area under the PR curve), macro over classes. */
  prAuc: z.number().nullable(),
  logLoss: z.number(),
  calibration: z.object({
    bins: z.array(
      z.object({ meanPredicted: z.number(), fractionPositive: z.number(), count: z.number().int() }),
    ),
    ece: z.number(),
  }),
  /** rows = true label, columns = predicted label, in `labels` order. */
  confusionMatrix: z.array(z.array(z.number().int().nonnegative())),
  rocCurve: z.array(z.object({ fpr: z.number(), tpr: z.number() })).nullable(),
});
export type ClassificationMetrics = z.infer<typeof ClassificationMetrics>;

export const RegressionMetrics = z.object({
  kind: z.literal('regression'),
  mae: z.number(),
  rmse: z.number(),
  r2: z.number(),
  /** Up to 2,000 (predicted, residual) points for the residual plot. */
  residuals: z.array(z.object({ predicted: z.number(), residual: z.number() })),
});
export type RegressionMetrics = z.infer<typeof RegressionMetrics>;

export const Metrics = z.discriminatedUnion('kind', [ClassificationMetrics, RegressionMetrics]);
export type Metrics = z.infer<typeof Metrics>;

export const Evaluation = z.object({
  split: z.literal('test'),
  rows: z.number().int().nonnegative(),
  overall: Metrics,
  /** Every metric per value of each categorical column (values with at least 1 row). */
  slices: z.array(
    z.object({ column: z.string(), value: z.string(), rows: z.number().int(), metrics: Metrics }),
  ),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;

export const Run = z.object({
  id: Id,
  projectId: Id,
  name: z.string(),
  /** Trials of a hyperparameter search point at their search run. */
  parentRunId: Id.nullable(),
  status: z.enum(runStatuses),
  jobId: Id.nullable(),
  config: TrainingConfig,
  datasetVersionId: Id,
  datasetSnapshotSha256: z.string(),
  /** sha256 of the label version the target came from, when it came from labels. */
  labelVersionSha256: z.string().nullable(),
  backend: BackendChoice.nullable(),
  environment: RunEnvironment.nullable(),
  epochs: z.array(EpochMetrics),
  /** The test-split evaluation headline numbers (accuracy, auc, rmse…) for sorting runs. */
  summary: z.record(z.string(), z.number()),
  modelVersionId: Id.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Run = z.infer<typeof Run>;

export const SignatureColumn = z.object({ name: z.string(), type: ColumnType });

export const ModelVersion = z.object({
  id: Id,
  projectId: Id,
  runId: Id,
  name: z.string(),
  number: z.number().int().positive(),
  task: TrainingTask,
  /** sha256 of the model artifact (topology + weights + fitted feature pipeline) in the object store. */
  artifactSha256: z.string(),
  signature: z.object({
    inputs: z.array(SignatureColumn),
    output: z.object({ target: z.string(), labels: z.array(z.string()).nullable() }),
  }),
  evaluation: Evaluation,
  createdAt: z.string(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const SearchSpace = z
  .object({
    learningRate: z
      .object({ min: z.number().positive(), max: z.number().positive(), log: z.boolean().default(true) })
      .strict()
      .optional(),
    batchSize: z.array(z.number().int().positive()).min(1).optional(),
    layers: z.array(z.array(z.number().int().positive()).min(1)).min(1).optional(),
    dropout: z
      .object({ min: z.number().min(0), max: z.number().max(0.9) })
      .strict()
      .optional(),
  })
  .strict();
export type SearchSpace = z.infer<typeof SearchSpace>;

export const SearchConfig = z
  .object({
    strategy: z.enum(['random', 'successive_halving']),
    trials: z.number().int().min(2).max(200),
    /** Metric to optimise, from the validation split. */
    metric: z.enum(['val_loss', 'val_accuracy', 'val_auc', 'val_rmse']).default('val_loss'),
    space: SearchSpace,
    seed: seed.default(7),
  })
  .strict();
export type SearchConfig = z.infer<typeof SearchConfig>;
