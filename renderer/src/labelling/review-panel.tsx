import { useEffect, useMemo, useState } from 'react';
import type { LabelSet, LabelValue, ReviewItem } from '../../../core/contract/labels.js';
import type { CellValue } from '../../../core/contract/schemas.js';
import { formatCount } from '../format.js';
import { useApp, useDeps } from '../store/app-store.js';
import { createThumbnailCache } from './image-cache.js';
import { useKeyTarget } from './key-target.js';
import type { KeyHandler } from './key-target.js';
import { LabelChip } from './label-chip.js';
import { Thumbnail } from './thumbnail.js';

function itemText(labelSet: LabelSet, values: Readonly<Record<string, CellValue>>): string {
  const column = labelSet.textColumn ?? (labelSet.itemKind === 'image' ? 'path' : null);
  if (column !== null && values[column] !== undefined) return String(values[column] ?? '');
  return Object.entries(values)
    .filter(([name]) => name !== '_row_id')
    .slice(0, 6)
    .map(([name, value]) => `${name}: ${String(value ?? '')}`)
    .join(' · ');
}

function VoteList({ labelSet, item }: { labelSet: LabelSet; item: ReviewItem }) {
  const reviewItem = useApp((state) => state.reviewItem);
  return (
    <ul className="vote-list" data-testid="review-votes">
      {item.votes.map((vote) => (
        <li key={vote.annotator} data-testid="review-vote" data-annotator={vote.annotator}>
          <span className="vote-annotator">{vote.annotator}</span>
          <LabelChip labelSet={labelSet} label={{ action: 'label', value: vote.value }} />
          <button
            type="button"
            className="link-button"
            data-testid="review-take-vote"
            onClick={() => void reviewItem(item, vote.value)}
          >
            Take this
          </button>
        </li>
      ))}
    </ul>
  );
}

/** U: items annotators disagree on, every vote, and a key (or a click) sets the final label. */
export function ReviewPanel({ labelSet, active }: { labelSet: LabelSet; active: boolean }) {
  const queue = useApp((state) => state.reviewQueue);
  const changes = useApp((state) => state.labelChangeCount);
  const loadReviewQueue = useApp((state) => state.loadReviewQueue);
  const reviewItem = useApp((state) => state.reviewItem);
  const { api } = useDeps();
  const thumbnails = useMemo(() => createThumbnailCache(api, 100), [api]);
  useEffect(() => () => thumbnails.dispose(), [thumbnails]);
  const [at, setAt] = useState(0);
  useEffect(() => {
    void loadReviewQueue();
  }, [loadReviewQueue, labelSet.id, changes]);
  const items = queue?.items ?? [];
  const index = Math.min(at, Math.max(0, items.length - 1));
  const item = items[index] ?? null;

  const decide = (value: LabelValue): void => {
    if (item) void reviewItem(item, value);
  };
  const onCommand: KeyHandler = (command) => {
    if (command.kind === 'next') setAt(Math.min(items.length - 1, index + 1));
    else if (command.kind === 'previous') setAt(Math.max(0, index - 1));
    else if (command.kind === 'class' && labelSet.task === 'single') decide({ classes: [command.name] });
  };
  useKeyTarget(onCommand, active);

  return (
    <section className="label-panel review-panel" aria-labelledby="review-heading" data-testid="review-panel">
      <h3 id="review-heading">
        Review <span className="muted">({formatCount(queue?.total ?? 0)} disagreements)</span>
      </h3>
      {queue === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted" data-testid="review-empty">
          No disagreements to settle. Items show here once two annotators label them differently.
        </p>
      ) : (
        <>
          <ol className="review-list">
            {items.map((entry, i) => (
              <li key={entry.rowId}>
                <button
                  type="button"
                  className="review-entry"
                  aria-current={i === index ? 'true' : undefined}
                  data-testid="review-item"
                  data-row-id={entry.rowId}
                  onClick={() => setAt(i)}
                >
                  #{entry.rowId} {itemText(labelSet, entry.values).slice(0, 60)}
                </button>
              </li>
            ))}
          </ol>
          {item && (
            <div className="review-current" data-testid="review-current" data-row-id={item.rowId}>
              {item.image && (
                <div className="review-image">
                  <Thumbnail sha256={item.image.sha256} thumbnails={thumbnails} />
                </div>
              )}
              <p className="review-text">{itemText(labelSet, item.values)}</p>
              <VoteList labelSet={labelSet} item={item} />
              <p className="muted">
                {labelSet.task === 'single'
                  ? 'A class key sets the final label; ← → move between items.'
                  : 'Take one of the votes as the final label.'}
              </p>
            </div>
          )}
        </>
      )}
    </section>
  );
}
