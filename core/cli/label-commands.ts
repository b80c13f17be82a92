import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { InvalidInputError, LabelImportReport, OrchardError, errorCodes } from '../contract/index.js';
import type { Job, OrchardApi } from '../contract/index.js';
import { formatNumber, table } from './format.js';
import {
  definitionFromOptions,
  describeVersion,
  formatAgreement,
  formatImportReport,
  percent,
  resolveAnnotator,
} from './label-options.js';
import type { CreateOptions } from './label-options.js';
import { followJob, withApi } from './session.js';
import type { GlobalOptions } from './session.js';

/** A finished job's failure as the error it was, so the exit code follows its code (2 for bad input). */
function requireSuccess(job: Job): void {
  if (job.status === 'succeeded') return;
  if (job.status === 'cancelled') {
    process.stderr.write(`Cancelled: ${job.message}\n`);
    process.exitCode = 130;
    return;
  }
  const code = errorCodes.find((c) => c === job.error?.code) ?? 'internal';
  throw new OrchardError(code, job.error?.message ?? job.message);
}

function print(value: unknown, asJson: boolean | undefined, text: () => string): void {
  process.stdout.write(`${asJson ? JSON.stringify(value, null, 2) : text()}\n`);
}

async function findProjectId(api: OrchardApi, idOrName: string): Promise<string> {
  const projects = await api.projects.list();
  const project = projects.find((p) => p.id === idOrName) ?? projects.find((p) => p.name === idOrName);
  if (!project) throw new InvalidInputError(`No project named or with id "${idOrName}".`);
  return project.id;
}

