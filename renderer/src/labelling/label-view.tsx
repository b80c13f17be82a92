import { useEffect, useRef, useState } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import type { LabelSet } from '../../../core/contract/labels.js';
import { useApp, useDeps } from '../store/app-store.js';
import { sessionConflicts } from '../store/label-session-slice.js';
import { AgreementPanel } from './agreement-panel.js';
import { AnnotatorPrompt } from './annotator-prompt.js';
import { ConflictDialog } from './conflict-dialog.js';
import { FocusMode } from './focus-mode.js';
import { GridMode } from './grid-mode.js';
import { HistoryPanel } from './history-panel.js';
import { KeyTargetContext, useStore } from './key-target.js';
import type { KeyHandler } from './key-target.js';
import { commandFor, isTypingTarget } from './keymap.js';
import { KeymapOverlay } from './keymap-overlay.js';
import { LabelSetForm } from './label-set-form.js';
import { LabelToolbar } from './label-toolbar.js';
import { ProgressStrip } from './progress-strip.js';
import { ReviewPanel } from './review-panel.js';
import { VersionsPanel } from './versions-panel.js';

const noSets: readonly LabelSet[] = [];
// Holding a key down may scroll through items, but must not label a run of them.
const repeatable = new Set(['next', 'previous', 'page']);

