import { z } from 'zod';
import { CellValue, Id } from './schemas.js';

/**
 * Labelling: label sets on a dataset version, append-only annotations per annotator, agreement,
 * review, and frozen label versions (what training uses). See docs/labelling.md.
 */

export const labelTasks = ['single', 'multi', 'score'] as const;
/** single: one class per item; multi: any number of classes; score: a number in a range. */
export const LabelTask = z.enum(labelTasks);
export type LabelTask = z.infer<typeof LabelTask>;

/** Keys the labelling view keeps for itself: J/K move, S skips, U toggles the review panel. */
export const reservedHotkeys = ['j', 'k', 's', 'u'] as const;

export const LabelClass = z
  .object({
    name: z.string().trim().min(1).max(80),
    /** `#rrggbb` */
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb'),
    /** One digit or lower-case letter; J, K, S and U are taken by the labelling view. */
    hotkey: z.string().regex(/^[0-9a-z]$/, 'a hotkey is one digit or lower-case letter'),
  })
  .strict();
export type LabelClass = z.infer<typeof LabelClass>;

export const ScoreRange = z
  .object({
    min: z.number().finite(),
    max: z.number().finite(),
    step: z.number().finite().positive().default(1),
  })
  .strict()
  .refine((r) => r.max > r.min, { message: 'max must be above min' });
export type ScoreRange = z.infer<typeof ScoreRange>;

/** What a user fills in to make a label set. */
export const LabelSetDefinition = z
  .object({
    name: z.string().trim().min(1).max(120),
    task: LabelTask,
    classes: z.array(LabelClass).max(36).default([]),
    /** For `score`: the range and step of a score. */
    score: ScoreRange.optional(),
    /** Shown to annotators above the item (plain text). */
    instructions: z.string().max(20_000).default(''),
    /** Tables: the column shown large on the card (defaults to the first text column). */
    textColumn: z.string().min(1).optional(),
    /** A column whose values are offered as a suggestion (e.g. an image's folder name). */
    suggestionColumn: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.task === 'score') {
      if (!d.score) ctx.addIssue({ code: 'custom', path: ['score'], message: 'a score task needs a range' });
      return;
    }
    if (d.classes.length < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['classes'],
        message: 'a classification needs at least 2 classes',
      });
    const seen = new Map<string, string>();
    d.classes.forEach((c, i) => {
      const name = c.name.toLowerCase();
      if (seen.has(`n:${name}`))
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'name'],
          message: `class ${c.name} appears twice`,
        });
      seen.set(`n:${name}`, c.name);
      if (seen.has(`k:${c.hotkey}`))
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'hotkey'],
          message: `hotkey ${c.hotkey} is used by ${seen.get(`k:${c.hotkey}`)} and ${c.name}`,
        });
      seen.set(`k:${c.hotkey}`, c.name);
      if ((reservedHotkeys as readonly string[]).includes(c.hotkey))
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'hotkey'],
          message: `hotkey ${c.hotkey} is taken by the labelling view (J/K move, S skips, U review)`,
        });
    });
  });
export type LabelSetDefinition = z.input<typeof LabelSetDefinition>;
export type ParsedLabelSetDefinition = z.output<typeof LabelSetDefinition>;

/** What is labelled: images (an image dataset), a text column's text, or whole rows. */
export const LabelItemKind = z.enum(['image', 'text', 'row']);
export type LabelItemKind = z.infer<typeof LabelItemKind>;

