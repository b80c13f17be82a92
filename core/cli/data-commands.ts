import type { Command } from 'commander';
import { tableFormats } from '../contract/index.js';
import type { ImportOptions, TableFormat } from '../contract/index.js';
import { describeColumnProfile, describeVersion, table } from './format.js';
import { parseColumnTypes } from './main.js';
import { followJob, withApi } from './session.js';
import type { GlobalOptions } from './session.js';

function print(value: unknown, asJson: boolean | undefined, text: () => string): void {
  process.stdout.write(`${asJson ? JSON.stringify(value, null, 2) : text()}\n`);
}

async function findProjectId(
  api: Parameters<Parameters<typeof withApi>[1]>[0],
  idOrName: string,
): Promise<string> {
  const projects = await api.projects.list();
  const project = projects.find((p) => p.id === idOrName) ?? projects.find((p) => p.name === idOrName);
  if (!project)
    throw new Error(
      `No project named or with id "${idOrName}". Create it with \`orchard projects create ${idOrName}\`.`,
    );
  return project.id;
}

export function registerDataCommands(program: Command): void {
  const global = () => program.opts<GlobalOptions>();

  const projects = program.command('projects').description('Create and list projects.');
  projects
    .command('create <name>')
    .description('Create a project.')
    .option('--json', 'print JSON')
    .action((name: string, o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const project = await api.projects.create({ name });
        print(project, o.json, () => `Created project ${project.name} (${project.id})`);
      }),
    );
  projects
    .command('ls')
    .description('List projects.')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const list = await api.projects.list();
        print(list, o.json, () =>
          table(
            ['id', 'name', 'created'],
            list.map((p) => [p.id, p.name, p.createdAt]),
          ),
        );
      }),
    );

  program
    .command('import <path>')
    .description(
      'Import a CSV, TSV, Parquet, JSON, JSONL or Arrow file, or a folder of PNG, JPEG and WebP images ' +
        '(nested folders too), as a new dataset version.',
    )
    .requiredOption('-p, --project <project>', 'project name or id')
    .option('-n, --name <dataset>', 'dataset to add the version to (default: the file or folder name)')
    .option(
      '-t, --type <column=type...>',
      'override a column type: integer, float, boolean, date, timestamp, categorical, text',
    )
    .option('--format <format>', `read the file as ${tableFormats.join(', ')}`)
    .option('--delimiter <char>', 'field separator for delimited text')
    .option('--encoding <encoding>', 'utf-8, utf-16 or latin-1')
    .option('--json', 'print JSON')
    .action(
      (
        file: string,
        o: {
          project: string;
          name?: string;
          type?: string[];
          format?: string;
          delimiter?: string;
          encoding?: string;
          json?: boolean;
        },
      ) =>
        withApi(global(), async (api) => {
          const options: ImportOptions = {};
          if (o.type) options.columnTypes = parseColumnTypes(o.type);
          if (o.format) options.format = o.format as TableFormat;
          if (o.delimiter) options.delimiter = o.delimiter;
          if (o.encoding) options.encoding = o.encoding as ImportOptions['encoding'];
          const projectId = await findProjectId(api, o.project);
          const { jobId } = await api.datasets.import({
            projectId,
            path: file,
            ...(o.name ? { datasetName: o.name } : {}),
            options,
          });
          const job = await followJob(api, jobId);
          if (job.status !== 'succeeded') {
            process.stderr.write(
              `${job.status === 'cancelled' ? 'Cancelled' : 'Import failed'}: ${job.error?.message ?? job.message}\n`,
            );
            process.exitCode = job.status === 'cancelled' ? 130 : 1;
            return;
          }
          const version = await api.datasets.version({ versionId: String(job.result?.['versionId']) });
          print({ job, version }, o.json, () =>
            [job.message, ...version.warnings.map((w) => `warning: ${w}`), `version: ${version.id}`].join(
              '\n',
            ),
          );
        }),
    );

  const datasets = program.command('datasets').description('List datasets, versions and profiles.');
  datasets
    .command('ls')
    .description('List the datasets of a project.')
    .requiredOption('-p, --project <project>', 'project name or id')
    .option('--json', 'print JSON')
    .action((o: { project: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const list = await api.datasets.list({ projectId: await findProjectId(api, o.project) });
        print(list, o.json, () =>
          table(
            ['id', 'name', 'versions', 'latest'],
            list.map((d) => [d.id, d.name, String(d.versionCount), d.latestVersionId ?? '']),
          ),
        );
      }),
    );
  datasets
    .command('versions <datasetId>')
    .description('List the versions of a dataset, newest first.')
    .option('--json', 'print JSON')
    .action((datasetId: string, o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const list = await api.datasets.versions({ datasetId });
        print(list, o.json, () =>
          table(['id', 'version', 'rows', 'columns', 'format', 'created'], list.map(describeVersion)),
        );
      }),
    );
  datasets
    .command('profile <versionId>')
    .description("Show a version's column profile.")
    .option('--json', 'print JSON')
    .action((versionId: string, o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const profile = await api.datasets.profile({ versionId });
        print(profile, o.json, () =>
          [
            `${profile.rowCount.toLocaleString('en-US')} rows`,
            table(
              ['column', 'type', 'missing', 'distinct', 'summary'],
              profile.columns.map(describeColumnProfile),
            ),
          ].join('\n'),
        );
      }),
    );
  datasets
    .command('head <versionId>')
    .description('Print rows of a version.')
    .option('--offset <n>', 'first row', '0')
    .option('--limit <n>', 'how many rows', '10')
    .option('--json', 'print JSON')
    .action((versionId: string, o: { offset: string; limit: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const window = await api.datasets.rows({
          versionId,
          offset: Number(o.offset),
          limit: Number(o.limit),
        });
        print(window, o.json, () =>
          table(
            window.columns,
            window.rows.map((r) => r.map((c) => (c === null ? '' : String(c)))),
          ),
        );
      }),
    );

  program
    .command('jobs')
    .description('List recent jobs.')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApi(global(), async (api) => {
        const list = await api.jobs.list({ limit: 50 });
        print(list, o.json, () =>
          table(
            ['id', 'kind', 'status', 'progress', 'message'],
            list.map((j) => [j.id, j.kind, j.status, `${Math.round(j.progress * 100)}%`, j.message]),
          ),
        );
      }),
    );
}
