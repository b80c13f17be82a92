import { useEffect, useState } from 'react';
import type { Annotation, LabelSet } from '../../../core/contract/labels.js';
import { useApp, useDeps } from '../store/app-store.js';
import { LabelChip } from './label-chip.js';

const originNames: Record<Annotation['origin'], string> = {
  app: 'in the app',
  cli: 'from the CLI',
  import: 'imported',
};

/** When, to the second, in the reader's time zone. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

/** What one annotation did, in words: a label (as chips), a skip, a clear, a review. */
function Entry({ labelSet, annotation }: { labelSet: LabelSet; annotation: Annotation }) {
  return (
    <li
      className="history-entry"
      data-testid="history-entry"
      data-seq={annotation.seq}
      data-action={annotation.action}
      data-annotator={annotation.annotator}
      data-undoes={annotation.undoes ?? ''}
    >
      <span className="muted">#{annotation.seq}</span> <strong>{annotation.annotator}</strong>{' '}
      {annotation.action === 'review' ? 'settled it as ' : annotation.undoes !== null ? 'undid #' : ''}
      {annotation.undoes !== null && annotation.action !== 'review' ? `${annotation.undoes}, back to ` : ''}
      <LabelChip
        labelSet={labelSet}
        label={{
          action: annotation.action === 'review' ? 'label' : annotation.action,
          value: annotation.value,
        }}
        testId="history-label"
      />{' '}
      <span className="muted">
        {originNames[annotation.origin]} · {when(annotation.createdAt)}
      </span>
    </li>
  );
}

/**
 * Every annotation of the item on screen, oldest first, by every annotator: labels, skips, clears,
 * undos (naming the annotation they undo) and reviews. The log is append-only, so this is the item's
 * whole story. Read again when the item changes or a label arrives.
 */
export function HistoryPanel({ labelSet }: { labelSet: LabelSet }) {
  const { api } = useDeps();
  const rowId = useApp((state) => {
    const session = state.labelSession;
    return session?.items[session.index]?.rowId ?? null;
  });
  const changes = useApp((state) => state.labelChangeCount);
  const acknowledged = useApp((state) => state.labelWritesAcknowledged);
  const reportError = useApp((state) => state.reportError);
  const [shown, setShown] = useState<{ rowId: number; entries: readonly Annotation[] } | null>(null);
  useEffect(() => {
    if (rowId === null) return undefined;
    let live = true;
    api.labels
      .history({ labelSetId: labelSet.id, rowId })
      .then((entries) => {
        if (live) setShown({ rowId, entries });
      })
      .catch((error: unknown) => {
        if (live) reportError(error);
      });
    return () => {
      live = false;
    };
  }, [api, labelSet.id, rowId, changes, acknowledged, reportError]);
  const entries = shown !== null && shown.rowId === rowId ? shown.entries : null;
  return (
    <section className="label-panel" aria-labelledby="history-heading" data-testid="history-panel">
      <h3 id="history-heading">{rowId === null ? 'History' : `History of row ${rowId}`}</h3>
      {rowId === null ? (
        <p className="muted">No item on screen.</p>
      ) : entries === null ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          Nobody has labelled this item yet.
        </p>
      ) : (
        <ol className="history-list">
          {entries.map((annotation) => (
            <Entry key={annotation.seq} labelSet={labelSet} annotation={annotation} />
          ))}
        </ol>
      )}
    </section>
  );
}
