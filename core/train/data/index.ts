export type { FeatureStep, FittedPipeline, Scaling, DatePart } from './pipeline.js';
export {
  dateParts,
  maxCategories,
  otherCategoryName,
  pipelineVersion,
  unseenCategoryName,
} from './pipeline.js';
export type { PreparedData, PrepareTrainingDataInput, SplitData } from './prepare.js';
export { maxClasses, missingSliceValue, prepareTrainingData } from './prepare.js';
export type { TransformedRows, TransformOptions, TransformSource } from './transform.js';
export { transformRows } from './transform.js';
export { mulberry32 } from './prng.js';
export type { Fold } from './split.js';