/** One window listener for the whole view; commands go to whichever part has the keyboard. */
function useLabelKeys(labelSet: LabelSet | null, enabled: boolean) {
  const store = useStore();
  const target = useRef<KeyHandler | null>(null);
  useEffect(() => {
    if (!labelSet || !enabled) return undefined;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      const state = store.getState();
      // A modal (a conflict, the import dialog) has the keyboard.
      if (sessionConflicts(state).length > 0 || document.querySelector('dialog[open]')) return;
      const where = state.labelPanel === 'review' ? 'review' : state.labelMode;
      const command = commandFor(event, {
        task: labelSet.task,
        classes: labelSet.classes,
        scoreTyped: false,
        mode: where,
      });
      if (!command) return;
      event.preventDefault();
      if (event.repeat && !repeatable.has(command.kind)) return;
      if (command.kind === 'keymap') return state.setKeymapOpen(!state.keymapOpen);
      if (state.keymapOpen) {
        if (command.kind === 'close') state.setKeymapOpen(false);
        return;
      }
      if (command.kind === 'review') return state.toggleLabelPanel('review');
      if (command.kind === 'close' && state.labelPanel !== null)
        return state.toggleLabelPanel(state.labelPanel);
      target.current?.(command, event);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [labelSet, enabled, store]);
  return target;
}

function Workbench({ labelSet }: { labelSet: LabelSet }) {
  const mode = useApp((state) => state.labelMode);
  const panel = useApp((state) => state.labelPanel);
  const keymapOpen = useApp((state) => state.keymapOpen);
  const mainActive = !keymapOpen && panel !== 'review';
  return (
    <>
      {labelSet.instructions.trim() !== '' && (
        <details className="label-instructions" data-testid="label-instructions-shown" open>
          <summary>Instructions</summary>
          <p>{labelSet.instructions}</p>
        </details>
      )}
      <ProgressStrip labelSet={labelSet} />
      <div className="label-body">
        <div className="label-main">
          {mode === 'focus' ? (
            <FocusMode labelSet={labelSet} active={mainActive} />
          ) : (
            <GridMode labelSet={labelSet} active={mainActive} />
          )}
        </div>
        {panel !== null && (
          <aside className="label-side">
            {panel === 'review' ? (
              <ReviewPanel labelSet={labelSet} active={!keymapOpen} />
            ) : panel === 'history' ? (
              <HistoryPanel labelSet={labelSet} />
            ) : panel === 'agreement' ? (
              <AgreementPanel labelSetId={labelSet.id} />
            ) : (
              <VersionsPanel labelSet={labelSet} />
            )}
          </aside>
        )}
      </div>
      <KeymapOverlay labelSet={labelSet} />
      <ConflictDialog labelSet={labelSet} />
    </>
  );
}

/** The Label tab of a dataset version: make a label set, then label it at the speed of the keyboard. */
export function LabelView({ version }: { version: DatasetVersion }) {
  const { api } = useDeps();
  const sets = useApp((state) => state.labelSetsByVersion[version.id]);
  const activeId = useApp((state) => state.activeLabelSetId);
  const annotator = useApp((state) => state.annotator);
  const connection = useApp((state) => state.connection);
  const failedWrites = useApp((state) => state.labelWritesFailed);
  const orderKey = useApp((state) => JSON.stringify(state.labelOrder));
  const mode = useApp((state) => state.labelMode);
  const loadLabelSets = useApp((state) => state.loadLabelSets);
  const onLabelsChanged = useApp((state) => state.onLabelsChanged);
  const retryFailedLabels = useApp((state) => state.retryFailedLabels);
  const [creating, setCreating] = useState(false);
  const [askingName, setAskingName] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (sets === undefined) void loadLabelSets(version.id);
  }, [sets, loadLabelSets, version.id]);
  useEffect(() => api.on('labels.changed', onLabelsChanged), [api, onLabelsChanged]);
  // Writes that could not reach the engine go again once it is back (their ids make that safe).
  useEffect(() => {
    if (connection === 'open' && failedWrites > 0) retryFailedLabels();
  }, [connection, failedWrites, retryFailedLabels]);
  // Events sent while the connection was down are lost: read the progress again when it is back.
  const refreshLabelProgress = useApp((state) => state.refreshLabelProgress);
  const wasOpen = useRef(connection === 'open');
  useEffect(() => {
    if (connection === 'open' && !wasOpen.current) void refreshLabelProgress();
    wasOpen.current = connection === 'open';
  }, [connection, refreshLabelProgress]);

  const list = sets ?? noSets;
  const labelSet = list.find((entry) => entry.id === activeId) ?? null;
  const newestId = list.at(-1)?.id ?? null;
  const openLabelSet = useApp((state) => state.openLabelSet);
  // Another version's set was open: open this version's newest.
  useEffect(() => {
    if (labelSet === null && newestId !== null) openLabelSet(newestId);
  }, [labelSet, newestId, openLabelSet]);
  const showForm = sets !== undefined && (creating || list.length === 0);
  const ready = labelSet !== null && !showForm && annotator !== null && !askingName;
  const target = useLabelKeys(labelSet, ready);

  // Keys go to the window; a select or button keeps focus after a click, so hand it back.
  useEffect(() => {
    const focused = document.activeElement;
    if (
      ready &&
      (focused === document.body ||
        focused instanceof HTMLSelectElement ||
        focused instanceof HTMLButtonElement)
    )
      rootRef.current?.focus({ preventScroll: true });
  }, [ready, labelSet?.id, orderKey, mode]);

  return (
    <KeyTargetContext.Provider value={target}>
      <div className="label-view" ref={rootRef} tabIndex={-1} data-testid="label-view" data-ready={ready}>
        <LabelToolbar
          version={version}
          sets={list}
          labelSet={showForm ? null : labelSet}
          onNewSet={() => setCreating(true)}
          onChangeAnnotator={() => setAskingName(true)}
        />
        {sets === undefined ? (
          <p className="muted">Loading label sets…</p>
        ) : showForm ? (
          <LabelSetForm
            version={version}
            onCreated={() => setCreating(false)}
            onCancel={list.length > 0 ? () => setCreating(false) : null}
          />
        ) : annotator === null || askingName ? (
          <AnnotatorPrompt onDone={() => setAskingName(false)} />
        ) : labelSet ? (
          <Workbench labelSet={labelSet} />
        ) : null}
      </div>
    </KeyTargetContext.Provider>
  );
}
