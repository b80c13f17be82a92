import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { OrchardApi, ValidationRun } from '../contract/index.js';
import { formatSuiteFile, parseSuiteFile } from '../domain/suite-file.js';
import { table } from './format.js';
import { followJob, withApi } from './session.js';
import type { GlobalOptions } from './session.js';

/** Saves the file's suite on the version's dataset: a new version of the same-named suite, or a new suite. */
async function saveSuiteFromFile(api: OrchardApi, versionId: string, file: string) {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot read the suite file (${error.code ?? error.message}).`);
  });
  const definition = parseSuiteFile(text, path.basename(file));
  const version = await api.datasets.version({ versionId });
  const existing = (await api.validation.suites({ datasetId: version.datasetId })).find(
    (s) => s.name === definition.name,
  );
  return api.validation.saveSuite({
    datasetId: version.datasetId,
    definition,
    ...(existing ? { suiteId: existing.id } : {}),
  });
}

export function formatRunReport(run: ValidationRun): string {
  const rows = run.results.map((r) => [
    r.passed ? 'pass' : r.severity === 'warning' ? 'WARN' : 'FAIL',
    r.checkId,
    r.error ?? r.observed,
    r.failingRows.toLocaleString('en-US'),
    r.exampleRowIds.slice(0, 5).join(' '),
  ]);
  const failed = run.results.filter((r) => !r.passed).length;
  return [
    table(['', 'check', 'observed', 'failing rows', 'example _row_ids'], rows),
    '',
    `${run.status === 'passed' ? 'PASSED' : 'FAILED'}: ${run.results.length - failed} of ${run.results.length} checks passed in ${Math.round(run.durationMs)} ms (run ${run.id}).`,
  ].join('\n');
}

export function registerValidateCommands(program: Command): void {
  const global = () => program.opts<GlobalOptions>();

  program
    .command('validate <versionId>')
    .description('Run a suite (YAML or JSON file) on a dataset version; exits 1 when a check fails.')
    .requiredOption('-s, --suite <file>', 'suite file (.yaml, .yml or .json)')
    .option('--json', 'print the run as JSON')
    .action((versionId: string, o: { suite: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const suite = await saveSuiteFromFile(api, versionId, o.suite);
        const { jobId } = await api.validation.run({ versionId, suiteVersionId: suite.latestVersion.id });
        const job = await followJob(api, jobId);
        if (job.status !== 'succeeded') throw new Error(job.error?.message ?? job.message);
        const run = await api.validation.getRun({ runId: String(job.result?.['runId']) });
        process.stdout.write(`${o.json ? JSON.stringify(run, null, 2) : formatRunReport(run)}\n`);
        if (run.status === 'failed') process.exitCode = 1;
      }),
    );

  program
    .command('suggest-suite <versionId>')
    .description("Print a suite suggested from a version's profile, to edit and run with `orchard validate`.")
    .option('--format <format>', 'yaml or json', 'yaml')
    .action((versionId: string, o: { format: string }) =>
      withApi(global(), async (api) => {
        if (o.format !== 'yaml' && o.format !== 'json')
          throw new Error(`--format ${o.format}: expected yaml or json`);
        process.stdout.write(formatSuiteFile(await api.validation.suggest({ versionId }), o.format));
      }),
    );

  program
    .command('leakage <leftVersionId> <rightVersionId>')
    .description('Rows (and ids) present in both of two versions or splits; exits 1 when any are shared.')
    .option('--id <column>', 'an id column to compare as well')
    .option('--json', 'print JSON')
    .action((left: string, right: string, o: { id?: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const report = await api.validation.leakage({
          leftVersionId: left,
          rightVersionId: right,
          ...(o.id ? { idColumn: o.id } : {}),
        });
        const text = [
          `identical rows in both: ${report.identicalRows.toLocaleString('en-US')}`,
          ...(report.idColumn
            ? [`ids of ${report.idColumn} in both: ${(report.sharedIds ?? 0).toLocaleString('en-US')}`]
            : []),
        ].join('\n');
        process.stdout.write(`${o.json ? JSON.stringify(report, null, 2) : text}\n`);
        if (report.identicalRows > 0 || (report.sharedIds ?? 0) > 0) process.exitCode = 1;
      }),
    );
}
