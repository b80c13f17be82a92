import { RpcError } from '../../../core/contract/client.js';
import type { EventPayload } from '../../../core/contract/events.js';
import type {
  Annotation,
  LabelItem,
  LabelProgress,
  LabelValue,
  QueueOrder,
} from '../../../core/contract/labels.js';
import { newAnnotationId } from '../labelling/annotation-id.js';
import { LabelOutbox } from '../labelling/label-outbox.js';
import type { OutboxStorage } from '../labelling/label-outbox.js';
import { LabelWriter } from '../labelling/label-writer.js';
import type { LabelWriterEvents, PendingWrite } from '../labelling/label-writer.js';
import { isOpen, mergeItems, restoring, sessionItem, shownLabel } from '../labelling/session-model.js';
import type { Draft, SessionItem, ShownLabel, WriteAction } from '../labelling/session-model.js';
import type { SliceCreator } from './types.js';

/** One annotator walking a label set in one queue order: what was shown, what is next. */
export interface LabelSession {
  readonly labelSetId: string;
  readonly annotator: string;
  readonly order: QueueOrder;
  /** Items seen and preloaded, in walking order. */
  readonly items: readonly SessionItem[];
  /** The item shown; `items.length` when the walk reached the end of what is loaded. */
  readonly index: number;
  readonly total: number;
  /** Nothing open lies beyond the last loaded item. */
  readonly reachedEnd: boolean;
  readonly loading: boolean;
}

/** A write the engine refused because the item changed elsewhere (another window). */
export interface LabelConflict {
  readonly id: string;
  readonly labelSetId: string;
  readonly annotator: string;
  readonly rowId: number;
  readonly mine: ShownLabel;
  /** The item's current annotation now (null: taken back elsewhere). */
  readonly theirs: Annotation | null;
}

/**
 * The conflicts the label view shows: those of the set and annotator it shows (a conflict of another
 * set waits for that set, e.g. one of the writes an earlier page left, sent again at start).
 */
export function sessionConflicts(state: {
  readonly labelSession: LabelSession | null;
  readonly labelConflicts: readonly LabelConflict[];
}): readonly LabelConflict[] {
  const session = state.labelSession;
  if (!session) return [];
  return state.labelConflicts.filter(
    (conflict) => conflict.labelSetId === session.labelSetId && conflict.annotator === session.annotator,
  );
}

export interface LabelSessionSlice {
  labelSession: LabelSession | null;
  labelProgress: LabelProgress | null;
  /** Writes shown on screen but not yet acknowledged by the engine. */
  labelWritesPending: number;
  /** Writes the engine acknowledged (committed) since the page opened. */
  labelWritesAcknowledged: number;
  /** Writes that could not reach the engine; retried when it is back. */
  labelWritesFailed: number;
  /** Writes an earlier page of this workspace left unsaved (closed, reloaded, crashed) and this one sent again. */
  labelWritesRestored: number;
  labelConflicts: readonly LabelConflict[];
  /** Bumped when someone else's annotation arrives, so panels know to read again. */
  labelChangeCount: number;
  /**
   * Sends again what an earlier page of this workspace left unsaved (see `LabelOutbox`); called once
   * the engine answers. Label sessions start after it.
   */
  restoreUnsavedLabels(): Promise<void>;
  startLabelSession(): Promise<void>;
  moveLabelItem(delta: 1 | -1): void;
  /** Shows the write at once and moves on (when `advance`); the call runs behind. */
  annotateCurrent(action: WriteAction, value: LabelValue | null, advance: boolean): void;
  undoLabel(): void;
  resolveConflict(keep: 'mine' | 'theirs'): void;
  retryFailedLabels(): void;
  refreshLabelProgress(): Promise<void>;
  onLabelsChanged(payload: EventPayload<'labels.changed'>): void;
  /** Grid mode: one label for many items, all or nothing; null when refused. */
  annotateMany(
    items: readonly LabelItem[],
    action: WriteAction,
    value: LabelValue | null,
  ): Promise<readonly Annotation[] | null>;
}

interface UndoEntry {
  readonly write: PendingWrite;
  readonly previous: ShownLabel | null;
}

const firstBatch = 20;
const laterBatch = 50;
/** Fetch more once fewer than this many items are left ahead, so the next one is always in memory. */
const lookahead = 10;
const maxUndo = 500;
const progressRefreshMs = 250;

