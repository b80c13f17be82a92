import type { LabelSet } from '../../../core/contract/labels.js';
import { useApp } from '../store/app-store.js';
import { keymapRows } from './keymap.js';

/** `?`: every key of the view over the item; `?` or Esc closes it. */
export function KeymapOverlay({ labelSet }: { labelSet: LabelSet }) {
  const open = useApp((state) => state.keymapOpen);
  const setOpen = useApp((state) => state.setKeymapOpen);
  if (!open) return null;
  return (
    <div
      className="keymap-overlay"
      role="dialog"
      aria-label="Keyboard shortcuts"
      data-testid="keymap-overlay"
    >
      <div className="keymap-card">
        <h2>Keys</h2>
        <table className="report-table">
          <tbody>
            {keymapRows(labelSet.task, labelSet.classes).map(([keys, meaning]) => (
              <tr key={keys}>
                <th>
                  <kbd>{keys}</kbd>
                </th>
                <td>{meaning}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          In the grid: click, Shift+click and Ctrl+A select; a class key labels every selected item; [ and ]
          turn pages.
        </p>
        <div className="dialog-buttons">
          <button type="button" data-testid="keymap-close" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
