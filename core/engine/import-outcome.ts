import type { DatasetVersion } from '../contract/index.js';

/** What an import job answers: its result (for the caller) and a one-line message (for the job list). */
export interface ImportOutcome {
  readonly result: Record<string, unknown>;
  readonly message: string;
}

/**
 * The answer of an import whose source a version already holds (same file or folder, same
 * options): that version, marked reused, and nothing new registered.
 */
export function unchangedImport(
  existing: Pick<DatasetVersion, 'id' | 'datasetId' | 'rowCount' | 'number'>,
  datasetName: string,
  source: 'file' | 'folder',
): ImportOutcome {
  return {
    result: {
      versionId: existing.id,
      datasetId: existing.datasetId,
      reused: true,
      rowCount: existing.rowCount,
    },
    message: `Unchanged: ${datasetName} v${existing.number} already holds this ${source}.`,
  };
}
