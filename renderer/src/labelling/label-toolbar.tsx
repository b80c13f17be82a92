import type { DatasetVersion } from '../../../core/contract/schemas.js';
import type { LabelSet } from '../../../core/contract/labels.js';
import { useApp } from '../store/app-store.js';
import type { LabelMode, LabelPanel } from '../store/labels-slice.js';
import { OrderPicker } from './order-picker.js';

const modes: readonly { id: LabelMode; label: string }[] = [
  { id: 'focus', label: 'One at a time' },
  { id: 'grid', label: 'Grid' },
];

const panels: readonly { id: LabelPanel; label: string; key?: string }[] = [
  { id: 'review', label: 'Review', key: 'U' },
  { id: 'history', label: 'History' },
  { id: 'agreement', label: 'Agreement' },
  { id: 'versions', label: 'Versions' },
];

/** Which label set, who is labelling, the queue order, the mode, and the side panels. */
export function LabelToolbar({
  version,
  sets,
  labelSet,
  onNewSet,
  onChangeAnnotator,
}: {
  version: DatasetVersion;
  sets: readonly LabelSet[];
  labelSet: LabelSet | null;
  onNewSet(): void;
  onChangeAnnotator(): void;
}) {
  const annotator = useApp((state) => state.annotator);
  const mode = useApp((state) => state.labelMode);
  const panel = useApp((state) => state.labelPanel);
  const openLabelSet = useApp((state) => state.openLabelSet);
  const setLabelMode = useApp((state) => state.setLabelMode);
  const toggleLabelPanel = useApp((state) => state.toggleLabelPanel);
  const setKeymapOpen = useApp((state) => state.setKeymapOpen);
  return (
    <div className="label-toolbar" data-testid="label-toolbar">
      {sets.length > 0 && (
        <label className="inline-field">
          <span>Label set</span>
          <select
            value={labelSet?.id ?? ''}
            data-testid="label-set-picker"
            onChange={(event) => openLabelSet(event.target.value)}
          >
            {sets.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.name} ({entry.task})
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" data-testid="new-label-set" onClick={onNewSet}>
        New label set
      </button>
      {annotator !== null && (
        <span className="annotator-chip" data-testid="annotator-chip">
          Labelling as <strong data-testid="annotator-current">{annotator}</strong>
          <button
            type="button"
            className="link-button"
            data-testid="change-annotator"
            onClick={onChangeAnnotator}
          >
            change
          </button>
        </span>
      )}
      {labelSet !== null && (
        <>
          <OrderPicker version={version} />
          <div className="segmented" role="group" aria-label="Mode">
            {modes.map((entry) => (
              <button
                key={entry.id}
                type="button"
                aria-pressed={mode === entry.id}
                data-testid={`label-mode-${entry.id}`}
                onClick={() => setLabelMode(entry.id)}
              >
                {entry.label}
              </button>
            ))}
          </div>
          <div className="label-panel-buttons">
            {panels.map((entry) => (
              <button
                key={entry.id}
                type="button"
                aria-pressed={panel === entry.id}
                data-testid={`label-panel-${entry.id}`}
                onClick={() => toggleLabelPanel(entry.id)}
              >
                {entry.label}
                {entry.key && <kbd>{entry.key}</kbd>}
              </button>
            ))}
            <button
              type="button"
              aria-label="Keyboard shortcuts"
              data-testid="label-keymap"
              onClick={() => setKeymapOpen(true)}
            >
              <kbd>?</kbd>
            </button>
          </div>
        </>
      )}
    </div>
  );
}
