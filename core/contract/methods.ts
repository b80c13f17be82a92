import { z } from 'zod';
import {
  ColumnFilter,
  ColumnType,
  Dataset,
  DatasetProfile,
  DatasetVersion,
  Id,
  ImportPreview,
  Job,
  Project,
  RowWindow,
  SortKey,
  SourceFormat,
} from './schemas.js';
import { BackendName, ModelVersion, Run, SearchConfig, TrainingConfig } from './training.js';
import { LeakageReport, Suite, SuiteDefinition, ValidationRun } from './validation.js';

interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  readonly doc: string;
  readonly params: P;
  readonly result: R;
}

function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

const NoParams = z.object({}).strict();

/** Largest row window one request may ask for; the grid asks for far fewer. */
export const maxRowWindow = 5_000;

const ImportOptions = z
  .object({
    /** Override the inferred format (by default taken from the extension, then the content). */
    format: SourceFormat.optional(),
    /** Override inferred types, column name → type. */
    columnTypes: z.record(z.string(), ColumnType).optional(),
    /** Field separator for delimited text; sniffed when absent. */
    delimiter: z.string().min(1).max(4).optional(),
    /** Text encoding of delimited files. */
    encoding: z.enum(['utf-8', 'utf-16', 'latin-1']).optional(),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptions>;

/** Training anyway on a version a required validation suite failed on; the reason goes to the audit log. */
const GateOverride = z.object({ reason: z.string().trim().min(3).max(2000) }).strict();

/** Every method of the engine, declared once. Transports and the typed client derive from this map. */
export const methods = {
  'engine.info': method({
    doc: 'Versions, the workspace folder, and which transport the caller is on.',
    params: NoParams,
    result: z.object({
      orchardVersion: z.string(),
      workspace: z.string(),
      duckdbVersion: z.string(),
      mode: z.enum(['in-process', 'browser', 'desktop']),
    }),
  }),
  'projects.create': method({
    doc: 'Create a project; names are unique.',
    params: z.object({ name: z.string().trim().min(1).max(120) }).strict(),
    result: Project,
  }),
  'projects.list': method({
    doc: 'All projects, oldest first.',
    params: NoParams,
    result: z.array(Project),
  }),
  'datasets.inspect': method({
    doc: 'Read the head of a file and say how it would import: format, columns, inferred types, a few rows.',
    params: z.object({ path: z.string().min(1).max(4096), options: ImportOptions.optional() }).strict(),
    result: ImportPreview,
  }),
  'datasets.import': method({
    doc: 'Import a file as a new dataset version (or return the existing one when unchanged); runs as a job.',
    params: z
      .object({
        projectId: Id,
        path: z.string().min(1).max(4096),
        /** Dataset to add a version to; defaults to the file name without extension. */
        datasetName: z.string().trim().min(1).max(120).optional(),
        options: ImportOptions.optional(),
      })
      .strict(),
    result: z.object({ jobId: Id }),
  }),
  'datasets.list': method({
    doc: 'Datasets of a project with their version counts.',
    params: z.object({ projectId: Id }).strict(),
    result: z.array(Dataset),
  }),
  'datasets.versions': method({
    doc: 'Versions of a dataset, newest first.',
    params: z.object({ datasetId: Id }).strict(),
    result: z.array(DatasetVersion),
  }),
  'datasets.version': method({
    doc: 'One dataset version with its schema and source.',
    params: z.object({ versionId: Id }).strict(),
    result: DatasetVersion,
  }),
  'datasets.profile': method({
    doc: 'The stored column profile of a dataset version.',
    params: z.object({ versionId: Id }).strict(),
    result: DatasetProfile,
  }),
  'datasets.rows': method({
    doc: 'A window of rows of a version, optionally sorted and filtered per column.',
    params: z
      .object({
        versionId: Id,
        offset: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
        limit: z.number().int().positive().max(maxRowWindow),
        sort: z.array(SortKey).max(8).optional(),
        filters: z.array(ColumnFilter).max(32).optional(),
      })
      .strict(),
    result: RowWindow,
  }),
  'validation.suggest': method({
    doc: "Suggest a suite from a version's profile: schema, completeness, ranges, allowed values, uniqueness.",
    params: z.object({ versionId: Id }).strict(),
    result: SuiteDefinition,
  }),
  'validation.saveSuite': method({
    doc: 'Save a suite for a dataset: a new suite, or (with suiteId) a new version of an existing one.',
    params: z.object({ datasetId: Id, definition: SuiteDefinition, suiteId: Id.optional() }).strict(),
    result: Suite,
  }),
  'validation.suites': method({
    doc: 'The suites of a dataset with their latest versions.',
    params: z.object({ datasetId: Id }).strict(),
    result: z.array(Suite),
  }),
  'validation.setRequired': method({
    doc: 'Make a suite required (or not) before training on versions of its dataset.',
    params: z.object({ suiteId: Id, required: z.boolean() }).strict(),
    result: Suite,
  }),
  'validation.run': method({
    doc: "Run a suite version on a dataset version; every check runs. A job whose result holds the run's id.",
    params: z.object({ versionId: Id, suiteVersionId: Id }).strict(),
    result: z.object({ jobId: Id }),
  }),
  'validation.runs': method({
    doc: 'Validation runs of a dataset version, newest first.',
    params: z.object({ versionId: Id }).strict(),
    result: z.array(ValidationRun),
  }),
  'validation.getRun': method({
    doc: 'One validation run with every check result.',
    params: z.object({ runId: Id }).strict(),
    result: ValidationRun,
  }),
  'validation.status': method({
    doc: "Each version of a dataset's latest validation status (versions never validated are absent).",
    params: z.object({ datasetId: Id }).strict(),
    result: z.array(
      z.object({ versionId: Id, runId: Id, status: z.enum(['passed', 'failed']), createdAt: z.string() }),
    ),
  }),
  'validation.leakage': method({
    doc: 'Rows (and, with an id column, ids) present in both of two versions or splits.',
    params: z
      .object({ leftVersionId: Id, rightVersionId: Id, idColumn: z.string().min(1).optional() })
      .strict(),
    result: LeakageReport,
  }),
  'validation.gate': method({
    doc: 'May a run train on this version? Refused with gate_failed while a required suite failed, unless overridden with a reason (audited).',
    params: z
      .object({
        versionId: Id,
        override: GateOverride.optional(),
      })
      .strict(),
    result: z.object({
      allowed: z.literal(true),
      overridden: z.boolean(),
      /** Required suites and their latest status on this version. */
      suites: z.array(
        z.object({ suiteId: Id, name: z.string(), status: z.enum(['passed', 'failed', 'not_run']) }),
      ),
    }),
  }),
  'training.backends': method({
    doc: 'Which training backends work on this machine, which one `auto` picks, and why the faster ones are not used.',
    params: NoParams,
    result: z.object({
      auto: BackendName,
      candidates: z.array(z.object({ name: BackendName, available: z.boolean(), reason: z.string() })),
    }),
  }),
  'runs.start': method({
    doc: 'Train a model from a config (honours the validation gate); a job, and a run whose epochs arrive as it trains.',
    params: z
      .object({
        config: TrainingConfig,
        gateOverride: GateOverride.optional(),
      })
      .strict(),
    result: z.object({ runId: Id, jobId: Id }),
  }),
  'runs.search': method({
    doc: 'Hyperparameter search (random or successive halving) around a config; each trial is a child run.',
    params: z
      .object({
        config: TrainingConfig,
        search: SearchConfig,
        gateOverride: GateOverride.optional(),
      })
      .strict(),
    result: z.object({ runId: Id, jobId: Id }),
  }),
  'runs.list': method({
    doc: 'Runs of a project, newest first (trials of a search only with parentRunId).',
    params: z.object({ projectId: Id, parentRunId: Id.optional() }).strict(),
    result: z.array(Run),
  }),
  'runs.get': method({
    doc: 'One run with its config, environment, backend and metrics per epoch.',
    params: z.object({ runId: Id }).strict(),
    result: Run,
  }),
  'models.list': method({
    doc: 'Model versions of a project, newest first.',
    params: z.object({ projectId: Id }).strict(),
    result: z.array(ModelVersion),
  }),
  'models.get': method({
    doc: 'One model version with its signature and test evaluation.',
    params: z.object({ modelVersionId: Id }).strict(),
    result: ModelVersion,
  }),
  'models.predictFile': method({
    doc: "Predict every row of a data file with a model version's pipeline and write the predictions (CSV or Parquet by extension); a job.",
    params: z
      .object({
        modelVersionId: Id,
        path: z.string().min(1).max(4096),
        outputPath: z.string().min(1).max(4096),
      })
      .strict(),
    result: z.object({ jobId: Id }),
  }),
  'jobs.get': method({
    doc: 'One job with its status, progress and result or error.',
    params: z.object({ jobId: Id }).strict(),
    result: Job,
  }),
  'jobs.list': method({
    doc: 'Recent jobs, newest first.',
    params: z.object({ limit: z.number().int().positive().max(500).optional() }).strict(),
    result: z.array(Job),
  }),
  'jobs.cancel': method({
    doc: 'Ask a queued or running job to stop; answers with the job as it is now.',
    params: z.object({ jobId: Id }).strict(),
    result: Job,
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
