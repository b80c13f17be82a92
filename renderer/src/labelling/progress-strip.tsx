import { useEffect, useState } from 'react';
import type { LabelSet } from '../../../core/contract/labels.js';
import { formatCount } from '../format.js';
import { useApp } from '../store/app-store.js';
import { labelLatency, onLatencySample, quantile } from './latency.js';

/** A quiet "~12 ms": the median of the last few keypress → next item times. */
function LatencyReadout() {
  const [median, setMedian] = useState<number | null>(null);
  useEffect(
    () =>
      onLatencySample(() => {
        setMedian(quantile(labelLatency.samples().slice(-20), 0.5));
      }),
    [],
  );
  if (median === null) return null;
  return (
    <span
      className="muted latency-readout"
      data-testid="label-latency"
      title="Time from a key press to the next item on screen (median of the last 20)"
    >
      ~{Math.round(median)} ms
    </span>
  );
}

/** Labels an earlier page left unsaved (it closed or reloaded first) that this one sent again. */
function RestoredNote() {
  const restored = useApp((state) => state.labelWritesRestored);
  if (restored === 0) return null;
  return (
    <span className="muted" data-testid="label-restored" data-count={restored}>
      {formatCount(restored)} left unsaved by an earlier page, sent again ·{' '}
    </span>
  );
}

/** Whether every label on screen is safely stored: the unacknowledged marker. */
function SyncMarker() {
  const pending = useApp((state) => state.labelWritesPending);
  const acknowledged = useApp((state) => state.labelWritesAcknowledged);
  const failed = useApp((state) => state.labelWritesFailed);
  const retry = useApp((state) => state.retryFailedLabels);
  const state = failed > 0 ? 'failed' : pending > 0 ? 'sending' : 'saved';
  return (
    <span
      className={`sync-marker sync-${state}`}
      data-testid="label-sync"
      data-state={state}
      data-pending={pending}
      data-acknowledged={acknowledged}
      data-failed={failed}
    >
      {state === 'failed' ? (
        <>
          {formatCount(failed)} not saved{' '}
          <button type="button" className="link-button" data-testid="label-retry" onClick={retry}>
            Retry
          </button>
        </>
      ) : state === 'sending' ? (
        `Saving ${formatCount(pending)}…`
      ) : (
        'All saved'
      )}
    </span>
  );
}

/** Done of total, skipped, and how many items each class has, always in view while labelling. */
export function ProgressStrip({ labelSet }: { labelSet: LabelSet }) {
  const progress = useApp((state) => state.labelProgress);
  const total = progress?.total ?? labelSet.itemCount;
  const done = progress?.done ?? 0;
  const share = total > 0 ? done / total : 0;
  const classes =
    labelSet.task === 'score'
      ? Object.keys(progress?.perClass ?? {})
          .sort((a, b) => Number(a) - Number(b))
          .map((name) => ({ name, color: '#7f7f7f' }))
      : labelSet.classes;
  return (
    <div className="progress-strip" data-testid="label-progress">
      <div className="progress-numbers">
        <strong>
          <span data-testid="label-progress-done">{formatCount(done)}</span> /{' '}
          <span data-testid="label-progress-total">{formatCount(total)}</span>
        </strong>{' '}
        <span className="muted">labelled</span>
        {(progress?.skipped ?? 0) > 0 && (
          <span className="muted" data-testid="label-progress-skipped">
            {' '}
            · {formatCount(progress?.skipped ?? 0)} skipped
          </span>
        )}
        <progress max={1} value={share} aria-label="Share labelled" />
      </div>
      <ul className="class-counts" aria-label="Labels per class">
        {classes.map((entry) => (
          <li key={entry.name} data-testid="label-class-count" data-class={entry.name}>
            <span className="swatch" style={{ background: entry.color }} aria-hidden="true" />
            {labelSet.task === 'score' ? `score ${entry.name}` : entry.name}{' '}
            <strong data-testid="label-class-count-value">{progress?.perClass[entry.name] ?? 0}</strong>
          </li>
        ))}
      </ul>
      <div className="progress-side">
        <RestoredNote />
        <SyncMarker />
        <LatencyReadout />
      </div>
    </div>
  );
}
