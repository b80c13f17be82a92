import { useState } from 'react';
import { useApp } from '../store/app-store.js';

/** Asked once per browser: whose labels these are (kept in localStorage). */
export function AnnotatorPrompt({ onDone }: { onDone?: () => void }) {
  const current = useApp((state) => state.annotator);
  const setAnnotator = useApp((state) => state.setAnnotator);
  const [name, setName] = useState(current ?? '');
  return (
    <form
      className="annotator-prompt"
      data-testid="annotator-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim() === '') return;
        setAnnotator(name);
        onDone?.();
      }}
    >
      <label className="field">
        <span>Who is labelling? Each person&apos;s labels are kept apart, so agreement can be measured.</span>
        <input
          type="text"
          maxLength={80}
          autoFocus
          placeholder="Your name"
          value={name}
          data-testid="annotator-name"
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <div className="dialog-buttons">
        {onDone && current !== null && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={name.trim() === ''} data-testid="annotator-save">
          Start labelling
        </button>
      </div>
    </form>
  );
}
