/** Orchard's model half of training: backends, model building, the training loop, artifacts. */
export { backendCandidates, describeEnvironment, selectBackend, type BackendCandidate } from './backend.js';
export { buildModel, outputKindOf, type BuiltModel, type ModelShape, type OutputKind } from './build.js';
export { fitModel, type FitOptions, type FitResult, type TrainingData } from './fit.js';
export { loadModel, predictProbabilities, serializeModel } from './artifact.js';
export type { Tf } from './tf-types.js';
