import { OrchardError } from '../contract/index.js';
import type { DatasetVersion, SuiteVersion, ValidationRun } from '../contract/index.js';
import { runSuite, validateSuite } from '../data/validation/index.js';
import {
  appendAudit,
  getVersion,
  latestRunOfSuite,
  listSuites,
  recordValidationRun,
} from '../registry/index.js';
import type { EngineParts } from './parts.js';

export interface PreparedRun {
  readonly version: DatasetVersion;
  readonly suiteVersion: SuiteVersion;
  readonly reference: DatasetVersion | null;
}

/** Everything that can be wrong with a suite is said here, before any check runs. */
export function prepareValidationRun(
  parts: EngineParts,
  version: DatasetVersion,
  suiteVersion: SuiteVersion,
): PreparedRun {
  const referenceId = suiteVersion.definition.referenceVersionId;
  const reference = referenceId ? getVersion(parts.db, referenceId) : null;
  validateSuite(suiteVersion.definition, version.columns, reference?.columns);
  return { version, suiteVersion, reference };
}

/** Runs every check of a suite version on a dataset version and records the run. */
export async function runAndRecord(
  parts: EngineParts,
  prepared: PreparedRun,
  options: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void } = {},
): Promise<ValidationRun> {
  const { version, suiteVersion, reference } = prepared;
  const started = performance.now();
  const results = await runSuite(
    parts.duck,
    { parquetPath: parts.store.pathOf(version.snapshotSha256), columns: version.columns },
    suiteVersion.definition,
    {
      ...(reference
        ? {
            reference: {
              parquetPath: parts.store.pathOf(reference.snapshotSha256),
              columns: reference.columns,
            },
          }
        : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
  return recordValidationRun(parts.db, {
    datasetVersionId: version.id,
    suiteVersionId: suiteVersion.id,
    results,
    durationMs: performance.now() - started,
    actor: parts.actor,
  });
}

export interface GateDecision {
  allowed: true;
  overridden: boolean;
  suites: { suiteId: string; name: string; status: 'passed' | 'failed' | 'not_run' }[];
}

/**
 * The gate before training: every required suite of the version's dataset must pass on it. A
 * required suite not yet run (at its latest version) on this version is run now. A failure refuses
 * with `gate_failed` unless the caller overrides with a reason, which goes to the audit log.
 */
export async function checkTrainingGate(
  parts: EngineParts,
  versionId: string,
  override?: { reason: string },
): Promise<GateDecision> {
  const version = getVersion(parts.db, versionId);
  const required = listSuites(parts.db, version.datasetId).filter((s) => s.required);
  const suites: GateDecision['suites'] = [];
  const failures: string[] = [];
  for (const suite of required) {
    let run = latestRunOfSuite(parts.db, version.id, suite.id);
    if (!run || run.suiteVersionId !== suite.latestVersion.id) {
      run = await runAndRecord(parts, prepareValidationRun(parts, version, suite.latestVersion));
    }
    suites.push({ suiteId: suite.id, name: suite.name, status: run.status });
    if (run.status === 'failed') {
      const failed = run.results.filter((r) => !r.passed && r.severity === 'error').map((r) => r.checkId);
      failures.push(
        `"${suite.name}" (failed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''})`,
      );
    }
  }
  if (failures.length > 0 && !override) {
    throw new OrchardError(
      'gate_failed',
      `Training on this dataset version is refused: required suite ${failures.join(' and ')} failed on it. ` +
        'Fix the data and import a new version, or override with a reason.',
      { versionId, suites },
    );
  }
  if (failures.length > 0 && override) {
    appendAudit(parts.db, {
      actor: parts.actor,
      action: 'validation.gate_overridden',
      subjectId: versionId,
      details: { reason: override.reason, suites },
    });
  }
  return { allowed: true, overridden: failures.length > 0, suites };
}