export const LabelSet = z.object({
  id: Id,
  datasetVersionId: Id,
  name: z.string(),
  task: LabelTask,
  classes: z.array(LabelClass),
  score: ScoreRange.nullable(),
  instructions: z.string(),
  textColumn: z.string().nullable(),
  suggestionColumn: z.string().nullable(),
  itemKind: LabelItemKind,
  /** Rows of the dataset version: every one is an item. */
  itemCount: z.number().int().nonnegative(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type LabelSet = z.infer<typeof LabelSet>;

/** An annotator's answer: class names (one for `single`), or a score. */
export const LabelValue = z.union([
  z.object({ classes: z.array(z.string().min(1).max(80)).max(36) }).strict(),
  z.object({ score: z.number().finite() }).strict(),
]);
export type LabelValue = z.infer<typeof LabelValue>;

export const AnnotatorName = z.string().trim().min(1).max(80);

/**
 * label: set the value; skip: pass over the item for now; clear: take one's label back;
 * review: a reviewer's final label, which settles a disagreement.
 */
export const annotationActions = ['label', 'skip', 'clear', 'review'] as const;
export const AnnotationAction = z.enum(annotationActions);
export type AnnotationAction = z.infer<typeof AnnotationAction>;

export const Annotation = z.object({
  /** Position in the label set's append-only log. */
  seq: z.number().int().positive(),
  /** Made by the client, so a retried or re-imported annotation is stored once. */
  id: z.string(),
  labelSetId: Id,
  rowId: z.number().int().nonnegative(),
  annotator: z.string(),
  action: AnnotationAction,
  value: LabelValue.nullable(),
  /** The annotation this one undoes, when it is an undo. */
  undoes: z.number().int().positive().nullable(),
  origin: z.enum(['app', 'cli', 'import']),
  createdAt: z.string(),
});
export type Annotation = z.infer<typeof Annotation>;

export const QueueOrder = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sequential') }).strict(),
  z
    .object({
      kind: z.literal('random'),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('stratified'),
      column: z.string().min(1),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    })
    .strict(),
  /** Items the model is least sure of first; without modelVersionId, the dataset's latest model. */
  z.object({ kind: z.literal('least-confident'), modelVersionId: Id.optional() }).strict(),
]);
export type QueueOrder = z.infer<typeof QueueOrder>;

export const ImageRef = z.object({
  sha256: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.enum(['png', 'jpeg', 'webp']),
});
export type ImageRef = z.infer<typeof ImageRef>;

export const LabelItem = z.object({
  rowId: z.number().int().nonnegative(),
  /** Position of the item in the queue order (0-based). */
  position: z.number().int().nonnegative(),
  /** The row's values by column name (the snapshot's columns, `_row_id` included). */
  values: z.record(z.string(), CellValue),
  image: ImageRef.nullable(),
  /** This annotator's latest annotation of the item, if any (its seq is the `expectedSeq` to send). */
  current: Annotation.nullable(),
  /** From the suggestion column, when its value names a class. */
  suggestion: z.string().nullable(),
  /** least-confident order: the model's top class and its probability. */
  prediction: z.object({ label: z.string(), confidence: z.number() }).nullable(),
});
export type LabelItem = z.infer<typeof LabelItem>;

export const LabelProgress = z.object({
  total: z.number().int().nonnegative(),
  /** Items this annotator (or, without one, anyone) has labelled. */
  done: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  /** Current labels per class (scores: per value). */
  perClass: z.record(z.string(), z.number().int().nonnegative()),
  annotators: z.array(z.object({ name: z.string(), done: z.number().int().nonnegative() })),
});
export type LabelProgress = z.infer<typeof LabelProgress>;

export const AgreementReport = z.object({
  annotators: z.array(z.string()),
  /** Items labelled by at least two annotators. */
  itemsCompared: z.number().int().nonnegative(),
  /** Share of compared items where every annotator gave the same label. */
  percentAgreement: z.number().nullable(),
  /** Two annotators: Cohen's kappa. */
  cohenKappa: z.number().nullable(),
  /** Items labelled by every annotator: Fleiss' kappa. */
  fleissKappa: z.number().nullable(),
  /** Krippendorff's alpha (nominal); uses every item with two or more labels. */
  krippendorffAlpha: z.number().nullable(),
  /**
   * Score sets only: Krippendorff's alpha with the interval metric (a difference counts by its
   * square, so near scores disagree less than far ones), on the same items; null for class sets.
   */
  krippendorffAlphaInterval: z.number().nullable(),
  pairwise: z.array(
    z.object({ a: z.string(), b: z.string(), items: z.number().int(), kappa: z.number().nullable() }),
  ),
  /** One-vs-rest per class: Fleiss' kappa and Krippendorff's alpha of "is it this class?". */
  perClass: z.array(
    z.object({
      name: z.string(),
      fleissKappa: z.number().nullable(),
      krippendorffAlpha: z.number().nullable(),
    }),
  ),
  /** Compared items where annotators disagree and no reviewer has decided. */
  disagreements: z.number().int().nonnegative(),
});
export type AgreementReport = z.infer<typeof AgreementReport>;

export const ReviewItem = z.object({
  rowId: z.number().int().nonnegative(),
  values: z.record(z.string(), CellValue),
  image: ImageRef.nullable(),
  votes: z.array(z.object({ annotator: z.string(), value: LabelValue })),
  /** The latest review, if a reviewer decided already. */
  review: Annotation.nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

/**
 * How a frozen version settles an item: a reviewer's label always wins; otherwise
 * `agreed` takes items every annotator labelled the same, `majority` the most common label
 * (ties stay unresolved).
 */
export const FreezePolicy = z.enum(['agreed', 'majority']);
export type FreezePolicy = z.infer<typeof FreezePolicy>;

export const LabelVersion = z.object({
  id: Id,
  labelSetId: Id,
  datasetVersionId: Id,
  number: z.number().int().positive(),
  /** sha256 of the canonical JSONL of `{row_id, label}` lines in the object store. */
  sha256: z.string(),
  policy: FreezePolicy,
  itemCount: z.number().int().nonnegative(),
  classCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Items left out: nobody labelled them, or annotators disagree with no review. */
  excluded: z.object({
    unlabelled: z.number().int().nonnegative(),
    unresolved: z.number().int().nonnegative(),
  }),
  /** The last annotation the version saw. */
  upToSeq: z.number().int().nonnegative(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type LabelVersion = z.infer<typeof LabelVersion>;

export const LabelExportFormat = z.enum(['csv', 'jsonl', 'imagenet']);
export type LabelExportFormat = z.infer<typeof LabelExportFormat>;

/** What a label import did, line by line where it refused something. */
export const LabelImportReport = z.object({
  imported: z.number().int().nonnegative(),
  /** Annotations already present (same id): merging a file twice adds nothing. */
  alreadyPresent: z.number().int().nonnegative(),
  unknownClasses: z.array(z.object({ line: z.number().int(), value: z.string() })),
  unknownRows: z.array(z.object({ line: z.number().int(), rowId: z.string() })),
  invalid: z.array(z.object({ line: z.number().int(), message: z.string() })),
});
export type LabelImportReport = z.infer<typeof LabelImportReport>;
