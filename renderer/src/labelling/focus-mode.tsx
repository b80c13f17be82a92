import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { LabelSet } from '../../../core/contract/labels.js';
import { formatCount } from '../format.js';
import { useApp, useDeps } from '../store/app-store.js';
import { ClassBar } from './class-bar.js';
import { createImageCache } from './image-cache.js';
import { ItemView } from './item-view.js';
import { useKeyTarget, useStore } from './key-target.js';
import type { KeyHandler } from './key-target.js';
import { cancelKeypress, itemCommitted, markKeypress } from './latency.js';
import { classesOf, parseScore, shownLabel, valueForClass } from './session-model.js';
import type { SessionItem } from './session-model.js';

/** How many items ahead have their images fetched and decoded. */
const imagesAhead = 8;

interface Typing {
  readonly rowId: number;
  readonly selection: readonly string[] | null;
  readonly scoreText: string;
  readonly scoreProblem: string | null;
}

/** Shown when the walk reached the end of the loaded items. */
function EndOfQueue({ loading, total }: { loading: boolean; total: number }) {
  useLayoutEffect(() => {
    itemCommitted();
  }, []);
  return (
    <div className="label-end" data-testid="label-end" data-loading={loading}>
      {loading ? (
        <p className="muted">Loading the next items…</p>
      ) : (
        <>
          <h2>Nothing left to label in this order</h2>
          <p className="muted">
            All {formatCount(total)} items are labelled or skipped. <kbd>←</kbd> goes back; the Versions panel
            freezes what you have.
          </p>
        </>
      )}
    </div>
  );
}

