/**
 * Orchard's setup side of the labelling benchmark, run as its own process by `run.ts` so its peak
 * RSS is the import's own: open the engine on WORKSPACE, import PATH (a folder of images or a CSV)
 * as dataset NAME of project PROJECT (made if missing), wait until the version is registered and
 * profiled, then make a single-class label set on it through the typed in-process client.
 *
 *   node --import tsx bench/labelling/orchard-import.ts --workspace DIR --path PATH --dataset NAME \
 *     --project NAME --classes a,b,c [--text-column COLUMN] [--suggestion-column COLUMN]
 *
 * Reports (one `BENCH_RESULT` line) the wall time from before the engine opens to the profile being
 * readable, the import job's part of it, CPU time, peak RSS after the import, and the label set.
 */
import type { OrchardApi } from '../../core/contract/client.js';
import type { LabelClass } from '../../core/contract/labels.js';
import { peakRssMb, reportResult } from '../lib/measure.js';
import { colourOf, hotkeyOf } from './label-classes.js';
import { openOrchard, waitForJob } from '../lib/orchard-session.js';

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? undefined : args[at + 1];
}

function required(args: readonly string[], name: string): string {
  const value = option(args, name);
  if (value === undefined || value === '') throw new Error(`--${name} is required`);
  return value;
}

async function projectNamed(api: OrchardApi, name: string): Promise<string> {
  const existing = (await api.projects.list({})).find((project) => project.name === name);
  return existing?.id ?? (await api.projects.create({ name })).id;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const workspace = required(args, 'workspace');
  const path = required(args, 'path');
  const datasetName = required(args, 'dataset');
  const classNames = required(args, 'classes').split(',');
  if (classNames.length > 10) throw new Error('at most 10 classes (hotkeys 1…9, 0)');
  const textColumn = option(args, 'text-column');
  const suggestionColumn = option(args, 'suggestion-column');

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const session = await openOrchard(workspace);
  try {
    const opened = performance.now();
    const projectId = await projectNamed(session.api, required(args, 'project'));
    const importStarted = performance.now();
    const { jobId } = await session.api.datasets.import({ projectId, path, datasetName });
    let lastProgress = 0;
    const job = await waitForJob(session.api, jobId, (message) => {
      // Progress to stderr at most every five seconds, so a long import shows it is alive.
      const now = performance.now();
      if (now - lastProgress > 5000) {
        lastProgress = now;
        process.stderr.write(`  orchard: ${message}\n`);
      }
    });
    if (job.status !== 'succeeded')
      throw new Error(`import job ${jobId} ended ${job.status}: ${job.error?.message ?? job.message}`);
    const jobFinished = performance.now();
    const versionId = job.result?.['versionId'];
    if (typeof versionId !== 'string')
      throw new Error(`import job ${jobId} has no versionId in its result: ${JSON.stringify(job.result)}`);
    const version = await session.api.datasets.version({ versionId });
    const profile = await session.api.datasets.profile({ versionId });
    const finished = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const importPeakRssMb = peakRssMb();

    const classes: LabelClass[] = classNames.map((name, index) => ({
      name,
      color: colourOf(index),
      hotkey: hotkeyOf(index),
    }));
    const setStarted = performance.now();
    const labelSet = await session.api.labels.createSet({
      datasetVersionId: versionId,
      definition: {
        name: `${datasetName} labels`,
        task: 'single',
        classes,
        ...(textColumn !== undefined ? { textColumn } : {}),
        ...(suggestionColumn !== undefined ? { suggestionColumn } : {}),
      },
    });
    const setSeconds = (performance.now() - setStarted) / 1000;

    reportResult({
      wallSeconds: (finished - started) / 1000,
      openSeconds: (opened - started) / 1000,
      // From the import call to the profile being readable (the engine already open).
      importSeconds: (finished - importStarted) / 1000,
      jobSeconds: (jobFinished - importStarted) / 1000,
      // User + system time of every thread (sharp's and DuckDB's included).
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: importPeakRssMb,
      projectId,
      versionId,
      datasetName,
      rowCount: version.rowCount,
      columnCount: version.columns.length,
      profiledColumns: profile.columns.length,
      sourceFormat: version.source.format,
      sourceBytes: version.source.sizeBytes,
      warnings: version.warnings.length,
      firstWarning: version.warnings[0] ?? null,
      labelSetId: labelSet.id,
      itemKind: labelSet.itemKind,
      itemCount: labelSet.itemCount,
      textColumn: labelSet.textColumn,
      createSetSeconds: setSeconds,
    });
  } finally {
    await session.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  reportResult({ error: message.split('\n')[0] ?? message });
  process.stderr.write(`orchard-import failed: ${message}\n`);
  process.exitCode = 1;
});
