/** Validation: suites checked against a snapshot's columns, run as DuckDB SQL, and train/test leakage. */
export { findLeakage } from './leakage.js';
export { runSuite } from './run-suite.js';
export type { RunSuiteOptions } from './run-suite.js';
export type { Snapshot } from './group-checks.js';
export { checkIds, checkProblems, defaultCheckId, regexProblem, validateSuite } from './validate-suite.js';
