import { useEffect } from 'react';
import type { BackendName } from '../../../core/contract/training.js';
import { useApp } from '../store/app-store.js';

/** Auto or a forced backend, with which one auto picks and why the faster ones are not used. */
export function BackendPicker({
  value,
  onChange,
}: {
  value: 'auto' | BackendName;
  onChange(value: 'auto' | BackendName): void;
}) {
  const backends = useApp((state) => state.backends);
  const loadBackends = useApp((state) => state.loadBackends);
  useEffect(() => {
    if (backends === null) void loadBackends();
  }, [backends, loadBackends]);

  return (
    <div className="backend-picker" data-testid="backend-picker">
      <label className="form-field">
        <span>Backend</span>
        <select
          data-testid="train-backend"
          value={value}
          onChange={(event) => onChange(event.target.value as 'auto' | BackendName)}
        >
          <option value="auto">Auto{backends ? ` (${backends.auto})` : ''}</option>
          {backends?.candidates.map((candidate) => (
            <option key={candidate.name} value={candidate.name} disabled={!candidate.available}>
              {candidate.name}
              {candidate.available ? '' : ' (not available)'}
            </option>
          ))}
        </select>
      </label>
      {backends === null ? (
        <p className="muted backend-note">Asking the engine which backends work here…</p>
      ) : (
        <ul className="backend-list" data-testid="backend-info" data-auto={backends.auto}>
          {backends.candidates.map((candidate) => (
            <li
              key={candidate.name}
              data-testid="backend-candidate"
              data-backend={candidate.name}
              data-available={candidate.available}
              className={candidate.available ? undefined : 'muted'}
            >
              <strong>{candidate.name}</strong>
              {candidate.name === backends.auto && <span className="auto-tag">auto picks this</span>}
              <span> — {candidate.reason}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
