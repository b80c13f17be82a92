import { memo, useEffect, useLayoutEffect, useState } from 'react';
import type { CellValue } from '../../../core/contract/schemas.js';
import type { LabelSet } from '../../../core/contract/labels.js';
import { formatCount } from '../format.js';
import type { ImageCache } from './image-cache.js';
import { itemCommitted } from './latency.js';
import { LabelChip } from './label-chip.js';
import { shownLabel } from './session-model.js';
import type { SessionItem } from './session-model.js';

function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** An image from the cache: shown at once when preloaded, else once it arrives. */
function ImageStage({
  sha256,
  images,
  alt,
  pixelated,
}: {
  sha256: string;
  images: ImageCache;
  alt: string;
  /** Small images are blown up: keep their pixels sharp rather than blurred. */
  pixelated: boolean;
}) {
  const [loaded, setLoaded] = useState<{ sha256: string; url: string } | null>(null);
  const [failed, setFailed] = useState<{ sha256: string; message: string } | null>(null);
  const ready = images.ready(sha256);
  useEffect(() => {
    if (ready !== null) return undefined;
    let live = true;
    images
      .load(sha256)
      .then((url) => {
        if (live) setLoaded({ sha256, url });
      })
      .catch((error: unknown) => {
        if (live) setFailed({ sha256, message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      live = false;
    };
  }, [sha256, ready, images]);
  const url = ready ?? (loaded?.sha256 === sha256 ? loaded.url : null);
  const failure = failed?.sha256 === sha256 ? failed.message : null;
  // For an image item, "the next item is on screen" means its image is.
  useLayoutEffect(() => {
    if (url !== null || failure !== null) itemCommitted();
  }, [url, failure]);
  if (failure !== null) return <p className="error-message">Could not show the image: {failure}</p>;
  if (url === null)
    return (
      <p className="muted label-image-loading" data-testid="label-image-loading">
        Loading the image…
      </p>
    );
  return (
    <img
      className={`label-image${pixelated ? ' pixelated' : ''}`}
      src={url}
      alt={alt}
      decoding="sync"
      data-testid="label-image"
    />
  );
}

/** The fields of a row other than the one shown large: small, in a grid of name and value. */
function Fields({
  values,
  skip,
}: {
  values: Readonly<Record<string, CellValue>>;
  skip: ReadonlySet<string>;
}) {
  const entries = Object.entries(values).filter(([name]) => !skip.has(name));
  return (
    <dl className="label-fields" data-testid="label-fields">
      {entries.map(([name, value]) => (
        <div key={name} className="label-field">
          <dt>{name}</dt>
          <dd title={cellText(value)}>{cellText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

const hiddenFields = new Set(['_row_id', 'image']);

/**
 * The item being labelled: the image large, or the row as a card with its text column prominent.
 * Memoised: answers for earlier items re-render the session, and must not re-render this one.
 */
export const ItemView = memo(function ItemView({
  labelSet,
  item,
  total,
  images,
}: {
  labelSet: LabelSet;
  item: SessionItem;
  total: number;
  images: ImageCache;
}) {
  useLayoutEffect(() => {
    if (item.image === null) itemCommitted();
  }, [item.rowId, item.image]);
  const shown = shownLabel(item);
  const syncState = item.draft ? item.draft.state : item.current ? 'saved' : 'none';
  const textColumn = labelSet.itemKind === 'text' ? labelSet.textColumn : null;
  const skip = new Set([...hiddenFields, ...(textColumn !== null ? [textColumn] : [])]);
  return (
    <article
      className={`label-item label-item-${labelSet.itemKind}`}
      data-testid="label-item"
      data-row-id={item.rowId}
      data-position={item.position}
    >
      <header className="label-item-header">
        <span className="muted" data-testid="label-item-position">
          Item {formatCount(item.position + 1)} of {formatCount(total)} · row {item.rowId}
        </span>
        <span className="label-item-status">
          <LabelChip labelSet={labelSet} label={shown} testId="label-item-label" />
          <span
            className={`sync-dot sync-${syncState}`}
            data-testid="label-item-sync"
            data-state={syncState}
            title={
              syncState === 'sending'
                ? 'Saving…'
                : syncState === 'failed'
                  ? 'Not saved: the engine could not be reached'
                  : syncState === 'conflict'
                    ? 'Changed in another window'
                    : syncState === 'saved'
                      ? 'Saved'
                      : ''
            }
          />
        </span>
      </header>
      {item.image !== null ? (
        <div className="label-image-frame">
          <ImageStage
            sha256={item.image.sha256}
            images={images}
            alt={cellText(item.values['path'])}
            pixelated={item.image.width <= 128 && item.image.height <= 128}
          />
          <p className="muted label-image-meta">
            {cellText(item.values['path'])} · {item.image.width}×{item.image.height} {item.image.format}
          </p>
        </div>
      ) : textColumn !== null ? (
        <p className="label-text" data-testid="label-text">
          {cellText(item.values[textColumn])}
        </p>
      ) : null}
      {item.image === null && <Fields values={item.values} skip={skip} />}
      {(item.suggestion !== null || item.prediction !== null) && (
        <p className="label-hints">
          {item.suggestion !== null && (
            <span className="label-suggestion" data-testid="label-suggestion">
              Suggested: <strong>{item.suggestion}</strong> <kbd>Enter</kbd> accepts
            </span>
          )}
          {item.prediction !== null && (
            <span className="muted" data-testid="label-prediction">
              Model: {item.prediction.label} ({Math.round(item.prediction.confidence * 100)}%)
            </span>
          )}
        </p>
      )}
    </article>
  );
});
