import type { DuckDBInstance } from '@duckdb/node-api';
import { InvalidInputError } from '../contract/index.js';
import type {
  AgreementReport,
  Annotation,
  DatasetVersion,
  FreezePolicy,
  LabelItem,
  LabelProgress,
  LabelSet,
  LabelValue,
  LabelVersion,
  ParsedLabelSetDefinition,
  QueueOrder,
  ReviewItem,
} from '../contract/index.js';
import type { ObjectStore, RegistryDb } from '../registry/index.js';
import {
  appendAnnotations,
  createLabelSet,
  getAnnotation,
  getLabelSet,
  getVersion,
} from '../registry/index.js';
import { agreementReport } from './agreement-report.js';
import { freezeLabelSet } from './freeze.js';
import { buildItems, readRows } from './items.js';
import { checkAnnotationValue, checkLabelSetDefinition, requireItems } from './label-set-rules.js';
import { currentLabelsOf, LabelStates, openCode } from './label-state.js';
import { OrderCache } from './order-cache.js';
import { openPositions } from './queue-order.js';
import { QueueRows } from './queue-rows.js';
import { reviewQueue } from './review-queue.js';

export interface LabellingDeps {
  readonly db: RegistryDb;
  readonly duck: DuckDBInstance;
  readonly store: ObjectStore;
}

/** One write of `annotate`: an item, the client's id for the annotation, and the seq it last saw. */
export interface ItemWrite {
  readonly rowId: number;
  readonly id: string;
  readonly expectedSeq: number | null;
  readonly undoes?: number | undefined;
}

export interface AnnotateInput {
  readonly labelSetId: string;
  readonly annotator: string;
  readonly action: 'label' | 'skip' | 'clear' | 'review';
  readonly value?: LabelValue | undefined;
  readonly items: readonly ItemWrite[];
  readonly force?: boolean | undefined;
  readonly origin?: Annotation['origin'];
}

/**
 * Labelling as the engine serves it: label sets, queues, annotation, agreement, review and freezing,
 * with the engine-side caches that keep the per-keypress calls fast on a million items (the label
 * state of each set, the queue orders). One instance per engine; label sets and dataset versions
 * are immutable, so they are cached by id without invalidation.
 */
export class Labelling {
  private readonly sets = new Map<string, LabelSet>();
  private readonly versions = new Map<string, DatasetVersion>();
  private readonly states = new LabelStates();
  private readonly orders: OrderCache;
  private readonly queueRows: QueueRows;

  constructor(private readonly deps: LabellingDeps) {
    this.orders = new OrderCache(deps);
    this.queueRows = new QueueRows(deps);
  }

  set(labelSetId: string): LabelSet {
    let set = this.sets.get(labelSetId);
    if (!set) {
      set = getLabelSet(this.deps.db, labelSetId);
      this.sets.set(labelSetId, set);
    }
    return set;
  }

  private versionOf(set: LabelSet): DatasetVersion {
    let version = this.versions.get(set.datasetVersionId);
    if (!version) {
      version = getVersion(this.deps.db, set.datasetVersionId);
      this.versions.set(version.id, version);
    }
    return version;
  }

  createSet(datasetVersionId: string, definition: ParsedLabelSetDefinition, actor: string): LabelSet {
    const version = getVersion(this.deps.db, datasetVersionId);
    const checked = checkLabelSetDefinition(version, definition);
    return createLabelSet(this.deps.db, { datasetVersionId, ...checked, actor });
  }

