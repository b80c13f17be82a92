import { z } from 'zod';

/** Identifiers are opaque strings made by the engine (`prj_…`, `ds_…`, `dsv_…`, `job_…`). */
export const Id = z.string().min(1).max(64);

export const Project = z.object({
  id: Id,
  name: z.string(),
  createdAt: z.string(),
});
export type Project = z.infer<typeof Project>;

/** Logical column types a user sees and may choose at import. */
export const columnTypes = [
  'integer',
  'float',
  'boolean',
  'date',
  'timestamp',
  'categorical',
  'text',
] as const;
export const ColumnType = z.enum(columnTypes);
export type ColumnType = z.infer<typeof ColumnType>;

export const Column = z.object({
  name: z.string(),
  type: ColumnType,
  /** The DuckDB type the snapshot stores, e.g. `BIGINT`, `VARCHAR`. */
  storageType: z.string(),
});
export type Column = z.infer<typeof Column>;

/** Formats of a table file. */
export const tableFormats = ['csv', 'tsv', 'parquet', 'json', 'jsonl', 'arrow'] as const;
export const TableFormat = z.enum(tableFormats);
export type TableFormat = z.infer<typeof TableFormat>;

/** What a version was imported from: a table file, or (`images`) a folder of PNG, JPEG and WebP files. */
export const sourceFormats = [...tableFormats, 'images'] as const;
export const SourceFormat = z.enum(sourceFormats);
export type SourceFormat = z.infer<typeof SourceFormat>;

export const Source = z.object({
  path: z.string(),
  format: SourceFormat,
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type Source = z.infer<typeof Source>;

export const Dataset = z.object({
  id: Id,
  projectId: Id,
  name: z.string(),
  createdAt: z.string(),
  versionCount: z.number().int().nonnegative(),
  latestVersionId: Id.nullable(),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetVersion = z.object({
  id: Id,
  datasetId: Id,
  /** 1 for the first import of a dataset, then 2, 3… */
  number: z.number().int().positive(),
  parentId: Id.nullable(),
  /** sha256 of the Parquet snapshot in the object store. */
  snapshotSha256: z.string(),
  rowCount: z.number().int().nonnegative(),
  columns: z.array(Column),
  source: Source,
  /** Name of the stable row id column every snapshot carries. */
  rowIdColumn: z.string(),
  warnings: z.array(z.string()),
  createdAt: z.string(),
});
export type DatasetVersion = z.infer<typeof DatasetVersion>;

export const NumericSummary = z.object({
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  quantiles: z.object({
    p05: z.number().nullable(),
    p25: z.number().nullable(),
    p50: z.number().nullable(),
    p75: z.number().nullable(),
    p95: z.number().nullable(),
  }),
});
export type NumericSummary = z.infer<typeof NumericSummary>;

export const Histogram = z.object({
  /** Bin edges: `edges.length === counts.length + 1`. Dates are epoch milliseconds. */
  edges: z.array(z.number()),
  counts: z.array(z.number().int().nonnegative()),
});
export type Histogram = z.infer<typeof Histogram>;

export const TopValue = z.object({ value: z.string(), count: z.number().int().nonnegative() });
export type TopValue = z.infer<typeof TopValue>;

export const ColumnProfile = z.object({
  name: z.string(),
  type: ColumnType,
  /** Non-missing values (as pandas' `describe`); `count + missing` is the row count. */
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  distinct: z.number().int().nonnegative(),
  numeric: NumericSummary.nullable(),
  /** For dates and timestamps: ISO strings of the earliest and latest value. */
  range: z.object({ min: z.string().nullable(), max: z.string().nullable() }).nullable(),
  histogram: Histogram.nullable(),
  topValues: z.array(TopValue).nullable(),
  textLength: z
    .object({ min: z.number().nullable(), mean: z.number().nullable(), max: z.number().nullable() })
    .nullable(),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const DatasetProfile = z.object({
  versionId: Id,
  rowCount: z.number().int().nonnegative(),
  columns: z.array(ColumnProfile),
  computedAt: z.string(),
});
export type DatasetProfile = z.infer<typeof DatasetProfile>;

export const CellValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type CellValue = z.infer<typeof CellValue>;

export const SortKey = z.object({
  column: z.string().min(1),
  direction: z.enum(['asc', 'desc']),
});
export type SortKey = z.infer<typeof SortKey>;

/** `in` matches any of `values` (e.g. the example rows of a failed check: `_row_id` in […]). */
export const filterOps = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'is_null',
  'not_null',
  'in',
] as const;
export const ColumnFilter = z.object({
  column: z.string().min(1),
  op: z.enum(filterOps),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  values: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .max(1000)
    .optional(),
});
export type ColumnFilter = z.infer<typeof ColumnFilter>;

export const RowWindow = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(CellValue)),
  offset: z.number().int().nonnegative(),
  /** Rows matching the filters (the whole version when there are none). */
  total: z.number().int().nonnegative(),
});
export type RowWindow = z.infer<typeof RowWindow>;

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const JobStatus = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof JobStatus>;

export const Job = z.object({
  id: Id,
  kind: z.string(),
  status: JobStatus,
  /** 0..1 */
  progress: z.number().min(0).max(1),
  message: z.string(),
  error: z
    .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
    .nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const InspectedColumn = z.object({
  name: z.string(),
  type: ColumnType,
  storageType: z.string(),
});

export const ImportPreview = z.object({
  format: TableFormat,
  columns: z.array(InspectedColumn),
  sampleRows: z.array(z.array(CellValue)),
});
export type ImportPreview = z.infer<typeof ImportPreview>;