export function registerLabelCommands(program: Command): void {
  const global = () => program.opts<GlobalOptions>();
  const labels = program
    .command('labels')
    .description('Label sets: create, import and export labels, agreement, freeze.');

  labels
    .command('create <versionId>')
    .description('Create a label set on a dataset version.')
    .requiredOption('-n, --name <name>', 'label set name')
    .addOption(
      new Option('--task <task>', 'single, multi or score')
        .choices(['single', 'multi', 'score'])
        .default('single'),
    )
    .option('--classes <names>', 'class names, comma-separated (single and multi)')
    .option('--hotkeys <keys>', 'one key per class, comma-separated (default 1,2,3…)')
    .option('--instructions <text>', 'shown to annotators above each item')
    .option('--text-column <column>', 'tables: the column shown large')
    .option('--suggestion-column <column>', 'a column whose value is offered as the suggested class')
    .option('--score-range <min:max[:step]>', 'score tasks: the range, e.g. 1:5 or 0:1:0.1')
    .option('--json', 'print JSON')
    .action((versionId: string, o: CreateOptions & { json?: boolean }) =>
      withApi(global(), async (api) => {
        const set = await api.labels.createSet({
          datasetVersionId: versionId,
          definition: definitionFromOptions(o),
        });
        print(
          set,
          o.json,
          () =>
            `Created label set "${set.name}" (${set.id}): ${set.task}, ${formatNumber(set.itemCount)} ${set.itemKind} items.`,
        );
      }),
    );

  labels
    .command('ls')
    .description('List the label sets of a project or of one dataset version.')
    .option('-p, --project <project>', 'project name or id')
    .option('--version <versionId>', 'dataset version id')
    .option('--json', 'print JSON')
    .action((o: { project?: string; version?: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        if ((o.project === undefined) === (o.version === undefined))
          throw new InvalidInputError('Give either --project or --version.');
        const sets = await api.labels.sets(
          o.project !== undefined
            ? { projectId: await findProjectId(api, o.project) }
            : { datasetVersionId: o.version! },
        );
        print(sets, o.json, () =>
          table(
            ['id', 'name', 'task', 'classes', 'items', 'dataset version'],
            sets.map((s) => [
              s.id,
              s.name,
              s.task,
              s.task === 'score' && s.score
                ? `${s.score.min}–${s.score.max}`
                : s.classes.map((c) => c.name).join(', '),
              formatNumber(s.itemCount),
              s.datasetVersionId,
            ]),
          ),
        );
      }),
    );

  labels
    .command('import <labelSetId> <file>')
    .description(
      'Import labels from CSV (row_id,label[,annotator]) or JSONL; exits 1 when lines were skipped.',
    )
    .option(
      '-a, --annotator <name>',
      'annotator for lines that name none (default $ORCHARD_ANNOTATOR, else your user name)',
    )
    .option('--json', 'print the report as JSON')
    .action((labelSetId: string, file: string, o: { annotator?: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const set = await api.labels.getSet({ labelSetId });
        const { jobId } = await api.labels.import({
          labelSetId,
          path: path.resolve(file),
          annotator: resolveAnnotator(o.annotator),
        });
        const job = await followJob(api, jobId);
        requireSuccess(job);
        if (job.status !== 'succeeded') return;
        const report = {
          ...LabelImportReport.parse(job.result),
          skippedLines: Number(job.result?.['skippedLines'] ?? 0),
        };
        const details = formatImportReport(report, set);
        print(job.result, o.json, () => (details ? `${job.message}\n${details}` : job.message));
        if (report.skippedLines > 0) process.exitCode = 1;
      }),
    );

  labels
    .command('export <labelVersionId>')
    .description('Write a label version as CSV, JSONL or (images) ImageNet class folders.')
    .addOption(
      new Option('-f, --format <format>', 'file format').choices(['csv', 'jsonl', 'imagenet']).default('csv'),
    )
    .option(
      '-o, --out <path>',
      "file (or folder, for imagenet) to write; default: the workspace's exports/ folder",
    )
    .option('--json', 'print the job result as JSON')
    .action(
      (labelVersionId: string, o: { format: 'csv' | 'jsonl' | 'imagenet'; out?: string; json?: boolean }) =>
        withApi(global(), async (api) => {
          const { jobId } = await api.labels.export({
            labelVersionId,
            format: o.format,
            ...(o.out !== undefined ? { outputPath: path.resolve(o.out) } : {}),
          });
          const job = await followJob(api, jobId);
          requireSuccess(job);
          if (job.status === 'succeeded') print(job.result, o.json, () => job.message);
        }),
    );

  labels
    .command('export-annotations <labelSetId>')
    .description(
      'Write every annotation of a set (all annotators, full history) as JSONL, for a colleague to import.',
    )
    .option('-o, --out <file>', "file to write; default: the workspace's exports/ folder")
    .option('--json', 'print the job result as JSON')
    .action((labelSetId: string, o: { out?: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const { jobId } = await api.labels.exportAnnotations({
          labelSetId,
          ...(o.out !== undefined ? { outputPath: path.resolve(o.out) } : {}),
        });
        const job = await followJob(api, jobId);
        requireSuccess(job);
        if (job.status === 'succeeded') print(job.result, o.json, () => job.message);
      }),
    );

  labels
    .command('freeze <labelSetId>')
    .description('Freeze the settled labels as an immutable label version (what training uses).')
    .addOption(
      new Option('--policy <policy>', 'how items without a review are settled')
        .choices(['agreed', 'majority'])
        .default('agreed'),
    )
    .option('--json', 'print JSON')
    .action((labelSetId: string, o: { policy: 'agreed' | 'majority'; json?: boolean }) =>
      withApi(global(), async (api) => {
        const set = await api.labels.getSet({ labelSetId });
        const version = await api.labels.freeze({ labelSetId, policy: o.policy });
        print(version, o.json, () => describeVersion(set, version));
      }),
    );

  labels
    .command('versions <labelSetId>')
    .description('List the frozen versions of a label set, newest first.')
    .option('--json', 'print JSON')
    .action((labelSetId: string, o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const versions = await api.labels.versions({ labelSetId });
        print(versions, o.json, () =>
          table(
            ['id', 'version', 'items', 'policy', 'created'],
            versions.map((v) => [v.id, `v${v.number}`, formatNumber(v.itemCount), v.policy, v.createdAt]),
          ),
        );
      }),
    );

  labels
    .command('agreement <labelSetId>')
    .description("Agreement between annotators: Cohen's and Fleiss' kappa, Krippendorff's alpha, per class.")
    .option('--json', 'print JSON')
    .action((labelSetId: string, o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const report = await api.labels.agreement({ labelSetId });
        print(report, o.json, () => formatAgreement(report));
      }),
    );

  labels
    .command('progress <labelSetId>')
    .description('Items labelled of the total, per class and per annotator.')
    .option('-a, --annotator <name>', 'one annotator (default: everyone)')
    .option('--json', 'print JSON')
    .action((labelSetId: string, o: { annotator?: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const set = await api.labels.getSet({ labelSetId });
        const progress = await api.labels.progress({
          labelSetId,
          ...(o.annotator ? { annotator: o.annotator } : {}),
        });
        const share = progress.total === 0 ? 0 : progress.done / progress.total;
        print(progress, o.json, () =>
          [
            `"${set.name}"${o.annotator ? ` (${o.annotator})` : ''}: ${formatNumber(progress.done)} of ${formatNumber(progress.total)} items labelled (${percent(share)}), ${formatNumber(progress.skipped)} skipped`,
            '',
            table(
              ['class', 'labels'],
              Object.entries(progress.perClass).map(([name, n]) => [name, formatNumber(n)]),
            ),
            '',
            table(
              ['annotator', 'labelled'],
              progress.annotators.map((a) => [a.name, formatNumber(a.done)]),
            ),
          ].join('\n'),
        );
      }),
    );
}