/** The browser's localStorage, or none where there is none or it may not be used. */
function browserStorage(): OutboxStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export const createLabelSessionSlice: SliceCreator<LabelSessionSlice> =
  ({ api }) =>
  (set, get) => {
    let undoStack: UndoEntry[] = [];
    let generation = 0;
    let progressTimer: ReturnType<typeof setTimeout> | null = null;
    // Label sessions wait for the writes an earlier page left, so the queue they read includes them.
    // Never rejects: `restoreUnsavedLabels` catches what it can fail on.
    let restored: Promise<void> = Promise.resolve();

    const patchItem = (labelSetId: string, rowId: number, change: (item: SessionItem) => SessionItem): void =>
      set((state) => {
        const session = state.labelSession;
        if (session?.labelSetId !== labelSetId) return state;
        const at = session.items.findIndex((item) => item.rowId === rowId);
        const item = session.items[at];
        if (!item) return state;
        const items = [...session.items];
        items[at] = change(item);
        return { labelSession: { ...session, items } };
      });

    const dropDraft = (write: PendingWrite, current?: Annotation | null): void =>
      patchItem(write.labelSetId, write.rowId, (item) => ({
        ...item,
        ...(current !== undefined ? { current } : {}),
        draft: item.draft?.id === write.id ? null : item.draft,
      }));

    const markDraft = (write: PendingWrite, state: Draft['state']): void =>
      patchItem(write.labelSetId, write.rowId, (item) =>
        item.draft?.id === write.id ? { ...item, draft: { ...item.draft, state } } : item,
      );

    const events: LabelWriterEvents = {
      sending: () => set((state) => ({ labelWritesPending: state.labelWritesPending + 1 })),
      acknowledged: (write, annotation, progress) => {
        dropDraft(write, annotation);
        set((state) => ({
          labelWritesAcknowledged: state.labelWritesAcknowledged + 1,
          // The progress is this annotator's: keep it only while the view shows their walk of this set.
          labelProgress:
            state.labelSession?.labelSetId === write.labelSetId &&
            state.labelSession.annotator === write.annotator
              ? progress
              : state.labelProgress,
        }));
      },
      conflicted: (write, theirs) => {
        markDraft(write, 'conflict');
        const mine = { action: write.action, value: write.value };
        set((state) => ({
          labelConflicts: [
            ...state.labelConflicts,
            {
              id: write.id,
              labelSetId: write.labelSetId,
              annotator: write.annotator,
              rowId: write.rowId,
              mine,
              theirs,
            },
          ],
        }));
      },
      refused: (write, error) => {
        // Put the item back as it was and say why.
        undoStack = undoStack.filter((entry) => entry.write.id !== write.id);
        dropDraft(write);
        get().reportError(error);
      },
      unreachable: (write) => {
        markDraft(write, 'failed');
        set({ labelWritesFailed: writer.failedCount });
      },
      settled: () => set((state) => ({ labelWritesPending: state.labelWritesPending - 1 })),
    };
    const outbox = new LabelOutbox(browserStorage(), () =>
      get().reportError(
        new Error(
          'This browser would not keep unsaved labels (its storage is full or turned off). Labels are still ' +
            'saved as usual, but any not yet saved are lost if the page closes before the engine answers.',
        ),
      ),
    );
    const writer = new LabelWriter(api, events, outbox);

    const fetchMore = async (gen: number): Promise<void> => {
      const session = get().labelSession;
      if (!session || session.loading || session.reachedEnd) return;
      set({ labelSession: { ...session, loading: true } });
      let from = (session.items.at(-1)?.position ?? -1) + 1;
      let added = 0;
      let reachedEnd = false;
      try {
        // Items between here and the next open one may all be done: walk on a few pages if need be.
        for (let round = 0; round < 5 && added < lookahead; round++) {
          const page = await api.labels.queue({
            labelSetId: session.labelSetId,
            annotator: session.annotator,
            order: session.order,
            include: 'all',
            from,
            limit: laterBatch,
          });
          if (gen !== generation) return;
          writer.learn(session.labelSetId, page.items);
          const last = page.items.at(-1);
          const current = get().labelSession;
          if (!current) return;
          const merged = mergeItems(current.items, page.items.filter(isOpen), 'append');
          added += merged.added;
          set({ labelSession: { ...current, items: merged.items, total: page.total } });
          if (!last || last.position + 1 >= page.total) {
            reachedEnd = true;
            break;
          }
          from = last.position + 1;
        }
      } catch (error) {
        if (gen === generation) get().reportError(error);
      } finally {
        const current = get().labelSession;
        if (gen === generation && current) set({ labelSession: { ...current, loading: false, reachedEnd } });
      }
    };

    const fetchEarlier = async (gen: number): Promise<void> => {
      const session = get().labelSession;
      const first = session?.items[0];
      if (!session || !first || first.position === 0 || session.loading) return;
      const from = Math.max(0, first.position - firstBatch);
      set({ labelSession: { ...session, loading: true } });
      try {
        const page = await api.labels.queue({
          labelSetId: session.labelSetId,
          annotator: session.annotator,
          order: session.order,
          include: 'all',
          from,
          limit: first.position - from,
        });
        if (gen !== generation) return;
        writer.learn(session.labelSetId, page.items);
        const current = get().labelSession;
        if (!current) return;
        const merged = mergeItems(current.items, page.items, 'prepend');
        const index = current.index + merged.added - (current.index === 0 && merged.added > 0 ? 1 : 0);
        set({ labelSession: { ...current, items: merged.items, index, loading: false } });
      } catch (error) {
        if (gen === generation) get().reportError(error);
        const current = get().labelSession;
        if (gen === generation && current) set({ labelSession: { ...current, loading: false } });
      }
    };

    const keepAhead = (): void => {
      const session = get().labelSession;
      if (!session || session.loading || session.reachedEnd) return;
      if (session.items.length - session.index > lookahead) return;
      void fetchMore(generation);
    };

    return {
      labelSession: null,
      labelProgress: null,
      labelWritesPending: 0,
      labelWritesAcknowledged: 0,
      labelWritesFailed: 0,
      labelWritesRestored: 0,
      labelConflicts: [],
      labelChangeCount: 0,
      restoreUnsavedLabels: () => {
        // Once opened there is nothing more to restore; a reconnect need not ask the engine again.
        if (outbox.opened) return restored;
        const earlier = restored;
        restored = earlier
          .then(async () => {
            let workspace: string;
            try {
              ({ workspace } = await api.engine.info());
            } catch {
              return; // The engine is not there yet; the page calls this again once it is.
            }
            const left = outbox.open(workspace);
            if (left.unreadable > 0)
              get().reportError(
                new Error(
                  `${left.unreadable} unsaved label(s) kept in this browser could not be read (its storage was ` +
                    'changed outside Orchard) and were dropped.',
                ),
              );
            if (left.writes.length === 0) return;
            set((state) => ({ labelWritesRestored: state.labelWritesRestored + left.writes.length }));
            await Promise.all(left.writes.map((write) => writer.send(write)));
          })
          .catch((error: unknown) => get().reportError(error));
        return restored;
      },
      startLabelSession: async () => {
        const { activeLabelSetId: labelSetId, annotator, labelOrder: order } = get();
        generation += 1;
        const gen = generation;
        undoStack = [];
        if (labelSetId === null || annotator === null) {
          set({ labelSession: null, labelProgress: null });
          return;
        }
        set({
          labelSession: {
            labelSetId,
            annotator,
            order,
            items: [],
            index: 0,
            total: 0,
            reachedEnd: false,
            loading: true,
          },
        });
        await restored;
        if (gen !== generation) return;
        try {
          const [queue, progress] = await Promise.all([
            api.labels.queue({ labelSetId, annotator, order, include: 'todo', limit: firstBatch }),
            api.labels.progress({ labelSetId, annotator }),
          ]);
          if (gen !== generation) return;
          writer.learn(labelSetId, queue.items);
          set({
            labelSession: {
              labelSetId,
              annotator,
              order,
              items: queue.items.map(sessionItem),
              index: 0,
              total: queue.total,
              reachedEnd: queue.items.length >= queue.todo,
              loading: false,
            },
            labelProgress: progress,
          });
        } catch (error) {
          if (gen !== generation) return;
          get().reportError(error);
          const session = get().labelSession;
          if (session) set({ labelSession: { ...session, loading: false, reachedEnd: true } });
        }
      },
      moveLabelItem: (delta) => {
        const session = get().labelSession;
        if (!session) return;
        if (delta < 0 && session.index === 0) {
          void fetchEarlier(generation);
          return;
        }
        const index = Math.max(0, Math.min(session.items.length, session.index + delta));
        if (index !== session.index) set({ labelSession: { ...session, index } });
        keepAhead();
      },
      annotateCurrent: (action, value, advance) => {
        const session = get().labelSession;
        const item = session?.items[session.index];
        if (!session || !item) return;
        const write: PendingWrite = {
          labelSetId: session.labelSetId,
          annotator: session.annotator,
          rowId: item.rowId,
          id: newAnnotationId(),
          action,
          value,
        };
        undoStack.push({ write, previous: shownLabel(item) });
        if (undoStack.length > maxUndo) undoStack.shift();
        const items = [...session.items];
        items[session.index] = { ...item, draft: { id: write.id, action, value, state: 'sending' } };
        const index = advance ? Math.min(items.length, session.index + 1) : session.index;
        set({ labelSession: { ...session, items, index } });
        writer.send(write);
        keepAhead();
      },
      undoLabel: () => {
        const session = get().labelSession;
        const entry = undoStack.pop();
        if (!session || !entry) return;
        const { write, previous } = entry;
        const index = session.items.findIndex((item) => item.rowId === write.rowId);
        if (index >= 0 && index !== session.index) set({ labelSession: { ...session, index } });
        // A write that never reached the engine is simply dropped; there is nothing to undo there.
        if (writer.forget(write.id)) {
          set((state) => ({
            labelWritesFailed: writer.failedCount,
            labelConflicts: state.labelConflicts.filter((conflict) => conflict.id !== write.id),
          }));
          dropDraft(write);
          return;
        }
        const restore = restoring(previous);
        const undo: PendingWrite = {
          labelSetId: write.labelSetId,
          annotator: write.annotator,
          rowId: write.rowId,
          id: newAnnotationId(),
          action: restore.action,
          value: restore.value ?? null,
          undoesId: write.id,
        };
        patchItem(undo.labelSetId, undo.rowId, (item) => ({
          ...item,
          draft: { id: undo.id, action: undo.action, value: undo.value, state: 'sending' },
        }));
        writer.send(undo);
      },
      resolveConflict: (keep) => {
        const conflict = sessionConflicts(get())[0];
        if (!conflict) return;
        set((state) => ({ labelConflicts: state.labelConflicts.filter((entry) => entry !== conflict) }));
        const write = writer.takeConflict(conflict.id);
        if (!write) return;
        if (keep === 'mine') {
          markDraft(write, 'sending');
          writer.send({ ...write, force: true });
          return;
        }
        undoStack = undoStack.filter((entry) => entry.write.id !== write.id);
        writer.discard(write.id);
        dropDraft(write, conflict.theirs);
      },
      retryFailedLabels: () => {
        const writes = writer.retryFailed();
        set({ labelWritesFailed: writer.failedCount });
        for (const write of writes) markDraft(write, 'sending');
      },
      refreshLabelProgress: async () => {
        const { activeLabelSetId: labelSetId, annotator } = get();
        if (labelSetId === null || annotator === null) return;
        try {
          const progress = await api.labels.progress({ labelSetId, annotator });
          if (get().activeLabelSetId === labelSetId) set({ labelProgress: progress });
        } catch (error) {
          get().reportError(error);
        }
      },
      onLabelsChanged: ({ labelSetId, annotation }) => {
        if (labelSetId !== get().activeLabelSetId) {
          // A set this page has not seen: made in another window. Read the open versions' sets again.
          const loaded = get().labelSetsByVersion;
          const known = Object.values(loaded).some((sets) => sets.some((entry) => entry.id === labelSetId));
          if (annotation === null && !known)
            for (const versionId of Object.keys(loaded)) void get().loadLabelSets(versionId);
          return;
        }
        if (annotation && writer.isOwn(annotation.id)) return;
        if (annotation && annotation.action !== 'review') writer.saw(labelSetId, annotation);
        if (annotation && annotation.annotator === get().annotator && annotation.action !== 'review') {
          // Another window of mine labelled it: show that, unless a write of this window is on its way.
          patchItem(labelSetId, annotation.rowId, (item) =>
            item.draft || (item.current?.seq ?? 0) > annotation.seq ? item : { ...item, current: annotation },
          );
        }
        set((state) => ({ labelChangeCount: state.labelChangeCount + 1 }));
        if (progressTimer !== null) return;
        progressTimer = setTimeout(() => {
          progressTimer = null;
          void get().refreshLabelProgress();
        }, progressRefreshMs);
      },
      annotateMany: async (items, action, value) => {
        const { activeLabelSetId: labelSetId, annotator } = get();
        if (labelSetId === null || annotator === null || items.length === 0) return null;
        const writes = items.map((item) => {
          const id = newAnnotationId();
          writer.claim(id);
          if (item.current) writer.saw(labelSetId, item.current);
          return {
            rowId: item.rowId,
            id,
            expectedSeq: writer.expectedSeq(labelSetId, annotator, item.rowId),
          };
        });
        set((state) => ({ labelWritesPending: state.labelWritesPending + 1 }));
        try {
          const result = await api.labels.annotateMany({
            labelSetId,
            annotator,
            action,
            ...(value !== null ? { value } : {}),
            items: writes,
          });
          for (const annotation of result.annotations) {
            writer.saw(labelSetId, annotation);
            patchItem(labelSetId, annotation.rowId, (item) => ({ ...item, current: annotation }));
          }
          set((state) => ({
            labelProgress: result.progress,
            labelWritesAcknowledged: state.labelWritesAcknowledged + result.annotations.length,
          }));
          return result.annotations;
        } catch (error) {
          if (error instanceof RpcError && error.code === 'conflict') {
            get().reportError(
              new Error(
                'Some of the selected items were labelled in another window since this page was shown, ' +
                  'so nothing was changed. The page now shows their labels; label them again to keep yours.',
              ),
            );
          } else get().reportError(error);
          return null;
        } finally {
          set((state) => ({ labelWritesPending: state.labelWritesPending - 1 }));
        }
      },
    };
  };
