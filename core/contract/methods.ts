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
  TableFormat,
} from './schemas.js';
import { BackendName, ModelVersion, Run, SearchConfig, TrainingConfig } from './training.js';
import { LeakageReport, Suite, SuiteDefinition, ValidationRun } from './validation.js';
import {
  AgreementReport,
  Annotation,
  AnnotatorName,
  FreezePolicy,
  LabelExportFormat,
  LabelItem,
  LabelProgress,
  LabelSet,
  LabelSetDefinition,
  LabelValue,
  LabelVersion,
  QueueOrder,
  ReviewItem,
} from './labels.js';

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
    format: TableFormat.optional(),
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

/** Most items one labelling call may carry; the view asks for a few at a time. */
export const maxLabelItems = 500;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits');
const RowId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** Made by the client (a UUID) so a retried call stores its annotation once. */
const AnnotationId = z.string().min(8).max(64);
const OptionalOutput = z.string().min(1).max(4096).optional();

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
    doc: 'Import a file (or a folder of images) as a new dataset version (or return the existing one when unchanged); runs as a job.',
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
  'labels.createSet': method({
    doc: 'Create a label set on a dataset version: task, classes with colours and hotkeys, instructions.',
    params: z.object({ datasetVersionId: Id, definition: LabelSetDefinition }).strict(),
    result: LabelSet,
  }),
  'labels.sets': method({
    doc: 'Label sets of a project, or of one dataset version, oldest first.',
    params: z
      .object({ projectId: Id.optional(), datasetVersionId: Id.optional() })
      .strict()
      .refine((p) => (p.projectId === undefined) !== (p.datasetVersionId === undefined), {
        message: 'give either projectId or datasetVersionId',
      }),
    result: z.array(LabelSet),
  }),
  'labels.getSet': method({
    doc: 'One label set.',
    params: z.object({ labelSetId: Id }).strict(),
    result: LabelSet,
  }),
  'labels.queue': method({
    doc: 'The next items for an annotator in a queue order, from a position; `todo` leaves out what they labelled or skipped.',
    params: z
      .object({
        labelSetId: Id,
        annotator: AnnotatorName,
        order: QueueOrder,
        /** Position in the order to start from (for `all`) — `todo` always starts at the first open item. */
        from: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
        limit: z.number().int().positive().max(200).default(20),
        include: z.enum(['todo', 'all']).default('todo'),
      })
      .strict(),
    result: z.object({
      items: z.array(LabelItem),
      /** Items in the order (all rows). */
      total: z.number().int().nonnegative(),
      /** Items this annotator has neither labelled nor skipped. */
      todo: z.number().int().nonnegative(),
    }),
  }),
  'labels.items': method({
    doc: 'Given items of a label set with this annotator’s current labels (going back, grid pages).',
    params: z
      .object({ labelSetId: Id, annotator: AnnotatorName, rowIds: z.array(RowId).min(1).max(maxLabelItems) })
      .strict(),
    result: z.array(LabelItem),
  }),
  'labels.annotate': method({
    doc: "Append an annotator's label, skip or clear for one item; refused with conflict when the item changed since `expectedSeq` (unless forced).",
    params: z
      .object({
        labelSetId: Id,
        annotator: AnnotatorName,
        id: AnnotationId,
        rowId: RowId,
        action: z.enum(['label', 'skip', 'clear']),
        value: LabelValue.optional(),
        /** The seq of this annotator's annotation the client last saw for the item; null when none. */
        expectedSeq: z.number().int().positive().nullable(),
        /** When this annotation undoes an earlier one: its seq. */
        undoes: z.number().int().positive().optional(),
        /** Write even though the item changed elsewhere (the user chose to keep theirs). */
        force: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ annotation: Annotation, progress: LabelProgress }),
  }),
  'labels.annotateMany': method({
    doc: 'Give many items the same label at once (grid mode); all or nothing.',
    params: z
      .object({
        labelSetId: Id,
        annotator: AnnotatorName,
        action: z.enum(['label', 'skip', 'clear']),
        value: LabelValue.optional(),
        items: z
          .array(
            z
              .object({ rowId: RowId, id: AnnotationId, expectedSeq: z.number().int().positive().nullable() })
              .strict(),
          )
          .min(1)
          .max(maxLabelItems),
        force: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ annotations: z.array(Annotation), progress: LabelProgress }),
  }),
  'labels.progress': method({
    doc: 'Done/total and the count per class, for one annotator or everyone.',
    params: z.object({ labelSetId: Id, annotator: AnnotatorName.optional() }).strict(),
    result: LabelProgress,
  }),
  'labels.history': method({
    doc: 'Every annotation of one item, oldest first (the log is append-only).',
    params: z.object({ labelSetId: Id, rowId: RowId }).strict(),
    result: z.array(Annotation),
  }),
  'labels.agreement': method({
    doc: "Agreement between annotators overall and per class: Cohen's kappa (two), Fleiss' kappa, Krippendorff's alpha.",
    params: z.object({ labelSetId: Id }).strict(),
    result: AgreementReport,
  }),
  'labels.reviewQueue': method({
    doc: 'Items where annotators disagree, with every vote and any review so far.',
    params: z
      .object({
        labelSetId: Id,
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(200).default(20),
        /** Include items a reviewer has already decided. */
        includeReviewed: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ items: z.array(ReviewItem), total: z.number().int().nonnegative() }),
  }),
  'labels.review': method({
    doc: "A reviewer's final label for an item; it wins over the annotators' labels when the set is frozen.",
    params: z
      .object({
        labelSetId: Id,
        reviewer: AnnotatorName,
        id: AnnotationId,
        rowId: RowId,
        value: LabelValue,
        expectedSeq: z.number().int().positive().nullable(),
        force: z.boolean().optional(),
      })
      .strict(),
    result: Annotation,
  }),
  'labels.freeze': method({
    doc: 'Freeze the current labels as an immutable, hashed label version (what training uses).',
    params: z.object({ labelSetId: Id, policy: FreezePolicy.default('agreed') }).strict(),
    result: LabelVersion,
  }),
  'labels.versions': method({
    doc: 'Label versions of a label set, newest first.',
    params: z.object({ labelSetId: Id }).strict(),
    result: z.array(LabelVersion),
  }),
  'labels.version': method({
    doc: 'One label version with its class balance.',
    params: z.object({ labelVersionId: Id }).strict(),
    result: LabelVersion,
  }),
  'labels.export': method({
    doc: "Write a label version as CSV, JSONL or (images) an ImageNet-style folder tree; a job. Without outputPath it goes to the workspace's exports/ folder.",
    params: z.object({ labelVersionId: Id, format: LabelExportFormat, outputPath: OptionalOutput }).strict(),
    result: z.object({ jobId: Id }),
  }),
  'labels.exportAnnotations': method({
    doc: 'Write every annotation of a label set (all annotators, full history) as JSONL, for a colleague to merge; a job.',
    params: z.object({ labelSetId: Id, outputPath: OptionalOutput }).strict(),
    result: z.object({ jobId: Id }),
  }),
  'labels.import': method({
    doc: 'Import labels from CSV/JSONL (or merge an annotations export); a job whose result reports every line not imported.',
    params: z
      .object({
        labelSetId: Id,
        path: z.string().min(1).max(4096),
        /** Annotator for lines that name none (default: the file name). */
        annotator: AnnotatorName.optional(),
      })
      .strict(),
    result: z.object({ jobId: Id }),
  }),
  'images.thumbnails': method({
    doc: 'Thumbnails (longest side 256 px, WebP; a small image is its own thumbnail) of images in the object store; use each `mediaType`.',
    params: z.object({ sha256s: z.array(Sha256).min(1).max(200) }).strict(),
    result: z.array(z.object({ sha256: z.string(), mediaType: z.string(), base64: z.string() })),
  }),
  'images.read': method({
    doc: 'One image from the object store, as stored.',
    params: z.object({ sha256: Sha256 }).strict(),
    result: z.object({ sha256: z.string(), mediaType: z.string(), base64: z.string() }),
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
