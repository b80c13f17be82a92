import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError, TrainingConfig } from '../contract/index.js';
import type { Run } from '../contract/index.js';
import { formatNumber, table } from './format.js';
import { followJob, withApi } from './session.js';
import type { GlobalOptions } from './session.js';

/** Reads a training config (YAML or JSON, the app's schema) and says exactly what is wrong with it. */
export async function readTrainingConfig(file: string): Promise<TrainingConfig> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`${file}: cannot read the config (${error.code ?? error.message}).`);
  });
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidInputError(
      `${path.basename(file)}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  const parsed = TrainingConfig.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`,
    );
    throw new InvalidInputError(`${path.basename(file)}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function runRow(run: Run): string[] {
  const headline = ['test_auc', 'test_accuracy', 'test_rmse'].find((k) => run.summary[k] !== undefined);
  return [
    run.id,
    run.name,
    run.status,
    run.backend?.name ?? '',
    headline ? `${headline} ${formatNumber(run.summary[headline])}` : '',
    run.modelVersionId ?? '',
  ];
}

export function registerTrainingCommands(program: Command): void {
  const global = () => program.opts<GlobalOptions>();

  program
    .command('train')
    .description('Train a model from a config file (YAML or JSON, the same schema as the app).')
    .requiredOption('-c, --config <file>', 'training config')
    .option('--override-gate <reason>', 'train even if a required validation suite failed (audited)')
    .option('--json', 'print the run as JSON')
    .action((o: { config: string; overrideGate?: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const config = await readTrainingConfig(o.config);
        const { runId, jobId } = await api.runs.start({
          config,
          ...(o.overrideGate ? { gateOverride: { reason: o.overrideGate } } : {}),
        });
        const job = await followJob(api, jobId);
        const run = await api.runs.get({ runId });
        if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        else {
          process.stdout.write(
            `${job.message}\nbackend: ${run.backend?.name ?? 'n/a'}${run.backend?.skipped.length ? ` (${run.backend.skipped.join('; ')})` : ''}\n`,
          );
          for (const [key, value] of Object.entries(run.summary))
            process.stdout.write(`${key}: ${formatNumber(value)}\n`);
          if (run.modelVersionId) process.stdout.write(`model version: ${run.modelVersionId}\n`);
        }
        if (job.status !== 'succeeded') {
          process.stderr.write(`Training ${job.status}: ${job.error?.message ?? job.message}\n`);
          process.exitCode = 1;
        }
      }),
    );

  const runs = program.command('runs').description('List training runs.');
  runs
    .command('ls')
    .requiredOption('-p, --project <project>', 'project name or id')
    .option('--json', 'print JSON')
    .action((o: { project: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const project = (await api.projects.list()).find((p) => p.id === o.project || p.name === o.project);
        if (!project) throw new Error(`No project named or with id "${o.project}".`);
        const list = await api.runs.list({ projectId: project.id });
        process.stdout.write(
          `${o.json ? JSON.stringify(list, null, 2) : table(['id', 'name', 'status', 'backend', 'test', 'model'], list.map(runRow))}\n`,
        );
      }),
    );

  const models = program.command('models').description('List model versions.');
  models
    .command('ls')
    .requiredOption('-p, --project <project>', 'project name or id')
    .option('--json', 'print JSON')
    .action((o: { project: string; json?: boolean }) =>
      withApi(global(), async (api) => {
        const project = (await api.projects.list()).find((p) => p.id === o.project || p.name === o.project);
        if (!project) throw new Error(`No project named or with id "${o.project}".`);
        const list = await api.models.list({ projectId: project.id });
        const rows = list.map((m) => [m.id, `${m.name} v${m.number}`, m.task, m.runId, m.createdAt]);
        process.stdout.write(
          `${o.json ? JSON.stringify(list, null, 2) : table(['id', 'model', 'task', 'run', 'created'], rows)}\n`,
        );
      }),
    );

  program
    .command('predict <modelVersionId> <file>')
    .description(
      "Predict every row of a file (or, for an image classifier, every image in a folder) with a model version's pipeline; writes CSV (or Parquet by extension).",
    )
    .option('-o, --out <file>', 'where to write the predictions', 'predictions.csv')
    .action((modelVersionId: string, file: string, o: { out: string }) =>
      withApi(global(), async (api) => {
        const { jobId } = await api.models.predictFile({
          modelVersionId,
          path: path.resolve(file),
          outputPath: path.resolve(o.out),
        });
        const job = await followJob(api, jobId);
        if (job.status !== 'succeeded') throw new Error(job.error?.message ?? job.message);
        process.stdout.write(`${job.message}\n`);
      }),
    );
}
