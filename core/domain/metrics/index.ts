export {
  classificationMetrics,
  confusionMatrixOf,
  logLossEpsilon,
  logLossOf,
  predictedClasses,
} from './classification.js';
export { regressionMetrics, residualPoints, maxResidualPoints } from './regression.js';
export { calibrationOf, calibrationBinCount } from './calibration.js';
export type { Calibration, CalibrationBin } from './calibration.js';
export {
  averagePrecisionOf,
  downsampleRoc,
  maxRocPoints,
  rankCurve,
  rocAucOf,
  rocPointsOf,
} from './ranking.js';
export type { RankCurve, RocPoint } from './ranking.js';
export type { NumberColumn, ProbabilityMatrix } from './inputs.js';
