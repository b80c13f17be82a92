import type { ColumnType } from '../../contract/schemas.js';

/**
 * The fitted feature pipeline: everything needed to turn a row of the dataset (or of a file sent
 * for prediction) into the model's input vector, learnt from the training rows only. Plain JSON so
 * it is stored inside the model artifact and applied again by `transformRows` anywhere.
 */

/** The parts a date or timestamp becomes; each is imputed and standardised like a number. */
export const dateParts = ['year', 'month', 'day_of_week', 'day_of_year'] as const;
export type DatePart = (typeof dateParts)[number];

/** The pipeline's format; bumped when a step changes meaning, so an old artifact is refused, not misread. */
export const pipelineVersion = 1 as const;

/** Most frequent training categories that get a feature of their own; the rest share `(other)`. */
export const maxCategories = 50;

/** Rarer training categories remembered for the `(other)` bucket; beyond these a value counts as unseen. */
export const maxOtherValues = 10_000;

export const otherCategoryName = '(other)';
export const unseenCategoryName = '(unseen or missing)';

/** Impute-then-standardise statistics of one numeric input, from the training rows. */
export interface Scaling {
  /** Fills missing, NaN and ±Infinity values. */
  readonly median: number;
  /** Mean and population standard deviation after imputation; a constant column gets std 1. */
  readonly mean: number;
  readonly std: number;
}

export type FeatureStep =
  | {
      readonly kind: 'numeric';
      readonly column: string;
      readonly type: 'integer' | 'float';
      readonly scaling: Scaling;
    }
  | {
      readonly kind: 'boolean';
      readonly column: string;
      readonly type: 'boolean';
      /** Share of `true` in the training rows: what a missing value becomes. */
      readonly fill: number;
    }
  | {
      readonly kind: 'date';
      readonly column: string;
      readonly type: 'date' | 'timestamp';
      readonly parts: readonly { readonly part: DatePart; readonly scaling: Scaling }[];
    }
  | {
      readonly kind: 'categorical';
      readonly column: string;
      readonly type: 'categorical';
      /** One-hot features, most frequent first (ties by value). */
      readonly categories: readonly string[];
      /** Training values outside `categories`; they switch on `column=(other)`. */
      readonly otherValues: readonly string[];
    };

export interface FittedPipeline {
  readonly version: typeof pipelineVersion;
  readonly steps: readonly FeatureStep[];
  /** Names of the encoded features in matrix column order. */
  readonly featureNames: readonly string[];
  /** Training rows the statistics came from. */
  readonly trainRows: number;
}

/** Whether a categorical step has an `(other)` feature: only when training saw more values than it one-hots. */
export function hasOtherBucket(step: Extract<FeatureStep, { kind: 'categorical' }>): boolean {
  return step.otherValues.length > 0;
}

/** The encoded feature names one step contributes, in matrix order. */
export function stepFeatureNames(step: FeatureStep): string[] {
  switch (step.kind) {
    case 'numeric':
    case 'boolean':
      return [step.column];
    case 'date':
      return step.parts.map((part) => `${step.column}.${part.part}`);
    case 'categorical':
      return [
        ...step.categories.map((value) => `${step.column}=${value}`),
        ...(hasOtherBucket(step) ? [`${step.column}=${otherCategoryName}`] : []),
        `${step.column}=${unseenCategoryName}`,
      ];
  }
}

/** The logical type a step reads, for the model signature. */
export function stepInputType(step: FeatureStep): ColumnType {
  return step.type;
}

export function pipelineFeatureNames(steps: readonly FeatureStep[]): string[] {
  return steps.flatMap(stepFeatureNames);
}

/**
 * The image half of the feature pipeline: every image is decoded, resized to `size × size`
 * (stretched, as Keras' `image_dataset_from_directory` does by default), converted to grey or sRGB,
 * and scaled to [0, 1]. Stored in the model artifact so prediction decodes identically.
 */
export interface ImagePipeline {
  readonly version: 1;
  readonly kind: 'image';
  /** The column of the dataset holding each image's sha256 (image datasets: `image`). */
  readonly column: string;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly trainRows: number;
}

export function isImagePipeline(pipeline: unknown): pipeline is ImagePipeline {
  return (
    typeof pipeline === 'object' && pipeline !== null && (pipeline as { kind?: unknown }).kind === 'image'
  );
}