/** One item at a time, driven by the keyboard: label, move, skip, undo. */
export function FocusMode({ labelSet, active }: { labelSet: LabelSet; active: boolean }) {
  const { api } = useDeps();
  const store = useStore();
  const session = useApp((state) => state.labelSession);
  const annotator = useApp((state) => state.annotator);
  const orderKey = useApp((state) => JSON.stringify(state.labelOrder));
  const startLabelSession = useApp((state) => state.startLabelSession);
  const annotateCurrent = useApp((state) => state.annotateCurrent);
  const [typing, setTyping] = useState<Typing | null>(null);
  const images = useMemo(() => createImageCache(api), [api]);
  useEffect(() => () => images.dispose(), [images]);

  useEffect(() => {
    void startLabelSession();
  }, [labelSet.id, annotator, orderKey, startLabelSession]);

  const sessionHere = session?.labelSetId === labelSet.id ? session : null;
  const item = sessionHere?.items[sessionHere.index] ?? null;
  const shown = item ? shownLabel(item) : null;
  const typed = typing !== null && item !== null && typing.rowId === item.rowId ? typing : null;
  const selection = typed?.selection ?? classesOf(shown?.action === 'label' ? shown.value : null);
  const scoreText = typed?.scoreText ?? '';

  const upcoming = sessionHere?.items
    .slice(sessionHere.index, sessionHere.index + imagesAhead)
    .map((entry) => entry.image?.sha256)
    .filter((sha256): sha256 is string => sha256 !== undefined)
    .join(',');
  useEffect(() => {
    if (upcoming) images.preload(upcoming.split(','));
  }, [upcoming, images]);

  // Key presses can come faster than renders: read the item and what was typed as they are now.
  const typingRef = useRef<Typing | null>(null);
  const setTypingNow = (next: Typing): void => {
    typingRef.current = next;
    setTyping(next);
  };
  // A label given ends what was being typed for that item (undo brings it back clean).
  const save = (...write: Parameters<typeof annotateCurrent>): void => {
    typingRef.current = null;
    setTyping(null);
    annotateCurrent(...write);
  };
  const currentItem = (): SessionItem | null => {
    const now = store.getState().labelSession;
    return now?.labelSetId === labelSet.id ? (now.items[now.index] ?? null) : null;
  };
  const typedFor = (target: SessionItem): Typing | null =>
    typingRef.current?.rowId === target.rowId ? typingRef.current : null;
  const selectionOf = (target: SessionItem): readonly string[] => {
    const label = shownLabel(target);
    return typedFor(target)?.selection ?? classesOf(label?.action === 'label' ? label.value : null);
  };

  const choose = (name: string): void => {
    const target = currentItem();
    if (!target) return;
    if (labelSet.task === 'multi') {
      const next = classesOf(valueForClass('multi', name, selectionOf(target)));
      setTypingNow({ rowId: target.rowId, selection: next, scoreText: '', scoreProblem: null });
      return;
    }
    save('label', valueForClass(labelSet.task, name, []), true);
  };

  const submit = (): void => {
    const target = currentItem();
    if (!target) return;
    const label = shownLabel(target);
    const typedNow = typedFor(target);
    if (labelSet.task === 'score') {
      const text = typedNow?.scoreText ?? '';
      if (text === '') {
        if (label !== null) store.getState().moveLabelItem(1);
        return;
      }
      const parsed = parseScore(text, labelSet.score);
      if ('problem' in parsed) {
        setTypingNow({ rowId: target.rowId, selection: null, scoreText: text, scoreProblem: parsed.problem });
        return;
      }
      save('label', { score: parsed.score }, true);
      return;
    }
    const suggestion = target.suggestion;
    if (labelSet.task === 'multi') {
      if (typedNow?.selection == null && suggestion !== null && label === null) {
        save('label', { classes: [suggestion] }, true);
      } else save('label', { classes: [...selectionOf(target)].sort() }, true);
      return;
    }
    if (suggestion !== null) save('label', { classes: [suggestion] }, true);
    else if (label !== null) store.getState().moveLabelItem(1);
  };

  const typeScore = (edit: (text: string) => string): void => {
    const target = currentItem();
    if (!target) return;
    const text = edit(typedFor(target)?.scoreText ?? '');
    setTypingNow({ rowId: target.rowId, selection: null, scoreText: text, scoreProblem: null });
  };

  const onCommand: KeyHandler = (command, event) => {
    const state = store.getState();
    const before = state.labelSession;
    const beforeRow = before?.items[before.index]?.rowId ?? null;
    const beforeIndex = before?.index ?? 0;
    markKeypress(event.timeStamp);
    switch (command.kind) {
      case 'class':
        choose(command.name);
        break;
      case 'submit':
        submit();
        break;
      case 'next':
        state.moveLabelItem(1);
        break;
      case 'previous':
        state.moveLabelItem(-1);
        break;
      case 'skip':
        if (currentItem()) save('skip', null, true);
        break;
      case 'undo': {
        // In a score set Backspace first erases what is being typed.
        const target = currentItem();
        const text = target ? (typedFor(target)?.scoreText ?? '') : '';
        if (labelSet.task === 'score' && event.key === 'Backspace' && text !== '')
          typeScore((t) => t.slice(0, -1));
        else state.undoLabel();
        break;
      }
      case 'score-type':
        typeScore((text) => text + command.text);
        break;
      case 'score-erase':
        typeScore((text) => text.slice(0, -1));
        break;
      default:
        break;
    }
    // Only a key that put another item (or the end) on screen is a latency sample.
    const after = store.getState().labelSession;
    const afterRow = after?.items[after.index]?.rowId ?? null;
    if (afterRow === beforeRow && (after?.index ?? 0) === beforeIndex) cancelKeypress();
  };
  useKeyTarget(onCommand, active);

  if (!sessionHere || (sessionHere.loading && sessionHere.items.length === 0)) {
    return (
      <p className="muted label-loading" data-testid="label-loading">
        Loading the queue…
      </p>
    );
  }
  return (
    <div
      className={`focus-mode${active ? '' : ' keys-elsewhere'}`}
      data-testid="focus-mode"
      data-index={sessionHere.index}
    >
      {item ? (
        <ItemView labelSet={labelSet} item={item} total={sessionHere.total} images={images} />
      ) : (
        <EndOfQueue loading={sessionHere.loading || !sessionHere.reachedEnd} total={sessionHere.total} />
      )}
      <ClassBar
        labelSet={labelSet}
        chosen={
          labelSet.task === 'multi' ? selection : classesOf(shown?.action === 'label' ? shown.value : null)
        }
        scoreText={scoreText}
        scoreProblem={typed?.scoreProblem ?? null}
        disabled={item === null}
        onChoose={choose}
      />
    </div>
  );
}
