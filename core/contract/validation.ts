import { z } from 'zod';
import { ColumnType, Id } from './schemas.js';

/** A cell value a check compares against (numbers, text, booleans; dates as ISO text). */
export const CheckValue = z.union([z.string(), z.number(), z.boolean()]);

const columnName = z.string().min(1).max(300);
const share = z.number().min(0).max(1);

const base = {
  /** Stable within a suite; used to name the check in reports and the editor. Defaults to `kind:column`. */
  id: z.string().min(1).max(120).optional(),
  /** `error` fails the run; `warning` is reported but does not fail it. */
  severity: z.enum(['error', 'warning']).default('error'),
};

/** Every check a suite may hold; each compiles to DuckDB SQL over the version's Parquet snapshot. */
export const Check = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('columns_present'), columns: z.array(columnName).min(1) }).strict(),
  z.object({ ...base, kind: z.literal('column_type'), column: columnName, type: ColumnType }).strict(),
  z.object({ ...base, kind: z.literal('completeness'), column: columnName, maxMissingShare: share }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('range'),
      column: columnName,
      min: z.union([z.number(), z.string()]).optional(),
      max: z.union([z.number(), z.string()]).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('allowed_values'),
      column: columnName,
      values: z.array(CheckValue).min(1),
    })
    .strict(),
  z
    .object({ ...base, kind: z.literal('pattern'), column: columnName, regex: z.string().min(1).max(1000) })
    .strict(),
  z.object({ ...base, kind: z.literal('unique'), columns: z.array(columnName).min(1) }).strict(),
  z.object({ ...base, kind: z.literal('no_duplicate_rows') }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('row_count'),
      min: z.number().int().nonnegative().optional(),
      max: z.number().int().nonnegative().optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('class_balance'),
      column: columnName,
      /** Every class must hold at least this share of the labelled rows. */
      minShare: share.optional(),
      /** …and at most this share. */
      maxShare: share.optional(),
    })
    .strict(),
  z.object({ ...base, kind: z.literal('label_coverage'), column: columnName, minShare: share }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('distribution'),
      column: columnName,
      /** ks: two-sample Kolmogorov–Smirnov (numbers); chi2: chi-square on category counts; psi: population stability index. */
      test: z.enum(['ks', 'chi2', 'psi']),
      /** ks/chi2: fail when the p-value is below this; psi: fail when PSI is above it. */
      threshold: z.number().positive(),
    })
    .strict(),
]);
export type Check = z.infer<typeof Check>;
export type CheckInput = z.input<typeof Check>;
export type CheckKind = Check['kind'];

export const SuiteDefinition = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().max(2000).optional(),
    /** The dataset version distribution checks compare against. */
    referenceVersionId: Id.optional(),
    checks: z.array(Check).min(1).max(500),
  })
  .strict();
export type SuiteDefinition = z.infer<typeof SuiteDefinition>;
export type SuiteDefinitionInput = z.input<typeof SuiteDefinition>;

export const SuiteVersion = z.object({
  id: Id,
  suiteId: Id,
  datasetId: Id,
  number: z.number().int().positive(),
  definition: SuiteDefinition,
  /** sha256 of the canonical definition. */
  sha256: z.string(),
  createdAt: z.string(),
});
export type SuiteVersion = z.infer<typeof SuiteVersion>;

export const Suite = z.object({
  id: Id,
  datasetId: Id,
  name: z.string(),
  /** Training on a version of this dataset is refused while this suite's latest run on it failed. */
  required: z.boolean(),
  latestVersion: SuiteVersion,
});
export type Suite = z.infer<typeof Suite>;

export const CheckResult = z.object({
  checkId: z.string(),
  kind: z.string(),
  severity: z.enum(['error', 'warning']),
  passed: z.boolean(),
  /** What was measured, in words a reviewer reads ("3.2% missing", "p = 0.004"). */
  observed: z.string(),
  /** The measured number behind `observed`, when there is one. */
  observedValue: z.number().nullable(),
  failingRows: z.number().int().nonnegative(),
  /** Up to 20 `_row_id`s of failing rows, to open in the grid. */
  exampleRowIds: z.array(z.number().int().nonnegative()).max(20),
  /** Why the check could not run (e.g. its column is missing); such a check fails. */
  error: z.string().nullable(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const ValidationRun = z.object({
  id: Id,
  datasetVersionId: Id,
  suiteVersionId: Id,
  status: z.enum(['passed', 'failed']),
  results: z.array(CheckResult),
  durationMs: z.number().nonnegative(),
  createdAt: z.string(),
});
export type ValidationRun = z.infer<typeof ValidationRun>;

export const LeakageReport = z.object({
  leftVersionId: Id,
  rightVersionId: Id,
  /** Rows identical in every column but `_row_id`, present in both. */
  identicalRows: z.number().int().nonnegative(),
  identicalRowExamples: z.array(z.object({ left: z.number().int(), right: z.number().int() })).max(20),
  /** With an id column: ids present in both. */
  idColumn: z.string().nullable(),
  sharedIds: z.number().int().nonnegative().nullable(),
  sharedIdExamples: z.array(z.string()).max(20),
});
export type LeakageReport = z.infer<typeof LeakageReport>;
