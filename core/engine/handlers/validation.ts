import { suggestSuite } from '../../domain/suggest-suite.js';
import { findLeakage } from '../../data/validation/index.js';
import {
  getDataset,
  getProfile,
  getSuite,
  getSuiteVersion,
  getValidationRun,
  getVersion,
  latestValidationStatus,
  listSuites,
  listValidationRuns,
  saveSuite,
  setSuiteRequired,
} from '../../registry/index.js';
import type { EngineParts, HandlerMap } from '../parts.js';
import { checkTrainingGate, prepareValidationRun, runAndRecord } from '../validation-runs.js';

type ValidationMethods =
  | 'validation.suggest'
  | 'validation.saveSuite'
  | 'validation.suites'
  | 'validation.setRequired'
  | 'validation.run'
  | 'validation.runs'
  | 'validation.getRun'
  | 'validation.status'
  | 'validation.leakage'
  | 'validation.gate';

export function validationHandlers(parts: EngineParts): HandlerMap<ValidationMethods> {
  const snapshot = (versionId: string) => {
    const version = getVersion(parts.db, versionId);
    return {
      version,
      target: { parquetPath: parts.store.pathOf(version.snapshotSha256), columns: version.columns },
    };
  };
  return {
    'validation.suggest': ({ versionId }) => {
      const version = getVersion(parts.db, versionId);
      const dataset = getDataset(parts.db, version.datasetId);
      const suggestion = suggestSuite(getProfile(parts.db, versionId), version.columns, versionId);
      return {
        ...suggestion,
        name: `${dataset.name} checks (suggested from v${version.number})`.slice(0, 120),
      };
    },
    'validation.saveSuite': ({ datasetId, definition, suiteId }) =>
      saveSuite(parts.db, { datasetId, definition, suiteId, actor: parts.actor }),
    'validation.suites': ({ datasetId }) => listSuites(parts.db, datasetId),
    'validation.setRequired': ({ suiteId, required }) => {
      getSuite(parts.db, suiteId);
      return setSuiteRequired(parts.db, suiteId, required, parts.actor);
    },
    'validation.run': ({ versionId, suiteVersionId }) => {
      const prepared = prepareValidationRun(
        parts,
        getVersion(parts.db, versionId),
        getSuiteVersion(parts.db, suiteVersionId),
      );
      const job = parts.jobs.start('validation.run', { versionId, suiteVersionId }, async (job) => {
        const run = await runAndRecord(parts, prepared, { signal: job.signal, onProgress: job.progress });
        const failed = run.results.filter((r) => !r.passed).length;
        return {
          result: { runId: run.id, status: run.status },
          message:
            run.status === 'passed'
              ? `All ${run.results.length} checks passed.`
              : `${failed} of ${run.results.length} checks failed.`,
        };
      });
      return { jobId: job.id };
    },
    'validation.runs': ({ versionId }) => {
      getVersion(parts.db, versionId);
      return listValidationRuns(parts.db, versionId);
    },
    'validation.getRun': ({ runId }) => getValidationRun(parts.db, runId),
    'validation.status': ({ datasetId }) => latestValidationStatus(parts.db, datasetId),
    'validation.leakage': async ({ leftVersionId, rightVersionId, idColumn }) => {
      const left = snapshot(leftVersionId);
      const right = snapshot(rightVersionId);
      const report = await findLeakage(parts.duck, left.target, right.target, idColumn);
      return { leftVersionId, rightVersionId, ...report };
    },
    'validation.gate': ({ versionId, override }) => checkTrainingGate(parts, versionId, override),
  };
}
