/**
 * Setup for the validation benchmark, not timed against the target, in its own process: on the
 * workspace WORKSPACE, import REFERENCE (1M rows) and DATA (10M rows) as two versions of one
 * dataset, and save the 25-check suite with the reference version as its `referenceVersionId`.
 * Reports the ids `orchard-validate.ts` needs. The suite is saved before the large import so a
 * missing `validation.saveSuite` fails in seconds, not after a 10M-row import.
 *
 *   node --import tsx bench/validate/orchard-setup.ts WORKSPACE DATA REFERENCE ROWS
 */
import type { OrchardApi } from '../../core/contract/client.js';
import { peakRssMb, reportResult } from '../lib/measure.js';
import { openOrchard } from '../lib/orchard-session.js';
import { validationSuite } from './suite.js';
import { jobResultString, throttledProgress, waitForJob } from './wait-job.js';

const datasetName = 'validate';

async function importVersion(api: OrchardApi, projectId: string, path: string): Promise<string> {
  const { jobId } = await api.datasets.import({ projectId, path, datasetName });
  const job = await waitForJob(api, jobId, throttledProgress('orchard import'));
  return jobResultString(job, 'versionId');
}

async function main(): Promise<void> {
  const [workspace, data, reference, rowsText] = process.argv.slice(2);
  if (!workspace || !data || !reference || !rowsText) {
    throw new Error('usage: orchard-setup.ts WORKSPACE DATA REFERENCE ROWS');
  }
  const rows = Number(rowsText);
  const session = await openOrchard(workspace);
  const { api } = session;
  try {
    const started = performance.now();
    const project = await api.projects.create({ name: 'bench-validate' });
    const referenceVersionId = await importVersion(api, project.id, reference);
    const referenceSeconds = (performance.now() - started) / 1000;
    const { datasetId } = await api.datasets.version({ versionId: referenceVersionId });
    const suite = await api.validation.saveSuite({
      datasetId,
      definition: validationSuite(rows, referenceVersionId),
    });
    const importStarted = performance.now();
    const versionId = await importVersion(api, project.id, data);
    const importSeconds = (performance.now() - importStarted) / 1000;
    const version = await api.datasets.version({ versionId });
    if (version.datasetId !== datasetId) throw new Error('the two imports landed in different datasets');
    reportResult({
      versionId,
      referenceVersionId,
      suiteVersionId: suite.latestVersion.id,
      checkCount: suite.latestVersion.definition.checks.length,
      rowCount: version.rowCount,
      columnCount: version.columns.length,
      columnTypes: Object.fromEntries(version.columns.map((c) => [c.name, c.type])),
      referenceSeconds,
      importSeconds,
      peakRssMb: peakRssMb(),
    });
  } finally {
    await session.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  reportResult({ error: message.split('\n')[0] ?? message });
  process.stderr.write(`orchard-setup failed: ${message}\n`);
  process.exitCode = 1;
});