  /** The next items in an order: open ones from the start (`todo`), or any from a position (`all`). */
  async queue(input: {
    labelSetId: string;
    annotator: string;
    order: QueueOrder;
    from: number;
    limit: number;
    include: 'todo' | 'all';
  }): Promise<{ items: LabelItem[]; total: number; todo: number }> {
    const set = this.set(input.labelSetId);
    const version = this.versionOf(set);
    const { key, order, predictions } = await this.orders.get(version, input.order);
    const state = this.states.current(this.deps.db, set);
    const codes = state.codesOf(input.annotator);
    let positions: number[];
    if (input.include === 'todo') {
      positions = codes
        ? openPositions(order, (rowId) => codes[rowId] === openCode, input.limit)
        : Array.from({ length: Math.min(input.limit, order.length) }, (_, p) => p);
    } else {
      const end = Math.min(order.length, input.from + input.limit);
      positions = Array.from({ length: Math.max(0, end - input.from) }, (_, i) => input.from + i);
    }
    const entries = positions.map((position) => ({ rowId: order[position]!, position }));
    const rows = await this.queueRows.read(version, key, order, positions, input.order.kind === 'sequential');
    // The rows took a while to read: take the annotator's labels as they are now.
    const items = buildItems(this.deps.db, set, input.annotator, entries, rows, predictions);
    return { items, total: order.length, todo: this.states.current(this.deps.db, set).todo(input.annotator) };
  }

  /** Given items with the annotator's current labels; `position` is the row id (no order is given). */
  async items(labelSetId: string, annotator: string, rowIds: readonly number[]): Promise<LabelItem[]> {
    const set = this.set(labelSetId);
    requireItems(set, rowIds);
    const entries = rowIds.map((rowId) => ({ rowId, position: rowId }));
    const rows = await readRows(this.deps.duck, this.deps.store, this.versionOf(set), rowIds);
    return buildItems(this.deps.db, set, annotator, entries, rows);
  }

  /**
   * Appends one annotation per item in one transaction (committed before this returns: a WAL
   * commit, so an answered keypress survives the engine being killed), then the progress.
   */
  annotate(input: AnnotateInput): { annotations: Annotation[]; added: number; progress: LabelProgress } {
    const set = this.set(input.labelSetId);
    requireItems(
      set,
      input.items.map((item) => item.rowId),
    );
    const value = checkAnnotationValue(set, input.action, input.value);
    for (const item of input.items) {
      if (item.undoes === undefined) continue;
      const undone = getAnnotation(this.deps.db, set.id, item.undoes);
      if (undone.rowId !== item.rowId || undone.annotator !== input.annotator)
        throw new InvalidInputError(
          `Annotation ${item.undoes} is ${undone.annotator}'s on row ${undone.rowId}; an undo takes back one's own annotation of the same item.`,
          { undoes: item.undoes },
        );
    }
    const { annotations, alreadyPresent } = appendAnnotations(
      this.deps.db,
      set.id,
      input.items.map((item) => ({
        id: item.id,
        rowId: item.rowId,
        annotator: input.annotator,
        action: input.action,
        value,
        undoes: item.undoes,
        expectedSeq: item.expectedSeq,
      })),
      { origin: input.origin ?? 'app', force: input.force },
    );
    return {
      annotations,
      added: annotations.length - alreadyPresent,
      progress: this.progress(set.id, input.action === 'review' ? undefined : input.annotator),
    };
  }

  progress(labelSetId: string, annotator?: string): LabelProgress {
    const set = this.set(labelSetId);
    return this.states.current(this.deps.db, set).progress(annotator);
  }

  agreement(labelSetId: string): AgreementReport {
    const set = this.set(labelSetId);
    const { table, reviews } = currentLabelsOf(this.deps.db, set, this.states);
    return agreementReport(set, table, new Set(reviews.keys()));
  }

  reviewQueue(
    labelSetId: string,
    page: { offset: number; limit: number; includeReviewed: boolean },
  ): Promise<{ items: ReviewItem[]; total: number }> {
    const set = this.set(labelSetId);
    const { table, reviews } = currentLabelsOf(this.deps.db, set, this.states);
    return reviewQueue(
      this.deps,
      set,
      this.versionOf(set),
      { table, reviewed: new Set(reviews.keys()) },
      page,
    );
  }

  freeze(
    labelSetId: string,
    policy: FreezePolicy,
    actor: string,
  ): Promise<{ version: LabelVersion; reused: boolean }> {
    const set = this.set(labelSetId);
    return freezeLabelSet(this.deps, set, policy, actor, currentLabelsOf(this.deps.db, set, this.states));
  }
}
