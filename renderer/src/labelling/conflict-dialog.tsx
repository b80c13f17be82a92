import { useModalDialog } from '../components/use-modal-dialog.js';
import type { LabelSet } from '../../../core/contract/labels.js';
import { useApp } from '../store/app-store.js';
import { sessionConflicts } from '../store/label-session-slice.js';
import { LabelChip } from './label-chip.js';

/**
 * Another window of the same annotator changed an item after this one showed it: show both labels
 * and let the user keep theirs (a forced write) or take the other.
 */
export function ConflictDialog({ labelSet }: { labelSet: LabelSet }) {
  const conflict = useApp((state) => sessionConflicts(state)[0] ?? null);
  const waiting = useApp((state) => sessionConflicts(state).length);
  const resolve = useApp((state) => state.resolveConflict);
  const dialogRef = useModalDialog(conflict !== null);
  return (
    <dialog
      ref={dialogRef}
      className="import-dialog conflict-dialog"
      aria-labelledby="conflict-title"
      data-testid="label-conflict"
      onCancel={(event) => event.preventDefault()}
    >
      {conflict && (
        <>
          <h2 id="conflict-title">Row {conflict.rowId} changed in another window</h2>
          <p className="muted">
            It was labelled elsewhere after this window showed it.
            {waiting > 1 ? ` ${waiting - 1} more after this one.` : ''}
          </p>
          <dl className="conflict-labels">
            <div>
              <dt>Yours</dt>
              <dd>
                <LabelChip labelSet={labelSet} label={conflict.mine} testId="conflict-mine" />
              </dd>
            </div>
            <div>
              <dt>The other window&apos;s</dt>
              <dd>
                <LabelChip
                  labelSet={labelSet}
                  label={
                    conflict.theirs ? { action: conflict.theirs.action, value: conflict.theirs.value } : null
                  }
                  testId="conflict-theirs"
                />
              </dd>
            </div>
          </dl>
          <div className="dialog-buttons">
            <button type="button" data-testid="conflict-take-theirs" onClick={() => resolve('theirs')}>
              Take theirs
            </button>
            <button
              type="button"
              className="primary"
              data-testid="conflict-keep-mine"
              onClick={() => resolve('mine')}
            >
              Keep mine
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
