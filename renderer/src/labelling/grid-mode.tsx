import { useEffect, useMemo, useState } from 'react';
import type { MouseEvent } from 'react';
import type { Annotation, LabelItem, LabelSet, LabelValue } from '../../../core/contract/labels.js';
import { formatCount } from '../format.js';
import { useApp, useDeps } from '../store/app-store.js';
import { createThumbnailCache } from './image-cache.js';
import { useKeyTarget } from './key-target.js';
import type { KeyHandler } from './key-target.js';
import { LabelChip } from './label-chip.js';
import { parseScore } from './session-model.js';
import { Thumbnail } from './thumbnail.js';

const pageSize = 48;

interface GridPage {
  readonly from: number;
  readonly items: readonly LabelItem[];
  readonly total: number;
}

function withAnnotations(page: GridPage, annotations: readonly Annotation[]): GridPage {
  const byRow = new Map(annotations.map((annotation) => [annotation.rowId, annotation]));
  return {
    ...page,
    items: page.items.map((item) => ({ ...item, current: byRow.get(item.rowId) ?? item.current })),
  };
}

/** A page of thumbnails or row cards; select several and one key labels them all. */
export function GridMode({ labelSet, active }: { labelSet: LabelSet; active: boolean }) {
  const { api } = useDeps();
  const annotator = useApp((state) => state.annotator);
  const order = useApp((state) => state.labelOrder);
  const changes = useApp((state) => state.labelChangeCount);
  const annotateMany = useApp((state) => state.annotateMany);
  const reportError = useApp((state) => state.reportError);
  const [from, setFrom] = useState(0);
  const [page, setPage] = useState<GridPage | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  // Score sets: the score being typed for the selection, and why Enter refused it.
  const [scoreText, setScoreText] = useState('');
  const [scoreProblem, setScoreProblem] = useState<string | null>(null);
  const thumbnails = useMemo(() => createThumbnailCache(api), [api]);
  useEffect(() => () => thumbnails.dispose(), [thumbnails]);

  useEffect(() => {
    if (annotator === null) return undefined;
    let live = true;
    api.labels
      .queue({ labelSetId: labelSet.id, annotator, order, include: 'all', from, limit: pageSize })
      .then((result) => {
        if (!live) return;
        setPage({ from, items: result.items, total: result.total });
        const shas = result.items.map((item) => item.image?.sha256).filter((sha): sha is string => !!sha);
        if (shas.length > 0) thumbnails.preload(shas);
      })
      .catch((error: unknown) => {
        if (live) reportError(error);
      });
    return () => {
      live = false;
    };
  }, [api, labelSet.id, annotator, order, from, reload, changes, thumbnails, reportError]);

  const items = page?.items ?? [];
  const chosen = items.filter((item) => selected.has(item.rowId));

  const label = async (action: 'label' | 'skip', value: LabelValue | null): Promise<void> => {
    if (!page || chosen.length === 0) return;
    const annotations = await annotateMany(chosen, action, value);
    if (annotations === null) setReload((count) => count + 1);
    else setPage(withAnnotations(page, annotations));
  };

  const turn = (delta: 1 | -1): void => {
    const total = page?.total ?? 0;
    const next = from + delta * pageSize;
    if (next < 0 || next >= total) return;
    setFrom(next);
    setSelected(new Set());
    setAnchor(null);
  };

  const typeScore = (text: string): void => {
    setScoreText(text);
    setScoreProblem(null);
  };

  /** Enter in a score set: the typed score for every selected item, if it fits the set's range. */
  const submitScore = (): void => {
    if (chosen.length === 0) return setScoreProblem('Select items first, then type their score.');
    const parsed = parseScore(scoreText, labelSet.score);
    if ('problem' in parsed) return setScoreProblem(parsed.problem);
    typeScore('');
    void label('label', { score: parsed.score });
  };

  const onCommand: KeyHandler = (command) => {
    if (command.kind === 'class' && labelSet.task !== 'score')
      void label('label', { classes: [command.name] });
    else if (command.kind === 'score-type') typeScore(scoreText + command.text);
    // Backspace erases what is typed (the grid has no undo of its own).
    else if (command.kind === 'undo' && labelSet.task === 'score') typeScore(scoreText.slice(0, -1));
    else if (command.kind === 'submit' && labelSet.task === 'score') submitScore();
    else if (command.kind === 'skip') void label('skip', null);
    else if (command.kind === 'select-all') setSelected(new Set(items.map((item) => item.rowId)));
    else if (command.kind === 'close') setSelected(new Set());
    else if (command.kind === 'page') turn(command.delta);
  };
  useKeyTarget(onCommand, active);

  const click = (event: MouseEvent, index: number, rowId: number): void => {
    if (event.shiftKey && anchor !== null) {
      const [low, high] = anchor < index ? [anchor, index] : [index, anchor];
      setSelected(new Set(items.slice(low, high + 1).map((item) => item.rowId)));
      return;
    }
    setAnchor(index);
    if (event.ctrlKey || event.metaKey) {
      setSelected((old) => {
        const next = new Set(old);
        if (next.has(rowId)) next.delete(rowId);
        else next.add(rowId);
        return next;
      });
    } else setSelected(new Set([rowId]));
  };

  if (!page) return <p className="muted label-loading">Loading the page…</p>;
  const textColumn = labelSet.textColumn;
  return (
    <div className="grid-mode" data-testid="grid-mode">
      <div className="grid-mode-bar">
        <button type="button" disabled={from === 0} data-testid="grid-previous-page" onClick={() => turn(-1)}>
          ← Previous
        </button>
        <span className="muted" data-testid="grid-page-range">
          {formatCount(from + 1)}–{formatCount(Math.min(from + pageSize, page.total))} of{' '}
          {formatCount(page.total)}
        </span>
        <button
          type="button"
          disabled={from + pageSize >= page.total}
          data-testid="grid-next-page"
          onClick={() => turn(1)}
        >
          Next →
        </button>
        <span data-testid="grid-selected-count" data-count={chosen.length}>
          {chosen.length === 0
            ? 'Click, Shift+click or Ctrl+A to select'
            : labelSet.task === 'score'
              ? `${formatCount(chosen.length)} selected: type a score, then Enter`
              : `${formatCount(chosen.length)} selected: a class key labels them all`}
        </span>
        {labelSet.task === 'score' && (scoreText !== '' || scoreProblem !== null) && (
          <span className="grid-score" data-testid="grid-score" data-text={scoreText}>
            <strong>{scoreText === '' ? '…' : scoreText}</strong>
            {scoreProblem !== null && (
              <span className="error-message" data-testid="grid-score-problem">
                {' '}
                {scoreProblem}
              </span>
            )}
          </span>
        )}
      </div>
      <ul className="label-grid" aria-label="Items" aria-multiselectable="true">
        {items.map((item, index) => {
          const current = item.current;
          const isSelected = selected.has(item.rowId);
          return (
            <li
              key={item.rowId}
              className="label-grid-cell"
              aria-selected={isSelected}
              data-testid="grid-item"
              data-row-id={item.rowId}
              onClick={(event) => click(event, index, item.rowId)}
            >
              {item.image ? (
                <Thumbnail sha256={item.image.sha256} thumbnails={thumbnails} />
              ) : (
                <p className="grid-card-text">
                  {String(
                    item.values[textColumn ?? ''] ?? Object.values(item.values).slice(1, 4).join(' · '),
                  )}
                </p>
              )}
              <div className="grid-cell-footer">
                <span className="muted">#{item.rowId}</span>
                <LabelChip
                  labelSet={labelSet}
                  label={current ? { action: current.action, value: current.value } : null}
                  testId="grid-item-label"
                />
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
